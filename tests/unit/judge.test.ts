/**
 * The credentials mode as capture reads it: what proves "include", Chrome's order when it is
 * known, and what an entry says when nothing recorded tells it.
 */
import { describe, expect, test } from 'vitest';
import { judge } from '../../src/capture/judge.ts';
import type { CaptureSource } from '../../src/capture/record.ts';
import { addressSpaceOf } from '../../src/cors/address-space.ts';
import { curlRequest } from '../../src/report/curl.ts';
import { reportEntryOf } from '../../src/report/entry.ts';
import { API, allowedGet, blockedPost, h, PAGE } from './captured.ts';

/** Blocked at a preflight that lacks both Access-Control-Allow-Credentials and the header asked for. */
const blockedAtPreflight = (over: Parameters<typeof blockedPost>[1] = {}) => blockedPost('1', over);

describe('what proves credentials', () => {
  test('a beacon always carries them: Chrome names the credentials check, which it makes first', () => {
    const j = judge(blockedAtPreflight({ type: 'ping' }), 'browser');
    expect(j.exchange.credentials).toBe('include');
    expect(j.verdict.corsError).toBe('PreflightInvalidAllowCredentials');
  });

  test("Chrome's Sec-Fetch-Storage-Access on the request (sent only in mode include) proves them", () => {
    const get = allowedGet('2', {
      requestHeaders: [h('Origin', PAGE), h('Sec-Fetch-Storage-Access', 'none')],
      state: 'failed',
      error: 'net::ERR_FAILED',
    });
    const j = judge(get, 'browser');
    expect(j.exchange.credentials).toBe('include');
    expect(j.verdict.corsError).toBe('InvalidAllowCredentials');
    expect(j.verdict.findings.map((f) => f.kind)).not.toContain('credentials-inferred');
  });
});

describe('when nothing recorded tells the mode', () => {
  test('both readings blocked, differently: the entry names the other reading', () => {
    const j = judge(blockedAtPreflight(), 'browser');
    expect(j.verdict.corsError).toBe('HeaderDisallowedByPreflightResponse');
    const other = j.verdict.findings.find((f) => f.kind === 'credentials-undetermined');
    expect(other?.message).toContain('PreflightInvalidAllowCredentials');
  });

  test('the engine decides (Firefox, HARs without markers): allowed only without credentials is undetermined', () => {
    const j = judge(allowedGet('3'), 'engine');
    expect({ blocked: j.blocked, undetermined: j.undetermined }).toEqual({
      blocked: false,
      undetermined: true,
    });
    expect(j.verdict.findings.find((f) => f.kind === 'credentials-undetermined')?.message).toMatch(
      /Access-Control-Allow-Credentials/,
    );
  });

  test('Chrome allowed it: either reading holds, nothing to say', () => {
    const j = judge(allowedGet('4'), 'browser');
    expect({ blocked: j.blocked, undetermined: j.undetermined }).toEqual({
      blocked: false,
      undetermined: false,
    });
    expect(j.verdict.findings.map((f) => f.kind)).not.toContain('credentials-undetermined');
  });

  test('a response that allows credentials too leaves nothing undetermined', () => {
    const get = allowedGet('5', {
      responses: [
        {
          url: 'http://127.0.0.1:8000/r/5',
          status: 200,
          headers: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Credentials', 'true')],
        },
      ],
    });
    expect(judge(get, 'engine').undetermined).toBe(false);
  });
});

