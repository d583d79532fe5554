/**
 * Each request is judged once: one run of the engine per request on every path that reads one —
 * live capture in Chrome (the browser says what was blocked), in Firefox (the engine says, at
 * once), HAR files with and without Chrome's markers — and none again for requests in flight that
 * did not change.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';

vi.mock('../../src/cors/diagnose.ts', async (importOriginal) => {
  const engine = await importOriginal<typeof import('../../src/cors/diagnose.ts')>();
  return { ...engine, diagnose: vi.fn(engine.diagnose) };
});

const { diagnose } = await import('../../src/cors/diagnose.ts');
const { CaptureStore } = await import('../../extension/log/store.ts');
const { TabLogs } = await import('../../extension/log/tab-log.ts');
const { importHar } = await import('../../src/har/import.ts');
const { allowedGet, blockedPost, inFlightGet } = await import('./captured.ts');
const { FakeArea } = await import('./fake-storage.ts');
const { blockedPost: harBlockedPost, entry, har } = await import('./har-fixtures.ts');

const runs = () => vi.mocked(diagnose).mock.calls.length;

beforeEach(() => {
  vi.mocked(diagnose).mockClear();
});

describe.each(['browser', 'engine'] as const)('live capture, outcome told by the %s', (outcome) => {
  test('one run per finished request, however often the report is read', () => {
    const log = new TabLogs(new CaptureStore(new FakeArea()), outcome, () => {});
    for (let i = 1; i <= 10; i++) log.finished(i % 2 ? blockedPost(String(i)) : allowedGet(String(i)));
    for (let read = 0; read < 3; read++) {
      const reply = log.report(1, {}, []);
      expect(reply.entries).toHaveLength(10);
      expect(reply.entries.filter((e) => e.blocked)).toHaveLength(5);
    }
    expect(runs()).toBe(10);
  });

  test('a request in flight is judged again only after it changed', () => {
    const log = new TabLogs(new CaptureStore(new FakeArea()), outcome, () => {});
    const waiting = inFlightGet('1');
    log.report(1, {}, [waiting]);
    log.report(1, {}, [waiting]);
    expect(runs()).toBe(1);
    log.changed([waiting]);
    log.report(1, {}, [waiting]);
    log.report(1, {}, [waiting]);
    expect(runs()).toBe(2);
  });
});

describe('HAR import', () => {
  const allowed = entry({
    method: 'GET',
    url: 'http://localhost:4000/api/ok',
    start: 10,
    request: [['Origin', 'http://localhost:3000']],
    status: 200,
    response: [['Access-Control-Allow-Origin', 'http://localhost:3000']],
  });

  test("with Chrome's markers: one run per request", () => {
    const imported = importHar(har([...harBlockedPost(), allowed]));
    expect(imported.ok && imported.entries).toHaveLength(2);
    expect(runs()).toBe(2);
  });

  test('without them (the engine decides): one run per request', () => {
    const plain = [...harBlockedPost(), allowed].map(
      ({ _resourceType, response: { _error, ...response }, ...rest }) => ({
        ...rest,
        response,
      }),
    );
    const imported = importHar(har(plain, 'Firefox'));
    expect(imported.ok && imported.entries.filter((e) => e.blocked)).toHaveLength(1);
    expect(runs()).toBe(2);
  });
});
