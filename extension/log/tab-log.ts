/**
 * Each tab's log: what the tab captured (kept by the store), every finished entry judged once and
 * kept (a cache, rebuilt lazily after a restart), requests in flight judged when read and kept
 * until they change, the report read page by page, and clearing. No browser API: the worker wires
 * it to storage, the badge and the panels, and a Node test drives it.
 */

import type { ErrorOccurredEvent } from '../../src/capture/events.ts';
import { isCorsBlock, judge, type OutcomeSource } from '../../src/capture/judge.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { entryOf, notRecordedEntry, type ReportEntry } from '../../src/report/entry.ts';
import { problemsOf } from '../../src/report/problems.ts';
import { serversOf } from '../../src/report/servers.ts';
import type { ReportQuery, ReportReply } from '../shared/messages.ts';
import type { CaptureStore, StoredEntry } from './store.ts';

/** The part of a report request a reader chooses (declared once, with the message: see ReportRequest). */
export type { ReportQuery } from '../shared/messages.ts';

/**
 * How far apart the same request's start may be as webRequest and DevTools report it (webRequest's
 * timeStamp and HAR's startedDateTime both mark the start; HAR rounds it to the millisecond).
 */
const CLOCK_MATCH_MS = 50;

/** A finished request as the store keeps it, and its entry when the blocked count needed the engine. */
interface Filed {
  readonly stored: StoredEntry;
  readonly entry: ReportEntry | null;
  readonly blocked: boolean;
}

export class TabLogs {
  readonly #store: CaptureStore;
  readonly #outcome: OutcomeSource;
  readonly #onChange: (tabId: number) => void;
  /** Finished entries by tab, then by sequence number: each judged once (entries never change). */
  readonly #judged = new Map<number, Map<number, ReportEntry>>();
  /** Requests in flight, judged when read, until the pairer reports a change: requestId → entry. */
  readonly #inFlight = new Map<string, ReportEntry>();
  /** The request ids each tab's log has filed from webRequest capture (built from the store when first needed). */
  readonly #filedIds = new Map<number, Set<string>>();

  /**
   * `outcome`: who says a request was blocked (see OutcomeSource). `onChange`: a tab's log changed
   * (new entry, a request in flight moved on, cleared).
   */
  constructor(store: CaptureStore, outcome: OutcomeSource, onChange: (tabId: number) => void) {
    this.#store = store;
    this.#outcome = outcome;
    this.#onChange = onChange;
  }

  /** Requests in flight that changed: judged again when next read. */
  changed(requests: readonly CapturedRequest[]): void {
    const tabs = new Set<number>();
    for (const r of requests) {
      this.#inFlight.delete(r.id);
      tabs.add(r.tabId);
    }
    for (const tabId of tabs) this.#onChange(tabId);
  }

  /**
   * A request that reached its end. Whether Chrome blocked it needs no verdict; the engine runs
   * when someone reads the report. Where the source does not say (Firefox), the verdict is needed
   * now for the blocked count, and is kept for that read.
   */
  finished(r: CapturedRequest): void {
    this.#inFlight.delete(r.id);
    // Filed once: an end event Chrome delivers again to a restarted worker would file it twice.
    const ids = this.#idsOf(r.tabId);
    if (ids.has(r.id)) return;
    ids.add(r.id);
    this.#file(r);
    this.#onChange(r.tabId);
  }

  #idsOf(tabId: number): Set<string> {
    let ids = this.#filedIds.get(tabId);
    if (!ids) {
      ids = new Set();
      for (const { entry } of this.#store.entriesSince(tabId, 0))
        if (entry.kind === 'captured' && entry.request.source !== 'devtools') ids.add(entry.request.id);
      this.#filedIds.set(tabId, ids);
    }
    return ids;
  }

