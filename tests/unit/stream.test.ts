/**
 * DevTools capture's stream of finished entries: preflights join their requests in whichever order
 * DevTools finishes them, redirects join their next hop, and the line of code that made a request
 * comes along — all through the same Pairer as live capture and HAR files.
 */
import { describe, expect, test } from 'vitest';
import { judge } from '../../src/capture/judge.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { HarStream, NEXT_HOP_WAIT_MS, PREFLIGHT_WAIT_MS } from '../../src/har/stream.ts';
import { API, entry, PAGE } from './har-fixtures.ts';

const TAB = 7;

const preflight = (start: number, requestHeaders = 'content-type', allowHeaders = 'Content-Type') =>
  entry({
    method: 'OPTIONS',
    start,
    resourceType: 'preflight',
    initiator: { type: 'preflight', url: API, requestId: '1.1' },
    request: [
      ['Origin', PAGE],
      ['Access-Control-Request-Method', 'PUT'],
      ['Access-Control-Request-Headers', requestHeaders],
    ],
    status: 204,
    response: [
      ['Access-Control-Allow-Origin', PAGE],
      ['Access-Control-Allow-Methods', 'PUT'],
      ['Access-Control-Allow-Headers', allowHeaders],
    ],
  });

const script = (line: number) => ({
  type: 'script',
  stack: {
    callFrames: [{ functionName: 'saveOrder', url: `${PAGE}/app.js`, lineNumber: line, columnNumber: 4 }],
  },
});

const put = (start: number, status = 200, error: string | null = null) =>
  entry({
    method: 'PUT',
    start,
    initiator: script(41),
    request: [
      ['Origin', PAGE],
      ['Content-Type', 'application/json'],
    ],
    status,
    error,
    response: status === 200 ? [['Access-Control-Allow-Origin', PAGE]] : [],
  });

const summary = (rs: readonly CapturedRequest[]) =>
  rs.map((r) => ({
    method: r.method,
    preflight: r.preflights[0]?.status ?? null,
    state: r.state,
    source: r.source,
  }));

describe('preflights join their requests', () => {
  test('in the order DevTools finishes them: the preflight first, the request on its arrival', () => {
    const stream = new HarStream(TAB);
    expect(stream.add(preflight(2), 100)).toEqual([]);
    const out = stream.add(put(0), 110);
    expect(summary(out)).toEqual([{ method: 'PUT', preflight: 204, state: 'completed', source: 'devtools' }]);
    expect(out[0]?.tabId).toBe(TAB);
  });

  test('a request that comes first waits a moment for its preflight', () => {
    const stream = new HarStream(TAB);
    // Blocked at its preflight: Chrome times it as ending before the preflight started.
    expect(stream.add(put(0, 0, 'net::ERR_FAILED'), 100)).toEqual([]);
    const out = stream.add(preflight(2, 'content-type', ''), 120);
    expect(summary(out)).toEqual([{ method: 'PUT', preflight: 204, state: 'failed', source: 'devtools' }]);
    expect(judge(out[0] as CapturedRequest, 'browser')).toMatchObject({
      blocked: true,
      verdict: { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'content-type' },
    });
  });

  test('one that never gets a preflight (the preflight cache served it) is let go after the wait', () => {
    const stream = new HarStream(TAB);
    expect(stream.add(put(0), 100)).toEqual([]);
    expect(stream.flush(100 + PREFLIGHT_WAIT_MS - 1)).toEqual([]);
    const out = stream.flush(100 + PREFLIGHT_WAIT_MS);
    expect(summary(out)).toEqual([
      { method: 'PUT', preflight: null, state: 'completed', source: 'devtools' },
    ]);
    expect(judge(out[0] as CapturedRequest, 'browser').verdict.preflight.cached).toBe(true);
  });

  test('a simple request goes to the log at once, with the line of code that made it', () => {
    const stream = new HarStream(TAB);
    const get = entry({
      method: 'GET',
      start: 0,
      initiator: script(9),
      request: [['Origin', PAGE]],
      status: 200,
      response: [['Access-Control-Allow-Origin', PAGE]],
    });
    const [request] = stream.add(get, 100);
    expect(request?.initiatorLocation).toEqual({
      url: `${PAGE}/app.js`,
      line: 10,
      column: 5,
      functionName: 'saveOrder',
    });
  });

  test('two alike requests in flight each take their own preflight, whatever order they finish in', () => {
    const stream = new HarStream(TAB);
    stream.add(preflight(2), 100);
    stream.add(preflight(12, 'content-type', ''), 101);
    const second = stream.add(put(10, 0, 'net::ERR_FAILED'), 102);
    const first = stream.add(put(0), 140);
    expect(summary([...first, ...second]).map((s) => s.preflight)).toEqual([204, 204]);
    expect(first[0]?.preflights[0]?.responseHeaders).toContainEqual({
      name: 'Access-Control-Allow-Headers',
      value: 'Content-Type',
    });
  });
});

