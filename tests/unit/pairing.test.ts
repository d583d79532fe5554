/**
 * Pairing from webRequest events, fed as plain data: order, concurrency on one URL, preflights
 * that arrive first, and a worker that restarts between any two events.
 */
import { describe, expect, test } from 'vitest';
import type { CaptureEvent, RequestEventBase } from '../../src/capture/events.ts';
import { MAX_PENDING, Pairer, type PairerChange } from '../../src/capture/pairing.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';

const PAGE = 'http://localhost:3000';
const URL_A = 'http://127.0.0.1:8000/api';
let clock = 1000;

function base(
  requestId: string,
  method: string,
  url = URL_A,
  extra: Partial<RequestEventBase> = {},
): RequestEventBase {
  return {
    requestId,
    tabId: 7,
    frameId: 0,
    initiator: PAGE,
    url,
    method,
    type: 'xmlhttprequest',
    timeStamp: clock++,
    ...extra,
  };
}

const h = (name: string, value: string) => ({ name, value });

/** The events of one preflighted request, in Chromium's order, split in named steps. */
function preflighted(
  id: string,
  preflightId: string,
  method: string,
  acrh: string,
  outcome: 'allowed' | 'blocked',
) {
  const request = base(id, method);
  const preflight = base(preflightId, 'OPTIONS');
  const steps: { start: CaptureEvent[]; preflight: CaptureEvent[]; end: CaptureEvent[] } = {
    start: [{ kind: 'beforeRequest', details: request }],
    preflight: [
      {
        kind: 'sendHeaders',
        details: {
          ...preflight,
          requestHeaders: [
            h('Access-Control-Request-Method', method),
            h('Access-Control-Request-Headers', acrh),
            h('Origin', PAGE),
          ],
        },
      },
      {
        kind: 'headersReceived',
        details: {
          ...preflight,
          statusCode: 204,
          responseHeaders: [
            h('Access-Control-Allow-Origin', PAGE),
            h('Access-Control-Allow-Methods', method),
          ],
        },
      },
    ],
    end:
      outcome === 'allowed'
        ? [
            { kind: 'sendHeaders', details: { ...request, requestHeaders: [h('Origin', PAGE)] } },
            {
              kind: 'headersReceived',
              details: {
                ...request,
                statusCode: 200,
                responseHeaders: [h('Access-Control-Allow-Origin', PAGE)],
              },
            },
            { kind: 'completed', details: { ...request, statusCode: 200 } },
          ]
        : [{ kind: 'errorOccurred', details: { ...request, error: 'net::ERR_FAILED' } }],
  };
  return steps;
}

function run(pairer: Pairer, events: CaptureEvent[]): CapturedRequest[] {
  return events.flatMap((e) => pairer.handle(e).finished);
}

const acrh = (r: CapturedRequest) =>
  r.preflights[0]?.requestHeaders.find((x) => x.name === 'Access-Control-Request-Headers')?.value;

