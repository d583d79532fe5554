/**
 * Everything captured, kept in chrome.storage.session so that a stopped service worker loses
 * nothing. Memory is a cache of it. Writes are incremental — one key per entry, never the whole
 * log — batched per task, and applied in order through one queue. Each tab has a bounded ring; a
 * quota error evicts the oldest entries and keeps the newest.
 *
 * The key layout is this file's alone: `tab:<id>` a tab's ring bounds, `e:<tab>:<seq>` one entry,
 * and the pairer's state in flight — `p:<id>` a pending request, `o:<id>` a preflight waiting for
 * its request, `q:<id>` an OPTIONS request not yet told apart.
 */

import type { BeforeRequestEvent, ErrorOccurredEvent } from '../../src/capture/events.ts';
import { blockedWithoutRecord } from '../../src/capture/judge.ts';
import type { Orphan, PairerChange, PairerSnapshot } from '../../src/capture/pairing.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import type { StorageArea } from '../platform/storage.ts';
import { DEFAULT_RING_SIZE } from '../shared/settings.ts';

export type StoredEntry =
  | { readonly kind: 'captured'; readonly request: CapturedRequest; readonly blocked: boolean }
  /** Chrome failed a cross-origin request in a tab that was not recording: we know little more. */
  | { readonly kind: 'not-recorded'; readonly event: ErrorOccurredEvent };

export interface TabMeta {
  readonly tabId: number;
  /** Sequence number of the next entry, and of the oldest one kept. */
  head: number;
  tail: number;
  /** Entries evicted by the ring bound or the storage quota. */
  dropped: number;
  blocked: number;
  /** Bumped whenever the log is cleared, so a reader holding a cursor knows to start over. */
  generation?: number;
  /** Bumped whenever an entry already kept is replaced (see CaptureStore.replace). */
  amends?: number;
}

const metaKey = (tabId: number) => `tab:${tabId}`;
const entryKey = (tabId: number, seq: number) => `e:${tabId}:${seq}`;
const PAIRER_PREFIX: Record<PairerChange['kind'], string> = { pending: 'p:', orphan: 'o:', option: 'q:' };
const REMOVE = Symbol('remove');

