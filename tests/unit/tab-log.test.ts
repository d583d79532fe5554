/** A tab's log in Node: paging and incremental reads of the report, clearing, ring eviction, the blocked count. */
import { describe, expect, test } from 'vitest';
import { CaptureStore } from '../../extension/log/store.ts';
import { TabLogs } from '../../extension/log/tab-log.ts';
import { allowedGet, blockedPost, inFlightGet } from './captured.ts';
import { FakeArea } from './fake-storage.ts';

function logs(ringSize = 1000) {
  const changes: number[] = [];
  const store = new CaptureStore(new FakeArea(), ringSize);
  return { logs: new TabLogs(store, 'browser', (tabId) => changes.push(tabId)), store, changes };
}

const ids = (entries: readonly { id: string }[]) => entries.map((e) => e.id);

describe('report()', () => {
  test('finished entries in order, then those in flight; each with its sequence number', () => {
    const { logs: log } = logs();
    for (let i = 1; i <= 3; i++) log.finished(allowedGet(String(i)));
    const reply = log.report(
      1,
      {},
      [inFlightGet('4'), inFlightGet('99')].map((r, i) => (i ? { ...r, tabId: 2 } : r)),
    );
    expect(ids(reply.entries)).toEqual(['1', '2', '3', '4']);
    expect(reply.entries.map((e) => e.seq)).toEqual([0, 1, 2, undefined]);
    expect(reply).toMatchObject({
      version: 1,
      tabId: 1,
      cursor: 3,
      tail: 0,
      generation: 0,
      incremental: false,
    });
  });

  test('limit: the newest rows first (a first paint), said to be partial', () => {
    const { logs: log } = logs();
    for (let i = 1; i <= 30; i++) log.finished(allowedGet(String(i)));
    const first = log.report(1, { limit: 10 }, []);
    expect(first.partial).toBe(true);
    expect(ids(first.entries)).toEqual(Array.from({ length: 10 }, (_, i) => String(21 + i)));
    const whole = log.report(1, {}, []);
    expect(whole.entries).toHaveLength(30);
    expect(whole).not.toHaveProperty('partial');
  });

  test('since and generation: only what is new; after a clear, everything again', () => {
    const { logs: log, changes } = logs();
    for (let i = 1; i <= 5; i++) log.finished(allowedGet(String(i)));
    const first = log.report(1, {}, []);
    for (let i = 6; i <= 7; i++) log.finished(allowedGet(String(i)));
    const next = log.report(1, { since: first.cursor, generation: first.generation }, []);
    expect(next.incremental).toBe(true);
    expect(ids(next.entries)).toEqual(['6', '7']);

    changes.length = 0;
    log.clear(1);
    expect(changes).toEqual([1]);
    log.finished(allowedGet('8'));
    const stale = log.report(1, { since: next.cursor, generation: next.generation }, []);
    expect(stale.incremental).toBe(false);
    expect(stale.generation).toBe(next.generation + 1);
    expect(ids(stale.entries)).toEqual(['8']);
  });

  test('the ring keeps the newest entries; the dropped ones are counted and gone from every read', () => {
    const { logs: log } = logs(10);
    for (let i = 1; i <= 25; i++) log.finished(allowedGet(String(i)));
    const reply = log.report(1, {}, []);
    expect(ids(reply.entries)).toEqual(Array.from({ length: 10 }, (_, i) => String(16 + i)));
    expect(reply).toMatchObject({ dropped: 15, tail: 15, cursor: 25 });
  });
});

describe('each request once, whatever a restarted worker is told again', () => {
  test('a request finished twice (an end event delivered again) is filed once, and counted once', () => {
    const { logs: log } = logs();
    log.finished(blockedPost('1'));
    log.finished({ ...blockedPost('1'), requestHeaders: null });
    expect(ids(log.report(1, {}, []).entries)).toEqual(['1']);
    expect(log.blocked(1)).toBe(1);
  });

  test('a request filed and still pending (stopped between the two writes) is listed once', () => {
    const { logs: log, store } = logs();
    log.finished(allowedGet('1'));
    // A worker that starts again reads the same store: its log knows what was filed.
    const restarted = new TabLogs(store, 'browser', () => {});
    const pendingTwin = { ...inFlightGet('1'), url: allowedGet('1').url };
    expect(ids(restarted.report(1, {}, [pendingTwin, inFlightGet('2')]).entries)).toEqual(['1', '2']);
    expect(restarted.report(1, {}, [pendingTwin]).entries.map((e) => e.state)).toEqual(['completed']);
  });
});