  #file(r: CapturedRequest, filed = this.#storedOf(r)): void {
    const seq = this.#store.append(r.tabId, filed.stored);
    if (filed.entry) this.#tab(r.tabId).set(seq, { ...filed.entry, seq });
  }

  /** What the store keeps of a finished request, and its entry when the blocked count needed the engine. */
  #storedOf(r: CapturedRequest): Filed {
    const entry = this.#outcome === 'engine' ? entryOf(r, judge(r, 'engine')) : null;
    const blocked = entry ? entry.blocked : isCorsBlock(r);
    return { stored: { kind: 'captured', request: r, blocked }, entry, blocked };
  }

  /**
   * Requests DevTools' network log finished for a tab (see DevToolsRequests). A request already
   * filed (the log is sent again whole on every new connection) is skipped, and so is one the
   * worker's own webRequest capture filed before DevTools served the tab: same method and URL,
   * started within CLOCK_MATCH_MS, each counted once. A failure the worker only counted (its
   * error listener saw it fail: same method and URL, failing after the request started) gives way
   * to the request, headers and all.
   */
  fromDevTools(tabId: number, requests: readonly CapturedRequest[]): number {
    const entries = this.#store.entriesSince(tabId, 0);
    const filed = new Set<string>();
    const recorded = new Map<string, number[]>();
    const counted = new Map<string, { seq: number; time: number }[]>();
    for (const { seq, entry: e } of entries) {
      if (e.kind === 'not-recorded') {
        const key = `${e.event.method} ${e.event.url}`;
        counted.set(key, [...(counted.get(key) ?? []), { seq, time: e.event.timeStamp }]);
      } else if (e.request.source === 'devtools') filed.add(e.request.id);
      else {
        const key = `${e.request.method} ${e.request.url}`;
        recorded.set(key, [...(recorded.get(key) ?? []), e.request.time]);
      }
    }
    const added: { r: CapturedRequest; filed: Filed }[] = [];
    const replaced = new Set<number>();
    for (const r of [...requests].sort((a, b) => a.time - b.time)) {
      if (r.tabId !== tabId || filed.has(r.id)) continue;
      const key = `${r.method} ${r.url}`;
      const times = recorded.get(key);
      const twin = times?.findIndex((t) => Math.abs(t - r.time) <= CLOCK_MATCH_MS) ?? -1;
      if (times && twin >= 0) {
        times.splice(twin, 1);
        continue;
      }
      filed.add(r.id);
      const filedAs = this.#storedOf(r);
      added.push({ r, filed: filedAs });
      // Blocked: failed, or (where the engine decides) judged so.
      if (r.state !== 'failed' && !filedAs.blocked) continue;
      // The error listener names the URL the request failed at: after a redirect, its last one.
      for (const at of new Set([key, `${r.currentMethod} ${r.currentUrl}`])) {
        const failures = counted.get(at);
        const failure = failures?.findIndex((f) => f.time >= r.time - CLOCK_MATCH_MS) ?? -1;
        if (!failures || failure < 0) continue;
        replaced.add((failures.splice(failure, 1)[0] as { seq: number }).seq);
        break;
      }
    }
    if (added.length === 0) return 0;
    if (replaced.size === 0) {
      for (const a of added) this.#file(a.r, a.filed);
    } else {
      // The counted failures give way to the requests, in time order: the log is written anew.
      const kept = entries.filter((x) => !replaced.has(x.seq)).map((x) => x.entry);
      const all = [...kept, ...added.map((a) => a.filed.stored)].sort((a, b) => timeOf(a) - timeOf(b));
      this.#drop(tabId);
      this.#store.replaceTab(tabId, all);
    }
    this.#onChange(tabId);
    return added.length;
  }

  /** A cross-origin request that failed in a tab that does not record: counted, without headers. */
  notRecorded(e: ErrorOccurredEvent): void {
    this.#store.append(e.tabId, { kind: 'not-recorded', event: e });
    this.#onChange(e.tabId);
  }

  /** A new page: the requests it already finished stay, the older ones go (unless the log is preserved). */
  startPage(tabId: number, time: number): void {
    const keep = this.#store.entries(tabId).filter((e) => timeOf(e) >= time);
    this.#drop(tabId);
    this.#store.clearTab(tabId);
    for (const e of keep) this.#store.append(tabId, e);
    this.#onChange(tabId);
  }

  /** Empties a tab's log (the user's Clear, or a new page in a tab that does not record). */
  clear(tabId: number): void {
    this.#drop(tabId);
    this.#store.clearTab(tabId);
    this.#onChange(tabId);
  }

  /** Frees a closed tab's log. */
  forget(tabId: number): void {
    this.#drop(tabId);
    this.#store.forgetTab(tabId);
  }

  /** Requests the tab's log counts as blocked (the badge). */
  blocked(tabId: number): number {
    return this.#store.meta(tabId).blocked;
  }

  /**
   * The `cors:report` reply: finished entries (all, what is new since the reader's cursor, or the
   * newest `limit`), then the requests still in flight, oldest first.
   */
  report(tabId: number, query: ReportQuery, inFlight: readonly CapturedRequest[]): ReportReply {
    const meta = this.#store.meta(tabId);
    const generation = meta.generation ?? 0;
    const { since, limit } = query;
    const incremental = since !== undefined && query.generation === generation && since >= meta.tail;
    let from = incremental ? since : meta.tail;
    // A first paint needs only the newest rows; the rest follows in a second read.
    const partial = limit !== undefined && limit >= 0 && meta.head - from > limit;
    if (partial) from = meta.head - limit;
    const judged = this.#tab(tabId);
    // Entries the ring evicted leave the cache with them (sequence numbers come in order).
    for (const seq of judged.keys()) {
      if (seq >= meta.tail) break;
      judged.delete(seq);
    }
    const entries: ReportEntry[] = [];
    for (const { seq, entry: stored } of this.#store.entriesSince(tabId, from)) {
      let entry = judged.get(seq);
      if (!entry) {
        entry = { ...this.#entryOf(stored), seq };
        judged.set(seq, entry);
      }
      entries.push(entry);
    }
    const filed = this.#idsOf(tabId);
    for (const r of inFlight) {
      // A request both filed and still pending (a worker stopped between the two writes) is listed once.
      if (r.tabId !== tabId || filed.has(r.id)) continue;
      let entry = this.#inFlight.get(r.id);
      if (!entry) {
        entry = entryOf(r, judge(r, this.#outcome));
        this.#inFlight.set(r.id, entry);
      }
      entries.push(entry);
    }
    entries.sort((a, b) => a.time - b.time);
    return {
      version: 1,
      tabId,
      entries,
      dropped: meta.dropped,
      cursor: meta.head,
      tail: meta.tail,
      generation,
      incremental,
      ...(partial ? { partial } : {}),
      // On a whole read only: a reader that keeps a copy (the panel) reads incrementally, many times
      // a second under load, and derives the servers and problems from its copy.
      ...(incremental ? {} : { servers: serversOf(entries), problems: problemsOf(entries) }),
    };
  }

  #entryOf(stored: StoredEntry): ReportEntry {
    return stored.kind === 'captured'
      ? entryOf(stored.request, judge(stored.request, this.#outcome))
      : notRecordedEntry(stored.event);
  }

  #tab(tabId: number): Map<number, ReportEntry> {
    let judged = this.#judged.get(tabId);
    if (!judged) {
      judged = new Map();
      this.#judged.set(tabId, judged);
    }
    return judged;
  }

  #drop(tabId: number): void {
    this.#judged.delete(tabId);
    this.#filedIds.delete(tabId);
    for (const [id, entry] of this.#inFlight) if (entry.tabId === tabId) this.#inFlight.delete(id);
  }
}

function timeOf(e: StoredEntry): number {
  return e.kind === 'captured' ? e.request.time : e.event.timeStamp;
}