describe('pairing', () => {
  test('a preflight joins its request; the request ends with the preflight attached', () => {
    const s = preflighted('10', '11', 'PUT', 'content-type', 'allowed');
    const [done] = run(new Pairer(), [...s.start, ...s.preflight, ...s.end]);
    expect(done).toMatchObject({ id: '10', state: 'completed', hopSentHeaders: true });
    expect(done?.preflights[0]?.status).toBe(204);
    expect(done?.responses).toHaveLength(1);
  });

  test('same URL, same method, different headers, finishing in reverse: each keeps its own preflight', () => {
    const a = preflighted('20', '21', 'PUT', 'content-type', 'allowed');
    const b = preflighted('30', '31', 'PUT', 'x-trace', 'blocked');
    const finished = run(new Pairer(), [
      ...a.start,
      ...b.start,
      ...a.preflight,
      ...b.preflight,
      ...b.end,
      ...a.end,
    ]);
    const byId = new Map(finished.map((r) => [r.id, r]));
    expect(acrh(byId.get('20') as CapturedRequest)).toBe('content-type');
    expect(acrh(byId.get('30') as CapturedRequest)).toBe('x-trace');
  });

  test('the method must match Access-Control-Request-Method', () => {
    const put = preflighted('40', '41', 'PUT', '', 'blocked');
    const del = preflighted('50', '51', 'DELETE', '', 'blocked');
    // DELETE's preflight comes first although PUT started first: it must skip PUT.
    const finished = run(new Pairer(), [
      ...put.start,
      ...del.start,
      ...del.preflight,
      ...put.preflight,
      ...put.end,
      ...del.end,
    ]);
    expect(finished.map((r) => [r.id, r.preflights[0]?.requestId])).toEqual([
      ['40', '41'],
      ['50', '51'],
    ]);
  });

  test('a preflight seen before its request waits for it', () => {
    const s = preflighted('60', '61', 'PATCH', '', 'blocked');
    const [done] = run(new Pairer(), [...s.preflight, ...s.start, ...s.end]);
    expect(done?.preflights[0]?.requestId).toBe('61');
  });

  test('a request that already sent its headers takes no preflight', () => {
    const first = preflighted('70', '71', 'PUT', '', 'allowed');
    const second = preflighted('80', '81', 'PUT', '', 'allowed');
    const pairer = new Pairer();
    run(pairer, [...first.start, ...(first.end.slice(0, 1) as CaptureEvent[])]); // 70 went out (cached preflight)
    const finished = run(pairer, [
      ...second.start,
      ...second.preflight,
      ...second.end,
      ...(first.end.slice(1) as CaptureEvent[]),
    ]);
    const byId = new Map(finished.map((r) => [r.id, r]));
    expect(byId.get('70')?.preflights[0]).toBeNull();
    expect(byId.get('80')?.preflights[0]?.requestId).toBe('81');
  });

  test('same-origin requests and browser-initiated ones are not captured', () => {
    const pairer = new Pairer();
    expect(
      pairer.handle({ kind: 'beforeRequest', details: base('90', 'GET', `${PAGE}/same`) }).changed,
    ).toEqual([]);
    expect(
      pairer.handle({ kind: 'beforeRequest', details: base('91', 'GET', URL_A, { initiator: undefined }) })
        .changed,
    ).toEqual([]);
  });

  test("a page's own OPTIONS request (no Access-Control-Request-Method) is a request", () => {
    const e = base('95', 'OPTIONS');
    const finished = run(new Pairer(), [
      { kind: 'beforeRequest', details: e },
      { kind: 'sendHeaders', details: { ...e, requestHeaders: [h('Origin', PAGE)] } },
      { kind: 'completed', details: { ...e, statusCode: 200 } },
    ]);
    expect(finished.map((r) => [r.id, r.method])).toEqual([['95', 'OPTIONS']]);
  });

  test('a redirect moves the request to its next URL, where a new preflight can join', () => {
    const request = base('100', 'PUT');
    const next = 'http://localhost:8000/next';
    const p2 = base('102', 'OPTIONS', next);
    const finished = run(new Pairer(), [
      { kind: 'beforeRequest', details: request },
      { kind: 'sendHeaders', details: { ...request, requestHeaders: [] } },
      {
        kind: 'headersReceived',
        details: { ...request, statusCode: 307, responseHeaders: [h('Location', next)] },
      },
      { kind: 'beforeRedirect', details: { ...request, statusCode: 307, redirectUrl: next } },
      {
        kind: 'sendHeaders',
        details: { ...p2, requestHeaders: [h('Access-Control-Request-Method', 'PUT')] },
      },
      { kind: 'headersReceived', details: { ...p2, statusCode: 404, responseHeaders: [] } },
      { kind: 'errorOccurred', details: { ...request, url: next, error: 'net::ERR_FAILED' } },
    ]);
    expect(finished[0]).toMatchObject({ hop: 1, currentUrl: next });
    expect(finished[0]?.preflights[1]?.status).toBe(404);
  });
});

describe('restarts', () => {
  /** Interleaved events of 12 requests on one URL, 4 kinds, as a concurrent page would produce. */
  function workload(): CaptureEvent[] {
    const lanes = Array.from({ length: 12 }, (_, i) => {
      const method = ['PUT', 'DELETE', 'PATCH', 'POST'][i % 4] as string;
      return preflighted(
        String(1000 + i * 2),
        String(1001 + i * 2),
        method,
        i % 3 ? 'content-type' : 'x-a',
        i % 2 ? 'allowed' : 'blocked',
      );
    });
    const events: CaptureEvent[] = [];
    for (const lane of lanes) events.push(...(lane.start as CaptureEvent[]));
    for (const lane of lanes) events.push(...(lane.preflight as CaptureEvent[]));
    for (const lane of [...lanes].reverse()) events.push(...(lane.end as CaptureEvent[]));
    return events;
  }

  function summary(rs: CapturedRequest[]) {
    return rs.map((r) => [r.id, r.state, r.preflights[0]?.requestId ?? null, r.responses.length]).sort();
  }

  test('the pairer restored from its persisted changes after any event ends the same', () => {
    const events = workload();
    const reference = summary(run(new Pairer(), events));
    expect(reference).toHaveLength(12);
    for (let cut = 0; cut <= events.length; cut++) {
      // Persist what takeChanges reports, as the store does, then "restart" from it.
      const store = new Map<string, PairerChange>();
      const first = new Pairer();
      const finished = run(first, events.slice(0, cut));
      for (const change of first.takeChanges()) {
        const key = `${change.kind}:${change.id}`;
        if (change.value === null) store.delete(key);
        else store.set(key, structuredClone(change));
      }
      const values = [...store.values()];
      const restored = new Pairer({
        pending: values.flatMap((c) => (c.kind === 'pending' && c.value ? [c.value] : [])),
        orphans: values.flatMap((c) => (c.kind === 'orphan' && c.value ? [c.value] : [])),
        options: values.flatMap((c) => (c.kind === 'option' && c.value ? [c.value] : [])),
      });
      finished.push(...run(restored, events.slice(cut)));
      expect(summary(finished), `restart after event ${cut}`).toEqual(reference);
    }
  });

  test('events of requests whose start was lost still make entries', () => {
    const s = preflighted('200', '201', 'PUT', 'x-a', 'blocked');
    // The worker was stopped before it handled the request's start: preflight then error.
    const finished = run(new Pairer(), [...s.preflight, ...s.end]);
    expect(finished).toHaveLength(1);
    expect(finished[0]?.preflights[0]?.requestId).toBe('201');
  });
});