describe('the blocked count (the badge)', () => {
  test('counts blocked requests and failures in tabs that did not record; clear resets it', () => {
    const { logs: log } = logs();
    log.finished(blockedPost('1'));
    log.finished(allowedGet('2'));
    log.notRecorded({
      requestId: '3',
      tabId: 1,
      frameId: 0,
      initiator: 'http://localhost:3000',
      url: 'http://127.0.0.1:8000/x',
      method: 'GET',
      type: 'xmlhttprequest',
      timeStamp: 3,
      error: 'net::ERR_FAILED',
    });
    expect(log.blocked(1)).toBe(2);
    log.clear(1);
    expect(log.blocked(1)).toBe(0);
  });

  test('a new page keeps the requests it already finished and drops the older ones', () => {
    const { logs: log } = logs();
    log.finished(blockedPost('1', { time: 100 }));
    log.finished(allowedGet('2', { time: 300 }));
    log.startPage(1, 200);
    expect(ids(log.report(1, {}, []).entries)).toEqual(['2']);
    expect(log.blocked(1)).toBe(0);
  });
});

describe("a later word on a request DevTools' log already gave (a preflight that finished after it)", () => {
  const devtools = (r: ReturnType<typeof blockedPost>) => ({ ...r, source: 'devtools' as const });
  const early = (id: string) => devtools(blockedPost(id, { preflights: [null] }));

  test('takes its place, same sequence number; the blocked count stays one', () => {
    const { logs: log, store } = logs();
    log.finished(allowedGet('1'));
    log.finished(early('2'));
    log.finished(allowedGet('3'));
    const before = log.report(1, {}, []);
    expect(before.entries[1]).toMatchObject({ id: '2', seq: 1, preflight: null });
    log.finished(devtools(blockedPost('2')));
    const after = log.report(1, {}, []);
    expect(after.entries.map((e) => [e.id, e.seq])).toEqual([
      ['1', 0],
      ['2', 1],
      ['3', 2],
    ]);
    expect(after.entries[1]?.preflight?.status).toBe(204);
    expect(log.blocked(1)).toBe(1);
    expect(store.meta(1).amends).toBe(1);
    expect(after.generation).toBe(before.generation);
  });

  test('a reader holding a copy gets the changed entry with the new ones; the same word twice changes nothing', () => {
    const { logs: log } = logs();
    log.finished(early('2'));
    const first = log.report(1, {}, []);
    log.finished(devtools(blockedPost('2')));
    log.finished(allowedGet('5'));
    const next = log.report(
      1,
      { since: first.cursor, generation: first.generation, amends: first.amends },
      [],
    );
    expect(next.incremental).toBe(true);
    expect(next.entries.map((e) => [e.id, e.seq, e.preflight?.status ?? null])).toEqual([
      ['2', 0, 204],
      ['5', 1, null],
    ]);
    // The whole log sent again (a new connection) holds the same word: no amendment.
    log.finished(devtools(blockedPost('2')));
    log.finished(early('2'));
    const again = log.report(1, { since: next.cursor, generation: next.generation, amends: next.amends }, []);
    expect(again).toMatchObject({ incremental: true, amends: 1, entries: [] });
  });

  test('a reader further behind than the log remembers reads it whole', () => {
    const { logs: log } = logs(3000);
    for (let i = 0; i < 1200; i++) log.finished(early(String(i)));
    const first = log.report(1, {}, []);
    for (let i = 0; i < 1200; i++) log.finished(devtools(blockedPost(String(i))));
    const next = log.report(
      1,
      { since: first.cursor, generation: first.generation, amends: first.amends },
      [],
    );
    expect(next.incremental).toBe(false);
    expect(next.entries).toHaveLength(1200);
    expect(next.entries.every((e) => e.preflight?.status === 204)).toBe(true);
  });

  test("Firefox: the request's own entry takes the place of the one its preflight stood for", () => {
    const { logs: log, store } = logs();
    const stood = devtools(blockedPost('8', { state: 'completed', error: null }));
    log.finished(stood);
    log.finished(devtools(blockedPost('8', { error: 'NS_ERROR_DOM_BAD_URI' })));
    expect(log.report(1, {}, []).entries.map((e) => e.state)).toEqual(['failed']);
    expect(store.meta(1).amends).toBe(1);
  });

  test('webRequest capture never amends: an end event delivered twice is filed once, as it first came', () => {
    const { logs: log } = logs();
    log.finished(blockedPost('7', { preflights: [null] }));
    log.finished(blockedPost('7'));
    expect(log.report(1, {}, []).entries.map((e) => e.preflight)).toEqual([null]);
  });

  test('from the worker: the devtools page sends the completed request again, and it takes its place', () => {
    const { logs: log } = logs();
    expect(log.fromDevTools(1, [early('9')])).toBe(1);
    expect(log.fromDevTools(1, [early('9')])).toBe(0);
    expect(log.fromDevTools(1, [devtools(blockedPost('9'))])).toBe(1);
    expect(log.report(1, {}, []).entries.map((e) => [e.id, e.preflight?.status])).toEqual([['9', 204]]);
  });
});

