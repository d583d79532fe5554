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

/** Amendments each tab remembers, for readers that hold a copy; one further back reads the log whole. */
const AMENDS_KEPT = 1000;

/** The worker's own record of requests in a tab, for knowing DevTools' copy of one of them. */
interface OwnCapture {
  /** `method URL` → start times of requests webRequest capture filed. */
  readonly recorded: Map<string, number[]>;
  /** `method URL` → failures the error listener only counted: their place in the log and when. */
  readonly counted: Map<string, { seq: number; time: number }[]>;
  /** DevTools' ids of requests skipped as twins of the worker's own: a later copy is skipped too. */
  readonly twins: Set<string>;
  /**
   * `method URL` → start times of failed requests DevTools sent before the error listener counted
   * them (its copy can come first): the failure counted after is theirs, not another entry.
   */
  readonly heard: Map<string, number[]>;
}

export class TabLogs {
  readonly #store: CaptureStore;
  readonly #outcome: OutcomeSource;
  readonly #onChange: (tabId: number) => void;
  /** Finished entries by tab, then by sequence number: each judged once (until amended). */
  readonly #judged = new Map<number, Map<number, ReportEntry>>();
  /** Requests in flight, judged when read, until the pairer reports a change: requestId → entry. */
  readonly #inFlight = new Map<string, ReportEntry>();
  /** Each tab's filed requests: id → sequence number (built from the store when first needed). */
  readonly #filedIds = new Map<number, Map<string, number>>();
  /** Each tab's amendments, latest last: the amendment's number and the entry's sequence number. */
  readonly #amends = new Map<number, { n: number; seq: number }[]>();
  /** Each tab's own capture, indexed for DevTools' copy (built when first needed). */
  readonly #own = new Map<number, OwnCapture>();
  /** When each tab's log last started (a new page, a Clear): DevTools' requests from before are the last page's. */
  readonly #since = new Map<number, number>();

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
   * now for the blocked count, and is kept for that read. A request DevTools' log completes later
   * (a preflight that finished after it) comes again with its id, and takes its own place.
   */
  finished(r: CapturedRequest): void {
    this.#inFlight.delete(r.id);
    // Filed once: an end event Chrome delivers again to a restarted worker would file it twice.
    const ids = this.#idsOf(r.tabId);
    const seq = ids.get(r.id);
    if (seq !== undefined) {
      if (r.source === 'devtools' && this.#amend(r.tabId, seq, r)) this.#onChange(r.tabId);
      return;
    }
    ids.set(r.id, this.#file(r));
    const own = r.source === 'devtools' ? undefined : this.#ownOf(r.tabId);
    if (own) push(own.recorded, `${r.method} ${r.url}`, r.time);
    this.#onChange(r.tabId);
  }

  #idsOf(tabId: number): Map<string, number> {
    let ids = this.#filedIds.get(tabId);
    const tail = this.#store.meta(tabId).tail;
    if (!ids) {
      ids = new Map();
      for (const { seq, entry } of this.#store.entriesSince(tabId, 0))
        if (entry.kind === 'captured') ids.set(entry.request.id, seq);
      this.#filedIds.set(tabId, ids);
    } else if (ids.size > 2 * this.#store.ringSize) {
      // Requests the ring let go are forgotten with them (all of them: an amended one moved).
      for (const [id, seq] of ids) if (seq < tail) ids.delete(id);
    }
    return ids;
  }

  /** The worker's own capture of a tab, indexed; built on first use, kept up to date after. */
  #ownOf(tabId: number, build = false): OwnCapture | undefined {
    let own = this.#own.get(tabId);
    // Kept up to date as entries come, never pruned as the ring lets them go: rebuilt when it outgrows the ring.
    if (
      own &&
      own.recorded.size + own.counted.size + own.twins.size + own.heard.size > 2 * this.#store.ringSize + 100
    ) {
      this.#own.delete(tabId);
      own = undefined;
    }
    if (own || !build) return own;
    own = { recorded: new Map(), counted: new Map(), twins: new Set(), heard: new Map() };
    for (const { seq, entry: e } of this.#store.entriesSince(tabId, 0)) {
      if (e.kind === 'not-recorded')
        push(own.counted, `${e.event.method} ${e.event.url}`, { seq, time: e.event.timeStamp });
      else if (e.request.source !== 'devtools')
        push(own.recorded, `${e.request.method} ${e.request.url}`, e.request.time);
    }
    this.#own.set(tabId, own);
    return own;
  }

  #file(r: CapturedRequest, filed = this.#storedOf(r)): number {
    const seq = this.#store.append(r.tabId, filed.stored);
    if (filed.entry) this.#tab(r.tabId).set(seq, { ...filed.entry, seq });
    return seq;
  }