describe("Firefox's log: no markers, and no entry for a request blocked at its preflight", () => {
  /** As Firefox's DevTools writes entries: no `_resourceType`, no `_initiator`. */
  const unmarked = (e: ReturnType<typeof entry>) => {
    const { _resourceType, _initiator, ...rest } = e as typeof e & { _initiator?: unknown };
    return rest;
  };

  test('a preflight that fails stands for its request once the wait is over', () => {
    const stream = new HarStream(TAB);
    expect(stream.add(unmarked(preflight(2, 'authorization', 'Content-Type')), 100)).toEqual([]);
    expect(stream.flush(100 + PREFLIGHT_WAIT_MS - 1)).toEqual([]);
    const out = stream.flush(100 + PREFLIGHT_WAIT_MS);
    expect(summary(out)).toEqual([{ method: 'PUT', preflight: 204, state: 'completed', source: 'devtools' }]);
    expect(judge(out[0] as CapturedRequest, 'engine')).toMatchObject({
      blocked: true,
      verdict: { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'authorization' },
    });
  });

  test('a preflight that passed waits for its request however long it takes', () => {
    const stream = new HarStream(TAB);
    stream.add(unmarked(preflight(2)), 100);
    expect(stream.flush(100 + PREFLIGHT_WAIT_MS)).toEqual([]);
    const out = stream.add(unmarked(put(0)), 100 + 10 * PREFLIGHT_WAIT_MS);
    expect(summary(out)).toEqual([{ method: 'PUT', preflight: 204, state: 'completed', source: 'devtools' }]);
  });
});

describe('redirects', () => {
  const hop = (start: number, url: string, status: number, location?: string) =>
    entry({
      method: 'GET',
      url,
      start,
      request: [['Origin', PAGE]],
      status,
      response: [
        ['Access-Control-Allow-Origin', PAGE],
        ...(location ? ([['Location', location]] as [string, string][]) : []),
      ],
    });

  test('a hop that redirected waits for the next, and the request is listed under the URL the page asked for', () => {
    const stream = new HarStream(TAB);
    expect(stream.add(hop(0, `${API}/old`, 302, `${API}/new`), 100)).toEqual([]);
    expect(stream.inFlight()).toHaveLength(1);
    const [request] = stream.add(hop(5, `${API}/new`, 200), 110);
    expect(request?.url).toBe(`${API}/old`);
    expect(request?.responses.map((r) => r.status)).toEqual([302, 200]);
    expect(stream.inFlight()).toEqual([]);
  });

  test('a redirect whose next hop never shows is ended after the wait, not kept forever', () => {
    const stream = new HarStream(TAB);
    stream.add(hop(0, `${API}/old`, 302, `${API}/gone`), 100);
    expect(stream.flush(100 + NEXT_HOP_WAIT_MS - 1)).toEqual([]);
    const [request] = stream.flush(100 + NEXT_HOP_WAIT_MS);
    expect(request).toMatchObject({ state: 'failed', url: `${API}/old` });
  });
});

test('an entry that is not a HAR entry is counted, never thrown', () => {
  const stream = new HarStream(TAB);
  expect(stream.add({ nonsense: true }, 1)).toEqual([]);
  expect(stream.add(null, 2)).toEqual([]);
  expect(stream.unreadable).toBe(2);
});