export class CaptureStore {
  /** Where the log persists; null keeps it in memory only (a devtools page, which lives as long as its DevTools). */
  readonly #area: StorageArea | null;
  #ringSize: number;
  readonly #metas = new Map<number, TabMeta>();
  readonly #entries = new Map<string, StoredEntry>();
  #pairer: { pending: CapturedRequest[]; orphans: Orphan[]; options: BeforeRequestEvent[] } = {
    pending: [],
    orphans: [],
    options: [],
  };
  readonly #dirty = new Map<string, unknown>();
  #flushScheduled = false;
  readonly #inFlight = new Set<Promise<void>>();
  /** Problems the user should hear about (a reset after corrupt state, evictions for quota); the latest few. */
  readonly notices: string[] = [];

  notice(message: string): void {
    const i = this.notices.indexOf(message);
    if (i >= 0) this.notices.splice(i, 1);
    this.notices.push(message);
    if (this.notices.length > 5) this.notices.shift();
  }

  constructor(area: StorageArea | null, ringSize = DEFAULT_RING_SIZE) {
    this.#area = area;
    this.#ringSize = ringSize;
  }

  get ringSize(): number {
    return this.#ringSize;
  }

  set ringSize(n: number) {
    this.#ringSize = Math.max(10, Math.floor(n));
  }

  /** Reads everything back after a (re)start. Corrupt records are dropped with a notice, never thrown. */
  async load(): Promise<void> {
    if (!this.#area) return;
    const all = (await this.#area.get(null)) as Record<string, unknown>;
    let corrupt = 0;
    for (const [key, stored] of Object.entries(all)) {
      const value = key.startsWith('tab:') ? stored : unpacked(stored);
      if (key.startsWith('tab:')) {
        if (isMeta(value)) this.#metas.set(value.tabId, value);
        else corrupt++;
      } else if (key.startsWith('e:')) {
        if (isEntry(value)) this.#entries.set(key, value);
        else corrupt++;
      } else if (key.startsWith(PAIRER_PREFIX.pending)) {
        if (isRequest(value)) this.#pairer.pending.push(value);
        else corrupt++;
      } else if (key.startsWith(PAIRER_PREFIX.orphan)) {
        if (isOrphan(value)) this.#pairer.orphans.push(value);
        else corrupt++;
      } else if (key.startsWith(PAIRER_PREFIX.option)) {
        if (isEvent(value)) this.#pairer.options.push(value);
        else corrupt++;
      }
    }
    if (corrupt > 0) this.notice(`${corrupt} stored records were unreadable and were discarded.`);
  }

  /**
   * What the pairer held when the worker stopped. A request can be both finished (its entry
   * written) and still pending (its pending key not yet removed) when the worker stopped between
   * the two writes; the finished entry wins, and the stale pending key goes.
   */
  pairerSnapshot(): PairerSnapshot {
    const finished = new Set<string>();
    for (const entry of this.#entries.values())
      finished.add(entry.kind === 'captured' ? entry.request.id : entry.event.requestId);
    const pending = this.#pairer.pending.filter((r) => {
      if (!finished.has(r.id)) return true;
      this.#write(PAIRER_PREFIX.pending + r.id, REMOVE);
      return false;
    });
    return { ...this.#pairer, pending };
  }

  /** Persists pairing changes one key each, as they happen. */
  savePairerChanges(changes: readonly PairerChange[]): void {
    for (const c of changes) this.#writeRecord(PAIRER_PREFIX[c.kind] + c.id, c.value ?? REMOVE);
  }

  meta(tabId: number): TabMeta {
    let meta = this.#metas.get(tabId);
    if (!meta) {
      meta = { tabId, head: 0, tail: 0, dropped: 0, blocked: 0 };
      this.#metas.set(tabId, meta);
    }
    return meta;
  }

  tabs(): number[] {
    return [...this.#metas.keys()];
  }

  /** Adds an entry to a tab's ring; returns the sequence number it got. */
  append(tabId: number, entry: StoredEntry): number {
    const meta = this.meta(tabId);
    const seq = meta.head;
    const key = entryKey(tabId, seq);
    meta.head += 1;
    this.#entries.set(key, entry);
    this.#writeRecord(key, entry);
    if (isBlocked(entry)) meta.blocked += 1;
    while (meta.head - meta.tail > this.#ringSize) this.#evictOldest(meta);
    this.#write(metaKey(tabId), meta);
    return seq;
  }

  /**
   * Puts `entry` in the place of the one kept at `seq` (a later word on the same request); null
   * when that entry is gone, else the tab's new amendment count.
   */
  replace(tabId: number, seq: number, entry: StoredEntry): number | null {
    const meta = this.#metas.get(tabId);
    const key = entryKey(tabId, seq);
    const old = this.#entries.get(key);
    if (!meta || !old || seq < meta.tail) return null;
    this.#entries.set(key, entry);
    this.#writeRecord(key, entry);
    meta.blocked = Math.max(0, meta.blocked + Number(isBlocked(entry)) - Number(isBlocked(old)));
    meta.amends = (meta.amends ?? 0) + 1;
    this.#write(metaKey(tabId), meta);
    return meta.amends;
  }

  /** The entry kept at `seq`, if it is still kept. */
  at(tabId: number, seq: number): StoredEntry | undefined {
    return this.#entries.get(entryKey(tabId, seq));
  }

  /** Entries of a tab, oldest first. */
  entries(tabId: number): StoredEntry[] {
    return this.entriesSince(tabId, 0).map((x) => x.entry);
  }

  /** Entries from sequence number `since` on (at least the oldest kept), with their numbers. */
  entriesSince(tabId: number, since: number): { seq: number; entry: StoredEntry }[] {
    const meta = this.#metas.get(tabId);
    if (!meta) return [];
    const out: { seq: number; entry: StoredEntry }[] = [];
    for (let seq = Math.max(meta.tail, since); seq < meta.head; seq++) {
      const entry = this.#entries.get(entryKey(tabId, seq));
      if (entry) out.push({ seq, entry });
    }
    return out;
  }

  /** Empties a tab's log (navigation without "preserve log", or the user's Clear). */
  clearTab(tabId: number): void {
    const meta = this.#metas.get(tabId);
    if (!meta) return;
    for (let seq = meta.tail; seq < meta.head; seq++) {
      const key = entryKey(tabId, seq);
      this.#entries.delete(key);
      this.#write(key, REMOVE);
    }
    meta.tail = meta.head;
    meta.dropped = 0;
    meta.blocked = 0;
    meta.generation = (meta.generation ?? 0) + 1;
    this.#write(metaKey(tabId), meta);
  }

  /** A tab's log written anew with `entries` (in order), as a new generation; what was dropped stays counted. */
  replaceTab(tabId: number, entries: readonly StoredEntry[]): void {
    const dropped = this.#metas.get(tabId)?.dropped ?? 0;
    this.clearTab(tabId);
    for (const entry of entries) this.append(tabId, entry);
    const meta = this.#metas.get(tabId);
    if (meta && dropped > 0) {
      meta.dropped += dropped;
      this.#write(metaKey(tabId), meta);
    }
  }

  /** Frees a closed tab's data. */
  forgetTab(tabId: number): void {
    this.clearTab(tabId);
    this.#metas.delete(tabId);
    this.#write(metaKey(tabId), REMOVE);
  }

  /** Resolves when everything written so far is in storage. */
  async flushed(): Promise<void> {
    for (;;) {
      if (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
      else if (this.#dirty.size > 0) this.#flush();
      else return;
    }
  }

  #evictOldest(meta: TabMeta): void {
    const key = entryKey(meta.tabId, meta.tail);
    const entry = this.#entries.get(key);
    if (entry && isBlocked(entry)) meta.blocked = Math.max(0, meta.blocked - 1);
    this.#entries.delete(key);
    this.#write(key, REMOVE);
    meta.tail += 1;
    meta.dropped += 1;
  }

  /** A record to persist, packed only when it will be. */
  #writeRecord(key: string, record: object | typeof REMOVE): void {
    if (this.#area) this.#write(key, record === REMOVE ? REMOVE : packed(record));
  }

  #write(key: string, value: unknown): void {
    if (!this.#area) return;
    // Re-inserting moves the key to the end, so a batch applies in the order of the last change.
    this.#dirty.delete(key);
    this.#dirty.set(key, value);
    this.#schedule();
  }

  /**
   * One write in flight at a time. When idle, a change leaves as soon as the current event is
   * handled (the worker may be stopped right after it); under load, the changes that arrive while
   * a write is in flight go together in the next one, so a burst of events costs a few storage
   * calls instead of one each. Either way writes stay in order.
   */
  #schedule(): void {
    if (this.#flushScheduled || this.#inFlight.size > 0) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#dirty.size === 0 || this.#inFlight.size > 0) return;
    const batch = new Map(this.#dirty);
    this.#dirty.clear();
    const done: Promise<void> = this.#apply(batch)
      .catch((err) => {
        this.notice(`Saving captured data failed: ${String(err)}`);
      })
      .finally(() => {
        this.#inFlight.delete(done);
        if (this.#dirty.size > 0) this.#schedule();
      });
    this.#inFlight.add(done);
  }

  async #apply(batch: Map<string, unknown>): Promise<void> {
    const area = this.#area;
    if (!area) return;
    const sets: Record<string, unknown> = {};
    const removes: string[] = [];
    for (const [key, value] of batch) {
      if (value === REMOVE) removes.push(key);
      else sets[key] = value;
    }
    const removed = removes.length > 0 ? area.remove(removes) : Promise.resolve();
    const setting = Object.keys(sets).length > 0 ? area.set(sets) : Promise.resolve();
    try {
      await Promise.all([removed, setting]);
      return;
    } catch (err) {
      if (!/quota/i.test(String(err))) throw err;
    }
    for (let attempt = 0; Object.keys(sets).length > 0; attempt++) {
      try {
        await area.set(sets);
        return;
      } catch (err) {
        if (attempt >= 5 || !/quota/i.test(String(err))) throw err;
        // Out of room: drop the oldest tenth of the largest log and try again; the newest stay.
        const freed = this.#evictForQuota();
        for (const key of freed) delete sets[key];
        for (const meta of this.#metas.values()) sets[metaKey(meta.tabId)] = meta;
        if (freed.length > 0) await area.remove(freed);
      }
    }
  }

  #evictForQuota(): string[] {
    let largest: TabMeta | undefined;
    for (const meta of this.#metas.values()) {
      if (!largest || meta.head - meta.tail > largest.head - largest.tail) largest = meta;
    }
    if (!largest || largest.head === largest.tail) return [];
    const count = Math.max(1, Math.ceil((largest.head - largest.tail) / 10));
    const freed: string[] = [];
    for (let i = 0; i < count; i++) {
      freed.push(entryKey(largest.tabId, largest.tail));
      this.#evictOldest(largest);
    }
    this.notice(
      `Storage was full: the oldest entries of tab ${largest.tabId} were dropped to keep the newest (${largest.dropped} so far).`,
    );
    return freed;
  }
}

/**
 * Records are stored as one JSON string each. chrome.storage.session counts a structured value by
 * what it holds in memory, an object per header line and a string per name and value: measured in
 * Chromium 156, an entry counted 5,084 bytes as an object and 1,592 as its JSON. A string triples
 * what the 10 MB quota keeps (it was the "loss" of a fifth of 2,000 requests: the oldest evicted).
 */
function packed(record: object): string {
  return JSON.stringify(record);
}

/** A stored record back; one written as an object (before they were packed) reads as it is. */
function unpacked(stored: unknown): unknown {
  if (typeof stored !== 'string') return stored;
  try {
    return JSON.parse(stored);
  } catch {
    return null;
  }
}

function isBlocked(entry: StoredEntry): boolean {
  return entry.kind === 'captured' ? entry.blocked : blockedWithoutRecord(entry.event.error);
}

function isMeta(v: unknown): v is TabMeta {
  const m = v as TabMeta | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    Number.isInteger(m.tabId) &&
    Number.isInteger(m.head) &&
    Number.isInteger(m.tail) &&
    m.tail <= m.head &&
    Number.isInteger(m.dropped) &&
    Number.isInteger(m.blocked) &&
    (m.amends === undefined || Number.isInteger(m.amends))
  );
}

function isEntry(v: unknown): v is StoredEntry {
  const e = v as StoredEntry | null;
  if (typeof e !== 'object' || e === null) return false;
  if (e.kind === 'captured') return typeof e.request?.id === 'string' && typeof e.request.url === 'string';
  if (e.kind === 'not-recorded')
    return typeof e.event?.requestId === 'string' && typeof e.event.url === 'string';
  return false;
}

function isRequest(v: unknown): v is CapturedRequest {
  const r = v as CapturedRequest | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    typeof r.url === 'string' &&
    typeof r.currentUrl === 'string' &&
    Array.isArray(r.preflights) &&
    Array.isArray(r.responses)
  );
}

function isEvent(v: unknown): v is BeforeRequestEvent {
  const e = v as BeforeRequestEvent | null;
  return typeof e === 'object' && e !== null && typeof e.requestId === 'string' && typeof e.url === 'string';
}

function isOrphan(v: unknown): v is Orphan {
  const o = v as Orphan | null;
  return (
    typeof o === 'object' && o !== null && isEvent(o.event) && typeof o.preflight?.requestId === 'string'
  );
}