  /**
   * Puts `r` in the place of the entry at `seq`, when it says more of the request than what is
   * there (the log sends its whole copy again on each connection: the same word twice is no news).
   */
  #amend(tabId: number, seq: number, r: CapturedRequest): boolean {
    const old = this.#store.at(tabId, seq);
    if (old?.kind === 'captured' && completeness(r) <= completeness(old.request)) return false;
    return this.#replace(tabId, seq, r);
  }

  #replace(tabId: number, seq: number, r: CapturedRequest, filed = this.#storedOf(r)): boolean {
    const n = this.#store.replace(tabId, seq, filed.stored);
    if (n === null) return false;
    const judged = this.#tab(tabId);
    if (filed.entry) judged.set(seq, { ...filed.entry, seq });
    else judged.delete(seq);
    this.#idsOf(tabId).set(r.id, seq);
    const amends = this.#amends.get(tabId) ?? [];
    amends.push({ n, seq });
    if (amends.length > AMENDS_KEPT) amends.shift();
    this.#amends.set(tabId, amends);
    return true;
  }

  /** What the store keeps of a finished request, and its entry when the blocked count needed the engine. */
  #storedOf(r: CapturedRequest): Filed {
    const entry = this.#outcome === 'engine' ? entryOf(r, judge(r, 'engine')) : null;
    const blocked = entry ? entry.blocked : isCorsBlock(r);
    return { stored: { kind: 'captured', request: r, blocked }, entry, blocked };
  }

  /**
   * Requests DevTools' network log finished for a tab (see DevToolsRequests), kept by their id:
   * one filed before is skipped (the log is sent again whole on every new connection), or takes
   * its own place when it says more (a late preflight). One the worker's own webRequest capture
   * filed before DevTools served the tab is skipped too: same method and URL, started within
   * CLOCK_MATCH_MS. A failure the worker only counted (its error listener saw it fail: same
   * method and URL, failing after the request started) gives its place to the request, headers
   * and all. Returns how many entries were added or changed.
   */
  fromDevTools(tabId: number, requests: readonly CapturedRequest[]): number {
    const ids = this.#idsOf(tabId);
    const since = this.#since.get(tabId) ?? Number.NEGATIVE_INFINITY;
    let changed = 0;
    for (const r of [...requests].sort((a, b) => a.time - b.time)) {
      if (r.tabId !== tabId || r.time < since) continue;
      const seq = ids.get(r.id);
      if (seq !== undefined) {
        if (this.#amend(tabId, seq, r)) changed++;
        continue;
      }
      const own = this.#ownOf(tabId, true) as OwnCapture;
      if (own.twins.has(r.id)) continue;
      const key = `${r.method} ${r.url}`;
      const times = own.recorded.get(key);
      const twin = times?.findIndex((t) => Math.abs(t - r.time) <= CLOCK_MATCH_MS) ?? -1;
      if (times && twin >= 0) {
        times.splice(twin, 1);
        own.twins.add(r.id);
        continue;
      }
      changed++;
      // Judged once: what the store keeps, and whether it failed (for the counts of failures).
      const filed = this.#storedOf(r);
      const failed = r.state === 'failed' || (this.#outcome === 'engine' && filed.blocked);
      if (failed && this.#giveWay(tabId, r, own, filed)) continue;
      ids.set(r.id, this.#file(r, filed));
      if (failed) push(own.heard, `${r.currentMethod} ${r.currentUrl}`, r.time);
    }
    if (changed > 0) this.#onChange(tabId);
    return changed;
  }

  /** A blocked request from DevTools takes the place of the failure the error listener counted for it. */
  #giveWay(tabId: number, r: CapturedRequest, own: OwnCapture, filed: Filed): boolean {
    // The error listener names the URL the request failed at: after a redirect, its last one.
    for (const at of new Set([`${r.method} ${r.url}`, `${r.currentMethod} ${r.currentUrl}`])) {
      const failures = own.counted.get(at);
      const failure = failures?.findIndex((f) => f.time >= r.time - CLOCK_MATCH_MS) ?? -1;
      if (!failures || failure < 0) continue;
      const { seq } = failures.splice(failure, 1)[0] as { seq: number };
      if (this.#replace(tabId, seq, r, filed)) return true;
    }
    return false;
  }

  /**
   * A cross-origin request that failed in a tab that does not record: counted, without headers —
   * unless DevTools already sent that failure (its copy came first), which then stands for it.
   */
  notRecorded(e: ErrorOccurredEvent): void {
    const heard = this.#own.get(e.tabId)?.heard.get(`${e.method} ${e.url}`);
    const first = heard?.findIndex((time) => time <= e.timeStamp + CLOCK_MATCH_MS) ?? -1;
    if (heard && first >= 0) {
      heard.splice(first, 1);
      return;
    }
    const seq = this.#store.append(e.tabId, { kind: 'not-recorded', event: e });
    const own = this.#ownOf(e.tabId);
    if (own) push(own.counted, `${e.method} ${e.url}`, { seq, time: e.timeStamp });
    this.#onChange(e.tabId);
  }

  /** A new page: the requests it already finished stay, the older ones go (unless the log is preserved). */
  startPage(tabId: number, time: number): void {
    this.#since.set(tabId, time);
    const keep = this.#store.entries(tabId).filter((e) => timeOf(e) >= time);
    this.#drop(tabId);
    this.#store.clearTab(tabId);
    for (const e of keep) this.#store.append(tabId, e);
    this.#onChange(tabId);
  }

  /** Empties a tab's log (the user's Clear, or a new page in a tab that does not record). */
  clear(tabId: number, since?: number): void {
    if (since !== undefined) this.#since.set(tabId, since);
    this.#drop(tabId);
    this.#store.clearTab(tabId);
    this.#onChange(tabId);
  }

  /**
   * A new page started at `since` in a tab that does not record through webRequest (DevTools
   * serves it, or nothing does): its log starts again, and a request of the last page that
   * DevTools sends later (in flight across the navigation, or sent again on a reconnection) is not
   * filed into it.
   */
  newPage(tabId: number, since: number): void {
    this.#since.set(tabId, since);
    const meta = this.#store.meta(tabId);
    if (meta.head > meta.tail) this.clear(tabId);
  }

  /** Frees a closed tab's log. */
  forget(tabId: number): void {
    this.#since.delete(tabId);
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
    // From another context: anything but a count is read as not given.
    const since = count(query.since);
    const limit = count(query.limit);
    // A reader that never heard of amendments knows of none.
    const amended = this.#amendedSince(tabId, count(query.amends) ?? 0);
    const incremental =
      since !== undefined && count(query.generation) === generation && since >= meta.tail && amended !== null;
    let from = incremental ? since : meta.tail;
    // A first paint needs only the newest rows; the rest follows in a second read.
    const partial = limit !== undefined && meta.head - from > limit;
    if (partial) from = meta.head - limit;
    const judged = this.#tab(tabId);
    // Entries the ring evicted leave the cache with them (in order, but an amended one may have moved).
    const scanAll = judged.size > meta.head - meta.tail + 64;
    for (const seq of judged.keys()) {
      if (seq >= meta.tail && !scanAll) break;
      if (seq < meta.tail) judged.delete(seq);
    }
    const entries: ReportEntry[] = [];
    const read = (seq: number, stored: StoredEntry) => {
      let entry = judged.get(seq);
      if (!entry) {
        entry = { ...this.#entryOf(stored), seq };
        judged.set(seq, entry);
      }
      entries.push(entry);
    };
    // Entries the reader holds that changed since its last read come again, in their place.
    if (incremental && amended) {
      for (const seq of amended) {
        const stored = seq >= meta.tail && seq < from ? this.#store.at(tabId, seq) : undefined;
        if (stored) read(seq, stored);
      }
    }
    for (const { seq, entry: stored } of this.#store.entriesSince(tabId, from)) read(seq, stored);
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
      amends: meta.amends ?? 0,
      incremental,
      ...(partial ? { partial } : {}),
      // On a whole read only: a reader that keeps a copy (the panel) reads incrementally, many times
      // a second under load, and derives the servers and problems from its copy.
      ...(incremental ? {} : { servers: serversOf(entries), problems: problemsOf(entries) }),
    };
  }

  /**
   * The entries amended after the reader's amendment count `since`: their sequence numbers, or
   * null when this log no longer remembers that far back (then the reader reads the log whole).
   */
  #amendedSince(tabId: number, since: number): Set<number> | null {
    const now = this.#store.meta(tabId).amends ?? 0;
    if (since === now) return new Set();
    if (since > now) return null;
    const list = this.#amends.get(tabId) ?? [];
    if ((list[0]?.n ?? now + 1) > since + 1) return null;
    return new Set(list.filter((a) => a.n > since).map((a) => a.seq));
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
    this.#amends.delete(tabId);
    this.#own.delete(tabId);
    for (const [id, entry] of this.#inFlight) if (entry.tabId === tabId) this.#inFlight.delete(id);
  }
}

function timeOf(e: StoredEntry): number {
  return e.kind === 'captured' ? e.request.time : e.event.timeStamp;
}

/** A count sent by a reader, or undefined when it is not one. */
function count(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * How much of a request is known: its preflights, answers, headers and how it ended (an
 * amendment only adds: a late preflight; Firefox's own entry in place of the one its preflight
 * stood for, which says how the request failed).
 */
function completeness(r: CapturedRequest): number {
  return (
    r.preflights.filter((p) => p != null).length +
    r.responses.length +
    (r.requestHeaders ? 1 : 0) +
    (r.error ? 1 : 0) +
    (r.pageSaw ? 1 : 0)
  );
}
