/**
 * DevTools' log as report entries: preflights join their requests in whichever order DevTools
 * finishes them (a late one completes a request already filed, under the same id), redirects join
 * their next hop, and the line of code that made a request comes along. No timers: every test
 * here feeds entries and reads what comes back.
 */
import { describe, expect, test } from 'vitest';
import { judge } from '../../src/capture/judge.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { DevToolsLog, MAX_WAITING, NEXT_HOP_MISSING } from '../../src/har/devtools-log.ts';
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

/** Feeds entries in order, each with a DevTools id from 1. */
function feed(log: DevToolsLog, ...entries: unknown[]): CapturedRequest[][] {
  return entries.map((e) => log.add(e, ++ids));
}
let ids = 0;

describe('preflights join their requests', () => {
  test('in the order DevTools finishes them: the preflight first, the request on its arrival', () => {
    const log = new DevToolsLog(TAB);
    const [before, out = []] = feed(log, preflight(2), put(0));
    expect(before).toEqual([]);
    expect(summary(out)).toEqual([{ method: 'PUT', preflight: 204, state: 'completed', source: 'devtools' }]);
    expect(out[0]?.tabId).toBe(TAB);
  });

  test('a request that comes first is filed at once, and comes again, same id, when its preflight does', () => {
    const log = new DevToolsLog(TAB);
    // Blocked at its preflight: Chrome may finish it before the preflight.
    const [[first] = [], [again] = []] = feed(
      log,
      put(0, 0, 'net::ERR_FAILED'),
      preflight(2, 'content-type', ''),
    );
    expect(summary([first as CapturedRequest])).toEqual([
      { method: 'PUT', preflight: null, state: 'failed', source: 'devtools' },
    ]);
    expect(summary([again as CapturedRequest])).toEqual([
      { method: 'PUT', preflight: 204, state: 'failed', source: 'devtools' },
    ]);
    expect(again?.id).toBe(first?.id);
    // The copy first filed is left as it was: the log replaces it.
    expect(first?.preflights[0]).toBeNull();
    expect(judge(again as CapturedRequest, 'browser')).toMatchObject({
      blocked: true,
      verdict: { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'content-type' },
    });
  });

  test('one that went out with no preflight (the preflight cache served it) is filed at once', () => {
    const log = new DevToolsLog(TAB);
    const [, [paired] = [], [out] = []] = feed(log, preflight(0), put(1), put(5000));
    expect(paired?.preflights[0]?.status).toBe(204);
    expect(summary([out as CapturedRequest])).toEqual([
      { method: 'PUT', preflight: null, state: 'completed', source: 'devtools' },
    ]);
    // The preflight answered 5 s before this request started.
    expect(out?.cachedFrom).toEqual({ time: (out?.time ?? 0) - 5000, maxAge: null });
    expect(judge(out as CapturedRequest, 'browser').verdict.preflight.cached).toBe(true);
  });

  test('a request served by the preflight cache does not take the preflight of an earlier, slower one', () => {
    const log = new DevToolsLog(TAB);
    // Q1 started at 0 with its preflight; Q2 started 300 ms later, its preflight cached, and finished first.
    const [, [q2] = [], [q1] = []] = feed(log, preflight(1), put(300), put(0));
    expect(q2?.preflights[0]).toBeNull();
    expect(q2?.cachedFrom).toMatchObject({ maxAge: null });
    expect(q1?.preflights[0]?.status).toBe(204);
  });

  test('a request that went out and sorted before its preflight (HAR end times drift) gets it when it comes', () => {
    const log = new DevToolsLog(TAB);
    const [[first] = [], [again] = []] = feed(log, put(0), preflight(1));
    expect(first?.preflights[0]).toBeNull();
    expect(again).toMatchObject({ id: first?.id, state: 'completed' });
    expect(again?.preflights[0]?.status).toBe(204);
  });

  test('a simple request goes to the log at once, with the line of code that made it', () => {
    const log = new DevToolsLog(TAB);
    const get = entry({
      method: 'GET',
      start: 0,
      initiator: script(9),
      request: [['Origin', PAGE]],
      status: 200,
      response: [['Access-Control-Allow-Origin', PAGE]],
    });
    const [request] = log.add(get, 1);
    expect(request?.initiatorLocation).toEqual({
      url: `${PAGE}/app.js`,
      line: 10,
      column: 5,
      functionName: 'saveOrder',
    });
    expect(request?.id).toBe('devtools-1');
  });

  test('two alike requests in flight each take their own preflight, whatever order they finish in', () => {
    const log = new DevToolsLog(TAB);
    const [, , second = [], first = []] = feed(
      log,
      preflight(2),
      preflight(12, 'content-type', ''),
      put(10, 0, 'net::ERR_FAILED'),
      put(0),
    );
    expect(summary([...first, ...second]).map((s) => s.preflight)).toEqual([204, 204]);
    expect(first[0]?.preflights[0]?.responseHeaders).toContainEqual({
      name: 'Access-Control-Allow-Headers',
      value: 'Content-Type',
    });
    expect(second[0]?.preflights[0]?.responseHeaders).toContainEqual({
      name: 'Access-Control-Allow-Headers',
      value: '',
    });
  });

  test('a same-origin request is not listed', () => {
    const log = new DevToolsLog(TAB);
    const own = entry({ method: 'GET', url: `${PAGE}/data`, start: 0, request: [], status: 200 });
    expect(log.add(own, 1)).toEqual([]);
  });
});

