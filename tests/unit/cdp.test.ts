/**
 * CDP's Network events in the orders Chromium 156 sends them (measured on the demo): a preflight
 * announced before its request, a request failed before its preflight's events, raw headers after
 * loadingFailed. Each ends as one entry with Chrome's word and the engine's verdict agreeing.
 */
import { expect, test } from 'vitest';
import { type CdpEntry, CdpNetworkLog } from '../../src/cdp/network.ts';
import { diagnose } from '../../src/index.ts';

const PAGE = 'http://localhost:3000';
const API = 'http://localhost:8000';

function collect(events: readonly [string, object][]): Promise<CdpEntry[]> {
  const out: CdpEntry[] = [];
  const log = new CdpNetworkLog((e) => out.push(e), 5);
  for (const [method, params] of events) log.event('s1', method, params);
  return new Promise((resolve) => setTimeout(() => resolve(out), 30));
}

const request = (id: string, method: string, url: string, headers: Record<string, string> = {}) => ({
  requestId: id,
  documentURL: `${PAGE}/`,
  request: { url, method, headers: { Origin: PAGE, ...headers } },
  wallTime: 1_800_000_000,
  type: 'Fetch',
  initiator: {
    type: 'script',
    stack: {
      callFrames: [{ url: `${PAGE}/app.js`, lineNumber: 41, columnNumber: 12, functionName: 'load' }],
    },
  },
});

const preflight = (id: string, forId: string, url: string, acrm: string, acrh: string) => ({
  requestId: id,
  documentURL: `${PAGE}/`,
  request: {
    url,
    method: 'OPTIONS',
    headers: { Origin: PAGE, 'Access-Control-Request-Method': acrm, 'Access-Control-Request-Headers': acrh },
  },
  type: 'Preflight',
  initiator: { type: 'preflight', url, requestId: forId },
});

test('a preflight announced before its request, answered after the request failed: one entry, Chrome and the engine agree', async () => {
  const url = `${API}/api/orders`;
  const [entry] = await collect([
    ['Network.requestWillBeSent', preflight('P1', 'R1', url, 'POST', 'authorization,content-type')],
    [
      'Network.requestWillBeSent',
      request('R1', 'POST', url, { Authorization: 'Bearer x', 'Content-Type': 'application/json' }),
    ],
    [
      'Network.loadingFailed',
      {
        requestId: 'R1',
        errorText: 'net::ERR_FAILED',
        corsErrorStatus: {
          corsError: 'HeaderDisallowedByPreflightResponse',
          failedParameter: 'authorization',
        },
      },
    ],
    [
      'Network.responseReceivedExtraInfo',
      {
        requestId: 'P1',
        statusCode: 204,
        headers: { 'Access-Control-Allow-Origin': PAGE, 'Access-Control-Allow-Headers': 'Content-Type' },
      },
    ],
    ['Network.responseReceived', { requestId: 'P1', response: { status: 204, headers: {} } }],
    ['Network.loadingFinished', { requestId: 'P1' }],
  ]);
  expect(entry?.chrome.corsError).toBe('HeaderDisallowedByPreflightResponse');
  expect(entry?.disagree).toBe(false);
  expect(entry?.entry).toMatchObject({
    method: 'POST',
    url,
    initiator: PAGE,
    source: 'cdp',
    blocked: true,
    corsError: 'HeaderDisallowedByPreflightResponse',
    failedParameter: 'authorization',
    initiatorLocation: { url: `${PAGE}/app.js`, line: 42, column: 13, functionName: 'load' },
  });
});

test("two headers refused: Chrome's own pick leads, both stay named", async () => {
  const url = `${API}/api/two`;
  const events = (pick: string): [string, object][] => [
    ['Network.requestWillBeSent', preflight('P9', 'R9', url, 'GET', 'x-my-header,y-my-header')],
    ['Network.requestWillBeSent', request('R9', 'GET', url, { 'x-my-header': '1', 'y-my-header': '2' })],
    [
      'Network.loadingFailed',
      {
        requestId: 'R9',
        errorText: 'net::ERR_FAILED',
        corsErrorStatus: { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: pick },
      },
    ],
    [
      'Network.responseReceivedExtraInfo',
      { requestId: 'P9', statusCode: 204, headers: { 'Access-Control-Allow-Origin': PAGE } },
    ],
    ['Network.responseReceived', { requestId: 'P9', response: { status: 204, headers: {} } }],
    ['Network.loadingFinished', { requestId: 'P9' }],
  ];
  const [picked] = await collect(events('y-my-header'));
  expect(picked?.disagree).toBe(false);
  expect(picked?.entry.failedParameter).toBe('y-my-header');
  expect(picked?.entry.verdict?.title).toContain('`y-my-header`');
  expect(picked?.entry.verdict?.culprit?.missing).toEqual(['x-my-header', 'y-my-header']);
  expect(picked?.entry.explanation).toContain("Chrome's message names `y-my-header`.");
  expect(picked?.entry.explanation).toContain('none of `x-my-header`, `y-my-header`');
  const [first] = await collect(events('x-my-header'));
  expect(first?.entry.failedParameter).toBe('x-my-header');
  expect(first?.entry.explanation).toContain("Chrome's message names `x-my-header`.");
});

