/**
 * HAR reading, on files that are wrong in every way a downloaded HAR can be.
 * Verdicts against Chrome's own are checked in tests/e2e/har.test.ts, on HARs Chromium recorded;
 * the entries built here only exercise the reader, so they are small and explicit.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { importHar } from '../../src/har/import.ts';
import { readHar } from '../../src/har/read.ts';
import { API, blockedPost, entry, har, headers, PAGE, type Pairs } from './har-fixtures.ts';

describe('readHar: a clear message for every broken file', () => {
  test.each([
    ['', /empty/],
    ['   \n', /empty/],
    ['<html><body>Sign in</body></html>', /HTML or XML/],
    // Text is not a cut-off HAR: it is not JSON at all.
    ['hello world\n', /not JSON \(it starts with "hello world\\n"\)/],
    ['\u001f\u008b\b\u0000', /not JSON/],
    ['{"log": {"entries": [', /cut off/],
    // Cut right after a closing brace: it still ends in "}", and JSON wants more at the very end.
    ['{"log": {"entries": [{"a": {"b": 1}}', /cut off/],
    ['{"log": {"entries": [}]}}', /not valid JSON/],
    ['[1, 2]', /not an object with a "log"/],
    ['"a string"', /not an object/],
    ['{"entries": []}', /no "log" object/],
    ['{"log": {"entries": {}}}', /"log\.entries" is missing or is not a list/],
    [
      '{"format": "cors-lens-report", "entries": []}',
      /CORS Lens report, not a HAR: open it in the CORS panel, whose "Open HAR…" reads reports too/,
    ],
  ])('%j', (text, message) => {
    const r = readHar(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  test('a file over the size limit is refused before parsing', () => {
    const r = readHar(har(blockedPost()), { maxBytes: 100 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/the limit is .* Export only the failing requests/);
  });

  test('a byte-order mark is fine', () => {
    expect(readHar(`\ufeff${har(blockedPost())}`).ok).toBe(true);
  });

  test('unreadable entries are skipped with the reason, the rest are read', () => {
    const r = readHar(
      har([
        null,
        { request: { method: 'GET' } },
        { request: { method: 'GET', url: 'not a url' } },
        'text',
        ...blockedPost(),
      ]),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.records).toHaveLength(2);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'not an object',
      'no request URL',
      'request URL is not a URL: not a url',
      'not an object',
    ]);
  });

  test('pseudo-headers and odd header items are dropped, odd values kept as text', () => {
    const r = readHar(
      har([
        {
          ...entry({ method: 'GET', start: 0, status: 200 }),
          request: {
            method: 'GET',
            url: API,
            headers: [
              { name: ':authority', value: 'x' },
              null,
              { name: 'X-N', value: 5 },
              { value: 'no name' },
            ],
          },
        },
      ]),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.records[0]?.requestHeaders).toEqual([{ name: 'X-N', value: '5' }]);
  });

  test('entries past the limit are counted, not read', () => {
    const r = readHar(har([...blockedPost(), ...blockedPost()]), { maxEntries: 3 });
    if (!r.ok) throw new Error(r.error);
    expect(r.records).toHaveLength(3);
    expect(r.truncated).toBe(1);
  });
});

describe('importHar', () => {
  test('pairs a marked preflight with its request and names the culprit', () => {
    const r = importHar(har(blockedPost()));
    if (!r.ok) throw new Error(r.error);
    expect(r.entries).toHaveLength(1);
    const [e] = r.entries;
    expect(e?.blocked).toBe(true);
    expect(e?.corsError).toBe('HeaderDisallowedByPreflightResponse');
    expect(e?.failedParameter).toBe('authorization');
    expect(e?.initiator).toBe(PAGE);
    expect(e?.preflight?.status).toBe(204);
  });

  test('a preflight whose request is not in the file stands for it', () => {
    const r = importHar(har(blockedPost().slice(1)));
    if (!r.ok) throw new Error(r.error);
    expect(r.entries[0]?.method).toBe('POST');
    expect(r.entries[0]?.corsError).toBe('HeaderDisallowedByPreflightResponse');
    expect(r.notes.join(' ')).toMatch(/1 preflight had no request of their own/);
  });

  test("a preflight whose start rounds to after its request's send is still paired (timings seen in Chrome 156)", () => {
    // From a real HAR: the POST's headers computed as sent at .5506, its preflight starting at .550
    // and ending at .5514: startedDateTime's millisecond rounding makes the two overlap.
    const post = {
      ...entry({
        method: 'POST',
        start: 547,
        status: 303,
        request: [
          ['Origin', PAGE],
          ['Content-Type', 'application/json'],
        ],
      }),
      time: 7.39,
      timings: { blocked: 3.335, dns: -1, connect: -1, send: 0.267, wait: 2.859, receive: 0.9 },
    };
    const preflight = {
      ...entry({
        method: 'OPTIONS',
        start: 550,
        resourceType: 'preflight',
        request: [
          ['Access-Control-Request-Method', 'POST'],
          ['Access-Control-Request-Headers', 'content-type'],
          ['Origin', PAGE],
        ],
        status: 204,
        response: [
          ['Access-Control-Allow-Origin', PAGE],
          ['Access-Control-Allow-Headers', 'content-type'],
        ],
      }),
      time: 1.41,
      timings: { blocked: -0.739, dns: -1, connect: -1, send: 0.082, wait: 0.659, receive: 0.6 },
    };
    const r = importHar(har([post, preflight]));
    if (!r.ok) throw new Error(r.error);
    expect(r.notes).toEqual([]);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]?.preflight?.status).toBe(204);
  });

  test('a preflight timed after its request ended (clock drift seen under load) still joins it', () => {
    const put = {
      ...entry({
        method: 'PUT',
        start: 24,
        status: 200,
        request: [
          ['Origin', PAGE],
          ['Content-Type', 'application/json'],
        ],
      }),
      time: 13.94,
      timings: { blocked: 10.391, dns: -1, connect: -1, send: 0.116, wait: 2.019, receive: 1.4 },
    };
    const [, preflight] = blockedPost();
    const late = {
      ...preflight,
      startedDateTime: new Date(Date.UTC(2026, 10, 25, 10, 0, 0, 48)).toISOString(),
      request: {
        ...preflight?.request,
        headers: headers([
          ['Access-Control-Request-Method', 'PUT'],
          ['Access-Control-Request-Headers', 'content-type'],
          ['Origin', PAGE],
        ]),
      },
      response: {
        status: 204,
        headers: headers([
          ['Access-Control-Allow-Origin', PAGE],
          ['Access-Control-Allow-Methods', 'GET,PUT'],
          ['Access-Control-Allow-Headers', 'content-type'],
        ]),
      },
    };
    const r = importHar(har([put, late]));
    if (!r.ok) throw new Error(r.error);
    expect(r.notes).toEqual([]);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]?.preflight?.status).toBe(204);
    expect(r.entries[0]?.blocked).toBe(false);
  });

  test('a passed preflight without its request is not called blocked', () => {
    const [, preflight] = blockedPost();
    const allowing = {
      ...preflight,
      response: {
        status: 204,
        headers: headers([
          ['Access-Control-Allow-Origin', PAGE],
          ['Access-Control-Allow-Headers', 'authorization, content-type'],
        ]),
      },
    };
    const r = importHar(har([allowing]));
    if (!r.ok) throw new Error(r.error);
    expect(r.entries[0]?.blocked).toBe(false);
  });

  test("a Firefox HAR (its har-builder's shape: local-time dates, status 0, no markers) is judged by the engine", () => {
    // Firefox writes creator "Firefox", dates with the local offset, status 0 for a request that got
    // no response, and no marker for preflights or blocks.
    const firefoxEntry = (method: string, ms: number, request: Pairs, status: number, response: Pairs) => ({
      pageref: 'page_1',
      startedDateTime: `2026-11-25T11:00:00.${String(ms).padStart(3, '0')}+01:00`,
      time: 4,
      request: {
        bodySize: 0,
        method,
        url: API,
        httpVersion: 'HTTP/1.1',
        headers: headers(request),
        cookies: [],
        queryString: [],
        headersSize: 300,
      },
      response: {
        status,
        statusText: '',
        httpVersion: 'HTTP/1.1',
        headers: headers(response),
        cookies: [],
        content: { mimeType: '', size: -1 },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
      },
      cache: {},
      timings: { blocked: 0, dns: 0, connect: 0, ssl: 0, send: 0, wait: 2, receive: 0 },
    });
    const text = JSON.stringify({
      log: {
        version: '1.2',
        creator: { name: 'Firefox', version: '153.0' },
        browser: { name: 'Firefox', version: '153.0' },
        pages: [
          {
            id: 'page_1',
            title: `${PAGE}/`,
            startedDateTime: '2026-11-25T11:00:00.000+01:00',
            pageTimings: {},
          },
        ],
        entries: [
          firefoxEntry(
            'POST',
            100,
            [
              ['Origin', PAGE],
              ['Authorization', 'Bearer t'],
              ['Content-Type', 'application/json'],
            ],
            0,
            [],
          ),
          firefoxEntry(
            'OPTIONS',
            102,
            [
              ['Access-Control-Request-Method', 'POST'],
              ['Access-Control-Request-Headers', 'authorization,content-type'],
              ['Origin', PAGE],
            ],
            204,
            [
              ['Access-Control-Allow-Origin', PAGE],
              ['Access-Control-Allow-Headers', 'Content-Type'],
            ],
          ),
        ],
      },
    });
    const r = importHar(text);
    if (!r.ok) throw new Error(r.error);
    expect(r.browser).toBe('firefox');
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]?.blocked).toBe(true);
    expect(r.entries[0]?.firefoxReason).toBe('CORSMissingAllowHeaderFromPreflight');
    expect(r.entries[0]?.verdict?.findings.some((f) => f.kind === 'outcome-inferred')).toBe(true);
  });

  test('a cache revalidation (If-None-Match added by the HTTP cache) needs no preflight', () => {
    const revalidation = entry({
      method: 'GET',
      start: 0,
      request: [
        ['Origin', PAGE],
        ['If-None-Match', 'W/"21-abc"'],
      ],
      status: 304,
      response: [['Access-Control-Allow-Origin', PAGE]],
    });
    const r = importHar(har([revalidation]));
    if (!r.ok) throw new Error(r.error);
    expect(r.entries[0]?.verdict?.preflight.required).toBe(false);
    expect(r.entries[0]?.preflightCached).toBe(false);
  });

  test('same-origin requests are counted but not listed', () => {
    const r = importHar(
      har([
        entry({
          method: 'GET',
          url: `${PAGE}/app.js`,
          start: 0,
          status: 200,
          request: [['Referer', `${PAGE}/`]],
        }),
      ]),
    );
    if (!r.ok) throw new Error(r.error);
    expect(r.total).toBe(1);
    expect(r.entries).toHaveLength(0);
  });

  test('ten thousand requests import whole', () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      blockedPost().map((e) => ({
        ...e,
        startedDateTime: new Date(
          Date.UTC(2026, 10, 25) + i * 10 + (e.request.method === 'OPTIONS' ? 2 : 0),
        ).toISOString(),
        request: { ...e.request, url: `${API}?n=${i}` },
      })),
    ).flat();
    const r = importHar(har(many));
    if (!r.ok) throw new Error(r.error);
    expect(r.entries).toHaveLength(5000);
    expect(r.entries.every((e) => e.corsError === 'HeaderDisallowedByPreflightResponse')).toBe(true);
    // Bounded in count, not in time: a loaded machine takes longer (the benchmark measures speed).
  }, 60_000);

  test('never throws, whatever the JSON holds', () => {
    const jsonValue = fc.jsonValue({ maxDepth: 4 });
    const entryLike = fc.record({
      startedDateTime: fc.oneof(
        fc.string(),
        fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
      ),
      time: fc.oneof(fc.double(), jsonValue),
      request: fc.record({
        method: fc.oneof(fc.constantFrom('GET', 'OPTIONS', 'POST', 'PUT'), jsonValue),
        url: fc.oneof(fc.constantFrom(API, `${PAGE}/x`, 'http://[::1', ''), jsonValue),
        headers: fc.oneof(
          fc.array(fc.record({ name: fc.string(), value: fc.oneof(fc.string(), jsonValue) })),
          jsonValue,
        ),
      }),
      response: fc.oneof(
        fc.record({
          status: fc.oneof(fc.integer({ min: -1, max: 999 }), jsonValue),
          headers: fc.array(fc.record({ name: fc.string(), value: fc.string() })),
          redirectURL: fc.oneof(fc.string(), jsonValue),
          _error: fc.oneof(fc.constant('net::ERR_FAILED'), jsonValue),
        }),
        jsonValue,
      ),
      timings: jsonValue,
      _resourceType: fc.oneof(fc.constantFrom('preflight', 'fetch', 'xhr'), jsonValue),
      _initiator: jsonValue,
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(entryLike, jsonValue), { maxLength: 12 }), (entries) => {
        const r = importHar(har(entries));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