describe('Local Network Access', () => {
  const refused = (url: string, error: string, source: CaptureSource = 'devtools') =>
    allowedGet('9', {
      url,
      currentUrl: url,
      responses: [],
      requestHeaders: null,
      state: 'failed',
      error,
      source,
    });

  test("webRequest names it: Chrome's LocalNetworkAccessPermissionDenied, the permission the page needs", () => {
    const j = judge(
      refused('http://192.168.1.20/api', 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS'),
      'browser',
    );
    expect({ blocked: j.blocked, corsError: j.verdict.corsError, stage: j.verdict.stage }).toEqual({
      blocked: true,
      corsError: 'LocalNetworkAccessPermissionDenied',
      stage: 'local-network',
    });
    expect(j.verdict.culprit?.expected).toBe(`"local-network" allowed for ${PAGE}`);
  });

  test('DevTools says only net::ERR_FAILED: to a loopback address with no answer at all, it is Local Network Access', () => {
    const j = judge(refused('http://[::1]:8000/api', 'net::ERR_FAILED'), 'browser');
    expect(j.verdict.corsError).toBe('LocalNetworkAccessPermissionDenied');
    expect(j.verdict.culprit?.expected).toContain('"loopback-network"');
  });

  test('webRequest with no preflight seen, and CDP, which says it itself: a failure with no answer is not taken for LNA', () => {
    for (const source of ['webrequest', 'cdp'] as const) {
      const j = judge(refused('http://127.0.0.1:8000/api', 'net::ERR_FAILED', source), 'browser');
      expect(j.verdict.corsError, source).not.toBe('LocalNetworkAccessPermissionDenied');
    }
  });

  test('the same failure to a public host name is not called Local Network Access', () => {
    const j = judge(refused('https://api.example.com/x', 'net::ERR_FAILED'), 'browser');
    expect(j.verdict.corsError).toBeNull();
    expect(j.networkError).toBe('net::ERR_FAILED');
  });
});

test.each([
  ['http://localhost:3000/', 'loopback'],
  ['http://app.localhost/', 'loopback'],
  ['http://127.8.0.1/', 'loopback'],
  ['http://[::1]/', 'loopback'],
  ['http://10.1.2.3/', 'local'],
  ['http://172.20.0.1/', 'local'],
  ['http://172.32.0.1/', 'public'],
  ['http://192.168.0.1/', 'local'],
  ['http://169.254.1.1/', 'local'],
  ['http://[fd00::1]/', 'local'],
  ['http://8.8.8.8/', 'public'],
  ['http://printer.lan/', 'unknown'],
] as const)('the address space of %s is %s', (url, space) => {
  expect(addressSpaceOf(url)).toBe(space);
});

test("a Cookie on a chain that starts on the page's own origin proves no credentials mode: the origin mismatch is named", () => {
  // page → 307 to the API → 307 back to the page origin (Firefox's test_CrossSiteXHR redirect
  // tables): the first hop is same-origin, so the default mode sends the page's cookie there.
  const preflight = (id: string, origin: string) => ({
    requestId: id,
    requestHeaders: [
      h('Origin', origin),
      h('Access-Control-Request-Method', 'GET'),
      h('Access-Control-Request-Headers', 'x-custom'),
    ],
    status: 204,
    responseHeaders: [h('Access-Control-Allow-Origin', PAGE), h('Access-Control-Allow-Headers', 'X-Custom')],
  });
  const chain = blockedPost('70', {
    method: 'GET',
    currentMethod: 'GET',
    url: `${PAGE}/start`,
    currentUrl: `${PAGE}/back`,
    hop: 2,
    requestHeaders: [h('Cookie', 'session=1'), h('X-Custom', '1'), h('Origin', PAGE)],
    preflights: [null, preflight('p1', PAGE), preflight('p2', 'null')],
    responses: [
      { url: `${PAGE}/start`, status: 307, headers: [h('Location', `${API}/api`)] },
      {
        url: `${API}/api`,
        status: 307,
        headers: [h('Access-Control-Allow-Origin', PAGE), h('Location', `${PAGE}/back`)],
      },
    ],
  });
  expect(judge(chain, 'browser').verdict).toMatchObject({
    corsError: 'PreflightAllowOriginMismatch',
    failedParameter: PAGE,
    origin: 'null',
  });
});

test('a User-Agent the page set: Chrome drops it, Firefox sends it and asks for it in its preflight', () => {
  const ua = h('User-Agent', 'MyAgent/1.0');
  // Chrome: its own User-Agent, not declared: no preflight reason, the request is simple.
  const chrome = allowedGet('80', { requestHeaders: [h('Origin', PAGE), ua] });
  expect(judge(chrome, 'browser').exchange.requestHeaders).toEqual([]);
  // Firefox: the page's, declared in Access-Control-Request-Headers: a header the preflight had to allow.
  const firefox = blockedPost('81', {
    method: 'GET',
    currentMethod: 'GET',
    preflights: [
      {
        requestId: '81-preflight',
        requestHeaders: [
          h('Origin', PAGE),
          h('Access-Control-Request-Method', 'GET'),
          h('Access-Control-Request-Headers', 'user-agent'),
        ],
        status: 204,
        responseHeaders: [h('Access-Control-Allow-Origin', PAGE)],
      },
    ],
    requestHeaders: [h('Origin', PAGE), ua],
  });
  expect(judge(firefox, 'engine').exchange.requestHeaders).toEqual([ua]);
  expect(judge(firefox, 'engine').verdict).toMatchObject({
    corsError: 'HeaderDisallowedByPreflightResponse',
    failedParameter: 'user-agent',
  });
});

test("Firefox's own Priority header is never the page's: no preflight reason, no fix, no curl line", () => {
  // GET /api/data as Firefox's DevTools logs it: Priority: u=4 added by Firefox, no preflight.
  const get = allowedGet('82', {
    requestHeaders: [h('Origin', PAGE), h('Priority', 'u=4'), h('Accept', '*/*')],
  });
  const judged = judge(get, 'engine');
  expect(judged.exchange.requestHeaders.map((x) => x.name)).toEqual(['Accept']);
  expect(judged.verdict.preflight.reasons).toEqual([]);
  const entry = reportEntryOf(get);
  const line = curlRequest(entry, entry.requestHeaders);
  expect(line).toContain("-H 'Accept: */*'");
  expect(line).not.toMatch(/Priority/i);
  // A page that does set it (its preflight asks for it) still has it counted.
  const asked = blockedPost('83', {
    requestHeaders: [h('Origin', PAGE), h('Priority', 'u=1')],
    preflights: [
      {
        requestId: '83-preflight',
        requestHeaders: [
          h('Origin', PAGE),
          h('Access-Control-Request-Method', 'POST'),
          h('Access-Control-Request-Headers', 'priority'),
        ],
        status: 204,
        responseHeaders: [h('Access-Control-Allow-Origin', PAGE)],
      },
    ],
  });
  expect(judge(asked, 'engine').verdict).toMatchObject({ failedParameter: 'priority' });
});
