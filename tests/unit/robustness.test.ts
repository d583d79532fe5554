/** Odd input never throws: the engine returns a verdict for anything, deterministically. */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { CaptureEvent } from '../../src/capture/events.ts';
import { Pairer, type PairerChange, type PairerSnapshot } from '../../src/capture/pairing.ts';
import { diagnose, type Exchange } from '../../src/index.ts';

const headerName = fc.oneof(
  fc.constantFrom(
    'Access-Control-Allow-Origin',
    'access-control-allow-methods',
    'ACCESS-CONTROL-ALLOW-HEADERS',
    'Access-Control-Allow-Credentials',
    'Location',
    'Content-Type',
    'Authorization',
    'Range',
    'Accept',
  ),
  fc.string({ maxLength: 20 }),
);
const headerValue = fc.oneof(
  fc.constantFrom('*', 'null', 'true', 'http://localhost:3000', 'GET, PUT', 'bytes=0-1', '', ' , ,'),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 50 }),
);
const headers = fc.array(fc.record({ name: headerName, value: headerValue }), { maxLength: 12 });
const record = fc.option(fc.record({ status: fc.integer({ min: 0, max: 999 }), headers }), { nil: null });
const url = fc.oneof(
  fc.constantFrom('http://127.0.0.1:8000/x', 'http://localhost:3000/same', 'data:,x', 'not a url', ''),
  fc.webUrl(),
);

const exchange: fc.Arbitrary<Exchange> = fc.record({
  origin: fc.constantFrom('http://localhost:3000', 'null', ''),
  url,
  method: fc.oneof(fc.constantFrom('GET', 'post', 'PATCH', 'TRACE', ''), fc.string({ maxLength: 10 })),
  requestHeaders: headers,
  mode: fc.constantFrom('cors', 'no-cors', 'same-origin', 'navigate'),
  credentials: fc.constantFrom('omit', 'same-origin', 'include'),
  redirectMode: fc.constantFrom('follow', 'manual', 'error'),
  preflight: record,
  response: record,
  redirects: fc.array(
    fc.record({ url: fc.option(url, { nil: undefined }), preflight: record, response: record }),
    {
      maxLength: 3,
    },
  ),
  preflightCached: fc.boolean(),
});

test('any exchange gets a verdict, never an exception, and the same one twice', () => {
  fc.assert(
    fc.property(exchange, (x) => {
      const v = diagnose(x);
      expect(['allowed', 'blocked', 'incomplete', 'network-error', 'not-cors']).toContain(v.outcome);
      expect(v.blocked).toBe(v.outcome === 'blocked');
      expect(
        v.blocked ? typeof v.failedParameter === 'string' && v.corsError !== null : v.corsError === null,
      ).toBe(true);
      expect(diagnose(x)).toEqual(v);
    }),
    // 100,000 cases: the engine's promise is "never a throw, always a verdict", for anything.
    { numRuns: 100_000, seed: 20261125 },
  );
}, 120_000);

test('credentials unknown: the verdict reads without them, and `credentialed` is exactly the reading with them', () => {
  const key = (v: ReturnType<typeof diagnose>) => [v.outcome, v.corsError, v.failedParameter, v.hop];
  fc.assert(
    fc.property(exchange, (x) => {
      const unknown = diagnose({ ...x, credentials: 'unknown' });
      const without = diagnose({ ...x, credentials: 'same-origin' });
      const withCredentials = diagnose({ ...x, credentials: 'include' });
      const { credentialed, ...reading } = unknown;
      expect(reading).toEqual(without);
      expect(key(credentialed ?? unknown)).toEqual(key(withCredentials));
    }),
    { numRuns: 20_000, seed: 20261130 },
  );
}, 60_000);

const event = fc.record({
  kind: fc.constantFrom(
    'beforeRequest',
    'sendHeaders',
    'headersReceived',
    'beforeRedirect',
    'completed',
    'errorOccurred',
  ),
  requestId: fc.constantFrom('1', '2', '3', '4', '5'),
  tabId: fc.constantFrom(1, 2),
  frameId: fc.constantFrom(0, 1),
  initiator: fc.constantFrom('http://localhost:3000', undefined, 'null'),
  url: fc.constantFrom(
    'http://127.0.0.1:8000/a',
    'http://127.0.0.1:8000/b',
    'http://localhost:3000/same',
    'not a url',
  ),
  method: fc.constantFrom('GET', 'PUT', 'OPTIONS', 'patch'),
  headers,
  statusCode: fc.integer({ min: 0, max: 599 }),
});

/** A snapshot in a stable order: what a pairer holds, whatever order it came back in. */
function normalized(s: PairerSnapshot) {
  const byId = <T>(xs: readonly T[], id: (x: T) => string) =>
    [...xs].sort((a, b) => id(a).localeCompare(id(b)));
  return {
    pending: byId(s.pending, (r) => r.id),
    orphans: byId(s.orphans, (o) => o.preflight.requestId),
    options: byId(s.options, (e) => e.requestId),
  };
}

test('the pairer takes any sequence of events without throwing, and restores from what it persisted', () => {
  fc.assert(
    fc.property(fc.array(event, { maxLength: 40 }), (events) => {
      const pairer = new Pairer();
      const persisted = new Map<string, PairerChange>();
      let t = 0;
      for (const e of events) {
        const base = {
          requestId: e.requestId,
          tabId: e.tabId,
          frameId: e.frameId,
          initiator: e.initiator,
          url: e.url,
          method: e.method,
          type: 'xmlhttprequest',
          timeStamp: t++,
        };
        const details = {
          ...base,
          requestHeaders: e.headers,
          responseHeaders: e.headers,
          statusCode: e.statusCode,
          redirectUrl: 'http://127.0.0.1:8000/c',
          error: 'net::ERR_FAILED',
        };
        const update = pairer.handle({ kind: e.kind, details } as CaptureEvent);
        for (const r of update.finished) expect(['completed', 'failed']).toContain(r.state);
        // Persisted as the store does: each change to its own record, the latest value wins.
        for (const c of pairer.takeChanges()) {
          if (c.value === null) persisted.delete(`${c.kind}:${c.id}`);
          else persisted.set(`${c.kind}:${c.id}`, structuredClone(c));
        }
      }
      const records = [...persisted.values()];
      const restored = new Pairer({
        pending: records.flatMap((c) => (c.kind === 'pending' && c.value ? [c.value] : [])),
        orphans: records.flatMap((c) => (c.kind === 'orphan' && c.value ? [c.value] : [])),
        options: records.flatMap((c) => (c.kind === 'option' && c.value ? [c.value] : [])),
      });
      // A worker restarted from what was persisted holds what the running one held.
      expect(normalized(restored.snapshot())).toEqual(normalized(pairer.snapshot()));
    }),
    { numRuns: 3000, seed: 7 },
  );
});
