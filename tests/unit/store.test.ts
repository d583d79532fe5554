/** The capture store on a fake chrome.storage area: ring bound, order, quota, corrupt state. */
import { describe, expect, test } from 'vitest';
import { CaptureStore, type StoredEntry } from '../../extension/log/store.ts';
import { inFlightGet } from './captured.ts';
import { FakeArea } from './fake-storage.ts';

function notRecorded(i: number, tabId = 1): StoredEntry {
  return {
    kind: 'not-recorded',
    event: {
      requestId: String(i),
      tabId,
      frameId: 0,
      initiator: 'http://localhost:3000',
      url: `http://127.0.0.1:8000/${i}?${'x'.repeat(200)}`,
      method: 'GET',
      type: 'xmlhttprequest',
      timeStamp: i,
      error: 'net::ERR_FAILED',
    },
  };
}

const ids = (entries: StoredEntry[]) =>
  entries.map((e) => (e.kind === 'not-recorded' ? Number(e.event.requestId) : -1));

describe('CaptureStore', () => {
  test('keeps a bounded ring per tab, newest kept, drops counted, and reloads the same', async () => {
    const area = new FakeArea();
    const store = new CaptureStore(area, 10);
    for (let i = 0; i < 25; i++) store.append(1, notRecorded(i));
    await store.flushed();
    expect(ids(store.entries(1))).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(store.meta(1)).toMatchObject({ dropped: 15, blocked: 10 });
    // Writes are incremental: never more than a few keys per call, and the old keys are gone.
    expect([...area.data.keys()].filter((k) => k.startsWith('e:'))).toHaveLength(10);
    const reloaded = new CaptureStore(area, 10);
    await reloaded.load();
    expect(ids(reloaded.entries(1))).toEqual(ids(store.entries(1)));
    expect(reloaded.meta(1).dropped).toBe(15);
  });

  test('a request both finished and still pending (worker stopped between the writes) comes back once', async () => {
    const area = new FakeArea();
    const store = new CaptureStore(area, 10);
    store.append(1, notRecorded(7));
    const pending = inFlightGet('7');
    store.savePairerChanges([
      { kind: 'pending', id: '7', value: { ...pending, preflights: [null], responses: [] } },
    ]);
    await store.flushed();
    const reloaded = new CaptureStore(area, 10);
    await reloaded.load();
    expect(reloaded.pairerSnapshot().pending).toEqual([]);
    await reloaded.flushed();
    expect(area.data.has('p:7')).toBe(false);
    expect(ids(reloaded.entries(1))).toEqual([7]);
  });

  test('events handled together are written together', async () => {
    const area = new FakeArea();
    const store = new CaptureStore(area);
    for (let i = 0; i < 50; i++) store.append(1, notRecorded(i));
    await store.flushed();
    expect(area.calls).toBe(1);
  });

  test('at the storage quota the oldest entries go, the newest stay, and the user is told', async () => {
    const area = new FakeArea(40_000);
    const store = new CaptureStore(area, 1000);
    for (let i = 0; i < 400; i++) {
      store.append(1, notRecorded(i));
      await store.flushed();
    }
    const kept = ids(store.entries(1));
    expect(kept.at(-1)).toBe(399);
    expect(kept.length).toBeLessThan(400);
    expect(store.meta(1).dropped).toBe(400 - kept.length);
    expect(store.notices.join(' ')).toMatch(/Storage was full/);
    const reloaded = new CaptureStore(area, 1000);
    await reloaded.load();
    expect(ids(reloaded.entries(1)).at(-1)).toBe(399);
  });

  test('corrupt stored records are discarded with a notice; capture goes on', async () => {
    const area = new FakeArea();
    area.data.set('tab:1', { tabId: 1, head: 2, tail: 0, dropped: 0, blocked: 0 });
    area.data.set('e:1:0', { kind: 'captured', request: 'garbage' });
    area.data.set('e:1:1', notRecorded(1));
    area.data.set('p:9', 42);
    area.data.set('tab:2', 'not a meta');
    const store = new CaptureStore(area);
    await store.load();
    expect(store.notices[0]).toMatch(/3 stored records were unreadable/);
    expect(ids(store.entries(1))).toEqual([1]);
    store.append(1, notRecorded(2));
    expect(ids(store.entries(1))).toEqual([1, 2]);
  });

  test('clearing and forgetting a tab remove its keys', async () => {
    const area = new FakeArea();
    const store = new CaptureStore(area);
    for (let i = 0; i < 3; i++) store.append(5, notRecorded(i, 5));
    store.clearTab(5);
    await store.flushed();
    expect(store.entries(5)).toEqual([]);
    expect([...area.data.keys()]).toEqual(['tab:5']);
    store.forgetTab(5);
    await store.flushed();
    expect(area.data.size).toBe(0);
  });
});