describe('fromDevTools()', () => {
  const fromDevTools = (r: ReturnType<typeof blockedPost>) => ({
    ...r,
    id: `devtools-x-${r.id}`,
    source: 'devtools' as const,
  });
  const counted = (id: string, timeStamp: number) => ({
    requestId: id,
    tabId: 1,
    frameId: 0,
    initiator: 'http://localhost:3000',
    url: `http://127.0.0.1:8000/r/${id}`,
    method: 'POST',
    type: 'xmlhttprequest',
    timeStamp,
    error: 'net::ERR_FAILED',
  });

  test('the whole log sent again on a new connection files nothing twice', () => {
    const { logs: log } = logs();
    const batch = [
      fromDevTools(blockedPost('10')),
      fromDevTools(allowedGet('11') as ReturnType<typeof blockedPost>),
    ];
    expect(log.fromDevTools(1, batch)).toBe(2);
    expect(log.fromDevTools(1, batch)).toBe(0);
    expect(ids(log.report(1, {}, []).entries)).toEqual(['devtools-x-10', 'devtools-x-11']);
  });

  test('a request webRequest capture already filed (same method, URL, start within 50 ms) is not filed again', () => {
    const { logs: log } = logs();
    log.finished(blockedPost('20'));
    expect(log.fromDevTools(1, [fromDevTools(blockedPost('20', { time: 45 + 20 }))])).toBe(0);
    expect(log.report(1, {}, []).entries).toHaveLength(1);
    // Nor later: sent again whole on a new connection, or completed by a late preflight.
    expect(log.fromDevTools(1, [fromDevTools(blockedPost('20', { time: 45 + 20 }))])).toBe(0);
    expect(log.fromDevTools(1, [fromDevTools(blockedPost('20', { time: 65, preflights: [null] }))])).toBe(0);
    expect(log.report(1, {}, []).entries).toHaveLength(1);
  });

  test('a failure the error listener only counted gives way to the request from DevTools, headers and all', () => {
    const { logs: log, store } = logs(3);
    // The ring has dropped one already: that count stays.
    for (const id of ['1', '2', '3', '4']) log.finished(allowedGet(id));
    log.notRecorded(counted('30', 31));
    expect(store.meta(1).dropped).toBe(2);
    expect(log.blocked(1)).toBe(1);
    expect(log.report(1, {}, []).entries.at(-1)).toMatchObject({ state: 'not-recorded', blocked: true });

    expect(log.fromDevTools(1, [fromDevTools(blockedPost('30'))])).toBe(1);
    const { entries, generation } = log.report(1, {}, []);
    expect(entries.map((e) => [e.id, e.state])).toEqual([
      ['3', 'completed'],
      ['4', 'completed'],
      ['devtools-x-30', 'failed'],
    ]);
    expect(entries.at(-1)?.preflight?.status).toBe(204);
    expect(log.blocked(1)).toBe(1);
    expect(store.meta(1).dropped).toBe(2);
    // In its place, not a log written anew: a reader's copy stays good.
    expect(generation).toBe(0);
  });

  test('on Firefox (the engine decides) a request its log shows unfailed but judged blocked replaces the count too', () => {
    const store = new CaptureStore(new FakeArea(), 1000);
    const log = new TabLogs(store, 'engine', () => {});
    log.notRecorded(counted('50', 51));
    // Firefox's DevTools lists only the failed preflight: the request it stands for never ended.
    const announced = fromDevTools(blockedPost('50', { state: 'completed', error: null }));
    expect(log.fromDevTools(1, [announced])).toBe(1);
    expect(log.report(1, {}, []).entries.map((e) => [e.state, e.blocked, e.corsError])).toEqual([
      ['failed', true, 'HeaderDisallowedByPreflightResponse'],
    ]);
    expect(log.blocked(1)).toBe(1);
  });

  test("DevTools' copy of a failure first, the error listener's count after: one entry, DevTools'", () => {
    const { logs: log } = logs();
    expect(log.fromDevTools(1, [fromDevTools(blockedPost('60'))])).toBe(1);
    log.notRecorded(counted('60', 61));
    expect(log.report(1, {}, []).entries.map((e) => [e.id, e.state])).toEqual([['devtools-x-60', 'failed']]);
    expect(log.blocked(1)).toBe(1);
    // Another failure of the same URL after that is another request.
    log.notRecorded(counted('60', 90));
    expect(log.blocked(1)).toBe(2);
  });

  test("a new page: the last page's requests DevTools sends late are not filed into its log", () => {
    const { logs: log } = logs();
    log.fromDevTools(1, [fromDevTools(blockedPost('100'))]);
    log.newPage(1, 500);
    expect(log.report(1, {}, []).entries).toEqual([]);
    // In flight across the navigation, or sent again whole on a reconnection: the last page's.
    expect(log.fromDevTools(1, [fromDevTools(blockedPost('200')), fromDevTools(blockedPost('100'))])).toBe(0);
    expect(log.fromDevTools(1, [fromDevTools(blockedPost('600'))])).toBe(1);
    expect(ids(log.report(1, {}, []).entries)).toEqual(['devtools-x-600']);
  });

  test('a counted failure from before the request started is another request, and stays', () => {
    const { logs: log } = logs();
    log.notRecorded(counted('400', 300));
    log.fromDevTools(1, [fromDevTools(blockedPost('400'))]);
    expect(log.report(1, {}, []).entries.map((e) => e.state)).toEqual(['not-recorded', 'failed']);
    expect(log.blocked(1)).toBe(2);
  });
});