test('two headers refused, nothing from Chrome: the engine names the first the page set and says Chrome may differ', () => {
  const v = diagnose({
    origin: PAGE,
    url: `${API}/api/two`,
    method: 'GET',
    requestHeaders: [
      { name: 'x-my-header', value: '1' },
      { name: 'y-my-header', value: '2' },
    ],
    mode: 'cors',
    credentials: 'same-origin',
    redirectMode: 'follow',
    preflight: { status: 204, headers: [{ name: 'Access-Control-Allow-Origin', value: PAGE }] },
    response: null,
    redirects: [],
  });
  expect(v.failedParameter).toBe('x-my-header');
  expect(v.explanation).toContain("Chrome's message names one of them, in an order of its own.");
});

test('raw headers after loadingFailed still count; two Allow-Origin lines stay two', async () => {
  const url = `${API}/api/data`;
  const [entry] = await collect([
    ['Network.requestWillBeSentExtraInfo', { requestId: 'R2', headers: { Origin: PAGE, Accept: '*/*' } }],
    ['Network.requestWillBeSent', request('R2', 'GET', url)],
    [
      'Network.loadingFailed',
      {
        requestId: 'R2',
        errorText: 'net::ERR_FAILED',
        corsErrorStatus: { corsError: 'MultipleAllowOriginValues', failedParameter: `${PAGE}, ${PAGE}` },
      },
    ],
    [
      'Network.responseReceivedExtraInfo',
      { requestId: 'R2', statusCode: 200, headers: { 'Access-Control-Allow-Origin': `${PAGE}\n${PAGE}` } },
    ],
  ]);
  expect(entry?.entry.corsError).toBe('MultipleAllowOriginValues');
  expect(entry?.disagree).toBe(false);
});

test('same-origin requests are not entries; an allowed cross-origin one is, and Chrome agrees', async () => {
  const entries = await collect([
    ['Network.requestWillBeSent', request('R3', 'GET', `${PAGE}/app.js`)],
    ['Network.loadingFinished', { requestId: 'R3' }],
    ['Network.requestWillBeSent', request('R4', 'GET', `${API}/ok`)],
    [
      'Network.responseReceivedExtraInfo',
      { requestId: 'R4', statusCode: 200, headers: { 'Access-Control-Allow-Origin': PAGE } },
    ],
    ['Network.loadingFinished', { requestId: 'R4' }],
  ]);
  expect(entries.map((e) => [e.entry.url, e.entry.blocked, e.chrome.corsError, e.disagree])).toEqual([
    [`${API}/ok`, false, null, false],
  ]);
});

test("an answer Chrome's verdict speaks of, arriving well after loadingFailed, is waited for", async () => {
  const out: CdpEntry[] = [];
  const log = new CdpNetworkLog((e) => out.push(e), 5);
  const url = `${API}/api/legacy/stats`;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  log.event('s1', 'Network.requestWillBeSent', request('R9', 'GET', url));
  log.event('s1', 'Network.loadingFailed', {
    requestId: 'R9',
    errorText: 'net::ERR_FAILED',
    corsErrorStatus: { corsError: 'AllowOriginMismatch', failedParameter: 'http://127.0.0.1:3000' },
  });
  // Ten times the settle delay later, and the response still missing: not judged yet.
  await sleep(60);
  expect(out).toEqual([]);
  log.event('s1', 'Network.responseReceived', {
    requestId: 'R9',
    response: { status: 200, headers: { 'Access-Control-Allow-Origin': 'http://127.0.0.1:3000' } },
  });
  await sleep(40);
  expect(out).toHaveLength(1);
  expect(out[0]?.entry.corsError).toBe('AllowOriginMismatch');
  expect(out[0]?.disagree).toBe(false);
});