describe('a request that starts on the page origin and is redirected to another', () => {
  const SAME = `${PAGE}/go`;
  const run = (events: CaptureEvent[]) => {
    const pairer = new Pairer();
    const finished: CapturedRequest[] = [];
    for (const e of events) finished.push(...pairer.handle(e).finished);
    return { finished, pairer };
  };
  const start = (id: string): CaptureEvent[] => [
    { kind: 'beforeRequest', details: base(id, 'GET', SAME) },
    { kind: 'sendHeaders', details: { ...base(id, 'GET', SAME), requestHeaders: [h('X-Page', '1')] } },
    {
      kind: 'headersReceived',
      details: { ...base(id, 'GET', SAME), statusCode: 302, responseHeaders: [h('Location', URL_A)] },
    },
  ];

  test('is an entry under the URL the page fetched, with the whole chain, once it crosses', () => {
    const { finished } = run([
      ...start('1'),
      { kind: 'beforeRedirect', details: { ...base('1', 'GET', SAME), statusCode: 302, redirectUrl: URL_A } },
      {
        kind: 'headersReceived',
        details: { ...base('1', 'GET', URL_A), statusCode: 200, responseHeaders: [h('X', 'y')] },
      },
      { kind: 'completed', details: { ...base('1', 'GET', URL_A), statusCode: 200 } },
    ]);
    expect(
      finished.map((r) => ({ url: r.url, hop: r.hop, statuses: r.responses.map((x) => x.status) })),
    ).toEqual([{ url: SAME, hop: 1, statuses: [302, 200] }]);
    expect(finished[0]?.requestHeaders).toEqual([h('X-Page', '1')]);
  });

  test('one that stays on the page origin is no entry, and is forgotten when it ends', () => {
    const { finished, pairer } = run([
      { kind: 'beforeRequest', details: base('2', 'GET', SAME) },
      { kind: 'completed', details: { ...base('2', 'GET', SAME), statusCode: 200 } },
    ]);
    expect(finished).toEqual([]);
    expect(pairer.snapshot().pending).toEqual([]);
  });

  test('refused at a redirect to another origin (a Location with credentials) is an entry all the same', () => {
    const { finished } = run([
      { kind: 'beforeRequest', details: base('3', 'GET', SAME) },
      {
        kind: 'headersReceived',
        details: {
          ...base('3', 'GET', SAME),
          statusCode: 302,
          responseHeaders: [h('Location', 'http://user:pw@127.0.0.1:8000/api')],
        },
      },
      { kind: 'errorOccurred', details: { ...base('3', 'GET', SAME), error: 'net::ERR_FAILED' } },
    ]);
    expect(finished.map((r) => ({ url: r.url, state: r.state, currentUrl: r.currentUrl }))).toEqual([
      { url: SAME, state: 'failed', currentUrl: 'http://user:pw@127.0.0.1:8000/api' },
    ]);
  });
});

test('requests whose end never comes are let go past MAX_PENDING, oldest first, and counted', () => {
  const pairer = new Pairer();
  for (let i = 0; i <= MAX_PENDING; i++)
    pairer.handle({ kind: 'beforeRequest', details: base(`r${i}`, 'GET') });
  expect(pairer.pending()).toHaveLength(MAX_PENDING);
  expect(pairer.abandoned).toBe(1);
  expect(pairer.pending().some((r) => r.id === 'r0')).toBe(false);
  expect(pairer.pending().some((r) => r.id === `r${MAX_PENDING}`)).toBe(true);
});