describe("Firefox's log: no markers, and no entry for a request blocked at its preflight", () => {
  /** As Firefox's DevTools writes entries: no `_resourceType`, no `_initiator`, no id. */
  const unmarked = (e: ReturnType<typeof entry>) => {
    const { _resourceType, _initiator, ...rest } = e as typeof e & { _initiator?: unknown };
    return rest;
  };

  test('a preflight that fails stands for its request at once', () => {
    const log = new DevToolsLog(TAB);
    const out = log.add(unmarked(preflight(2, 'authorization', 'Content-Type')), null);
    expect(summary(out)).toEqual([{ method: 'PUT', preflight: 204, state: 'completed', source: 'devtools' }]);
    expect(judge(out[0] as CapturedRequest, 'engine')).toMatchObject({
      blocked: true,
      verdict: { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'authorization' },
    });
  });

  test("should the request's own entry come after all, it takes the place of the one its preflight stood for", () => {
    const log = new DevToolsLog(TAB);
    const [stood] = log.add(unmarked(preflight(2, 'authorization', 'Content-Type')), null);
    const [own] = log.add(unmarked(put(0, 0, 'NS_ERROR_DOM_BAD_URI')), null);
    expect(own?.id).toBe(stood?.id);
    expect(own).toMatchObject({ state: 'failed', error: 'NS_ERROR_DOM_BAD_URI' });
  });

  test('a preflight that passed waits for its request however many entries come between', () => {
    const log = new DevToolsLog(TAB);
    expect(log.add(unmarked(preflight(2)), null)).toEqual([]);
    for (let i = 0; i < 50; i++) {
      const other = entry({
        method: 'GET',
        url: `${API}/other/${i}`,
        start: 3 + i,
        request: [['Origin', PAGE]],
        status: 200,
      });
      log.add(unmarked(other), null);
    }
    const out = log.add(unmarked(put(0)), null);
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

  test('a hop that redirected is in flight until the next, and the request is listed under the URL the page asked for', () => {
    const log = new DevToolsLog(TAB);
    expect(log.add(hop(0, `${API}/old`, 302, `${API}/new`), 1)).toEqual([]);
    expect(log.inFlight()).toHaveLength(1);
    const [request] = log.add(hop(5, `${API}/new`, 200), 2);
    expect(request?.url).toBe(`${API}/old`);
    expect(request?.responses.map((r) => r.status)).toEqual([302, 200]);
    expect(log.inFlight()).toEqual([]);
  });

  test("a 303 that turned a POST into a GET: the request is where its last hop was, as that hop's method", () => {
    const log = new DevToolsLog(TAB);
    const post = entry({
      method: 'POST',
      url: `${API}/submit`,
      start: 0,
      request: [['Origin', PAGE]],
      status: 303,
      response: [['Location', `${API}/result`]],
    });
    expect(log.add(post, 1)).toEqual([]);
    expect(log.inFlight()[0]).toMatchObject({ currentMethod: 'GET', currentUrl: `${API}/result` });
    const [request] = log.add(
      entry({
        method: 'GET',
        url: `${API}/result`,
        start: 5,
        request: [['Origin', PAGE]],
        status: 200,
        error: 'net::ERR_FAILED',
      }),
      2,
    );
    expect(request).toMatchObject({
      method: 'POST',
      url: `${API}/submit`,
      currentMethod: 'GET',
      currentUrl: `${API}/result`,
      state: 'failed',
    });
  });

  test("a chain back to the page's own origin: the last hop's preflight, to the page origin, is its own", () => {
    const log = new DevToolsLog(TAB);
    const custom: [string, string] = ['X-Custom', '1'];
    const back = `${PAGE}/back`;
    const preflightTo = (url: string, start: number, origin: string) =>
      entry({
        method: 'OPTIONS',
        url,
        start,
        resourceType: 'preflight',
        request: [
          ['Origin', origin],
          ['Access-Control-Request-Method', 'GET'],
          ['Access-Control-Request-Headers', 'x-custom'],
          ['Referer', `${PAGE}/`],
        ],
        status: 204,
        response: [
          ['Access-Control-Allow-Origin', PAGE],
          ['Access-Control-Allow-Headers', 'X-Custom'],
        ],
      });
    log.add(
      entry({
        method: 'GET',
        url: `${PAGE}/start`,
        start: 0,
        request: [['Referer', `${PAGE}/`], custom],
        status: 307,
        response: [['Location', API]],
      }),
      1,
    );
    log.add(preflightTo(API, 5, PAGE), 2);
    log.add(
      entry({
        method: 'GET',
        url: API,
        start: 4,
        request: [['Origin', PAGE], custom],
        status: 307,
        response: [
          ['Access-Control-Allow-Origin', PAGE],
          ['Location', back],
        ],
      }),
      3,
    );
    // Blocked at its preflight, the last hop finishes first; the preflight (Origin: null) comes after.
    const [first] = log.add(
      entry({
        method: 'GET',
        url: back,
        start: 9,
        request: [['Referer', `${PAGE}/`]],
        status: 0,
        error: 'net::ERR_FAILED',
      }),
      4,
    );
    expect(first?.preflights.map((p) => p?.status ?? null)).toEqual([null, 204, null]);
    const [again] = log.add(preflightTo(back, 10, 'null'), 5);
    expect(again?.id).toBe(first?.id);
    expect(again?.preflights.map((p) => p?.status ?? null)).toEqual([null, 204, 204]);
    expect(judge(again as CapturedRequest, 'browser').verdict).toMatchObject({
      corsError: 'PreflightAllowOriginMismatch',
      origin: 'null',
    });
  });

  test('redirects whose next hop never shows stay in flight, at most MAX_WAITING of them, and a new page lets them go', () => {
    const log = new DevToolsLog(TAB);
    const first = log.inFlight();
    expect(first).toEqual([]);
    for (let i = 0; i <= MAX_WAITING; i++) log.add(hop(i, `${API}/old/${i}`, 302, `${API}/gone/${i}`), i + 1);
    const waiting = log.inFlight();
    expect(waiting).toHaveLength(MAX_WAITING);
    expect(waiting[0]?.url).toBe(`${API}/old/1`);
    log.reset();
    expect(log.inFlight()).toEqual([]);
  });

  test('the oldest redirect let go past the cap comes out ended, saying its next hop is not in the log', () => {
    const log = new DevToolsLog(TAB);
    log.add(hop(0, `${API}/old/0`, 302, `${API}/gone/0`), 1);
    let out: CapturedRequest[] = [];
    for (let i = 1; i <= MAX_WAITING; i++)
      out = log.add(hop(i, `${API}/old/${i}`, 302, `${API}/gone/${i}`), i + 1);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ url: `${API}/old/0`, state: 'failed', error: NEXT_HOP_MISSING });
  });

  test('two requests redirected to the same URL each go on with their own next hop', () => {
    const log = new DevToolsLog(TAB);
    expect(log.add(hop(0, `${API}/a`, 302, `${API}/login`), 1)).toEqual([]);
    expect(log.add(hop(5, `${API}/b`, 302, `${API}/login`), 2)).toEqual([]);
    expect(log.inFlight()).toHaveLength(2);
    const [a] = log.add(hop(10, `${API}/login`, 200), 3);
    const [b] = log.add(hop(15, `${API}/login`, 200), 4);
    expect([a?.url, b?.url]).toEqual([`${API}/a`, `${API}/b`]);
    expect(b?.responses.map((r) => r.url)).toEqual([`${API}/b`, `${API}/login`]);
    expect(log.inFlight()).toEqual([]);
  });
});

test('an entry that is not a HAR entry is counted, never thrown', () => {
  const log = new DevToolsLog(TAB);
  expect(log.add({ nonsense: true }, 1)).toEqual([]);
  expect(log.add(null, 2)).toEqual([]);
  expect(log.unreadable).toBe(2);
});
