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
