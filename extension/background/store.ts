/**
 * Everything captured, kept in chrome.storage.session so that a stopped service worker loses
 * nothing. Memory is a cache of it. Writes are incremental — one key per entry, never the whole
 * log — batched per task, and applied in order through one queue. Each tab has a bounded ring; a
 * quota error evicts the oldest entries and keeps the newest.
 */
import type { ErrorOccurredEvent } from '../../src/capture/events.ts';
import type { PairerSnapshot } from '../../src/capture/pairing.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import type { StorageArea } from '../platform/storage.ts';

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
}

export const DEFAULT_RING_SIZE = 1000;
const PAIRER_KEY = 'pairer';
const metaKey = (tabId: number) => `tab:${tabId}`;
const entryKey = (tabId: number, seq: number) => `e:${tabId}:${seq}`;
const REMOVE = Symbol('remove');

export class CaptureStore {
  readonly #area: StorageArea;
  #ringSize: number;
  readonly #metas = new Map<number, TabMeta>();
  readonly #entries = new Map<string, StoredEntry>();
  #pairer: PairerSnapshot | null = null;
  readonly #dirty = new Map<string, unknown>();
  #flushScheduled = false;
  #queue: Promise<void> = Promise.resolve();
  /** Problems the user should hear about (a reset after corrupt state, evictions for quota). */
  readonly notices: string[] = [];

  constructor(area: StorageArea, ringSize = DEFAULT_RING_SIZE) {
    this.#area = area;
    this.#ringSize = ringSize;
  }

  set ringSize(n: number) {
    this.#ringSize = Math.max(10, Math.floor(n));
  }

  /** Reads everything back after a (re)start. Corrupt records are dropped with a notice, never thrown. */
  async load(): Promise<void> {
    const all = (await this.#area.get(null)) as Record<string, unknown>;
    let corrupt = 0;
    for (const [key, value] of Object.entries(all)) {
      if (key.startsWith('tab:')) {
        if (isMeta(value)) this.#metas.set(value.tabId, value);
        else corrupt++;
      } else if (key.startsWith('e:')) {
        if (isEntry(value)) this.#entries.set(key, value);
        else corrupt++;
      } else if (key === PAIRER_KEY) {
        if (isSnapshot(value)) this.#pairer = value;
        else corrupt++;
      }
    }
    if (corrupt > 0) this.notices.push(`${corrupt} stored records were unreadable and were discarded.`);
  }

  pairerSnapshot(): PairerSnapshot | null {
    return this.#pairer;
  }

  savePairer(snapshot: PairerSnapshot): void {
    this.#pairer = snapshot;
    this.#write(PAIRER_KEY, snapshot);
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

  append(tabId: number, entry: StoredEntry): void {
    const meta = this.meta(tabId);
    const key = entryKey(tabId, meta.head);
    meta.head += 1;
    this.#entries.set(key, entry);
    this.#write(key, entry);
    if (isBlocked(entry)) meta.blocked += 1;
    while (meta.head - meta.tail > this.#ringSize) this.#evictOldest(meta);
    this.#write(metaKey(tabId), meta);
  }

  /** Entries of a tab, oldest first. */
  entries(tabId: number): StoredEntry[] {
    const meta = this.#metas.get(tabId);
    if (!meta) return [];
    const out: StoredEntry[] = [];
    for (let seq = meta.tail; seq < meta.head; seq++) {
      const entry = this.#entries.get(entryKey(tabId, seq));
      if (entry) out.push(entry);
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
    this.#write(metaKey(tabId), meta);
  }

  /** Frees a closed tab's data. */
  forgetTab(tabId: number): void {
    this.clearTab(tabId);
    this.#metas.delete(tabId);
    this.#write(metaKey(tabId), REMOVE);
  }

  /** Resolves when everything written so far is in storage. */
  flushed(): Promise<void> {
    if (this.#dirty.size > 0) this.#flush();
    return this.#queue;
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

  #write(key: string, value: unknown): void {
    // Re-inserting moves the key to the end, so a batch applies in the order of the last change.
    this.#dirty.delete(key);
    this.#dirty.set(key, value);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // One batch per task: events that arrive together cost one storage call.
      setTimeout(() => this.#flush(), 0);
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#dirty.size === 0) return;
    const batch = new Map(this.#dirty);
    this.#dirty.clear();
    this.#queue = this.#queue
      .then(() => this.#apply(batch))
      .catch((err) => {
        this.notices.push(`Saving captured data failed: ${String(err)}`);
      });
  }

  async #apply(batch: Map<string, unknown>): Promise<void> {
    const sets: Record<string, unknown> = {};
    const removes: string[] = [];
    for (const [key, value] of batch) {
      if (value === REMOVE) removes.push(key);
      else sets[key] = value;
    }
    if (removes.length > 0) await this.#area.remove(removes);
    for (let attempt = 0; Object.keys(sets).length > 0; attempt++) {
      try {
        await this.#area.set(sets);
        return;
      } catch (err) {
        if (attempt >= 5 || !/quota/i.test(String(err))) throw err;
        // Out of room: drop the oldest tenth of the largest log and try again; the newest stay.
        const freed = this.#evictForQuota();
        for (const key of freed) delete sets[key];
        for (const meta of this.#metas.values()) sets[metaKey(meta.tabId)] = meta;
        if (freed.length > 0) await this.#area.remove(freed);
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
    this.notices.push(`Storage was full: the ${count} oldest entries of tab ${largest.tabId} were dropped.`);
    return freed;
  }
}

function isBlocked(entry: StoredEntry): boolean {
  return entry.kind === 'captured' ? entry.blocked : entry.event.error === 'net::ERR_FAILED';
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
    Number.isInteger(m.blocked)
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

function isSnapshot(v: unknown): v is PairerSnapshot {
  const s = v as PairerSnapshot | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    Array.isArray(s.pending) &&
    Array.isArray(s.orphans) &&
    Array.isArray(s.owners) &&
    Array.isArray(s.options)
  );
}
