/**
 * DevTools capture: the inspected tab's requests from DevTools' own network log, each built into
 * a report entry as DevTools finishes it (src/har/devtools-log.ts) and judged by the same engine
 * as every other source, kept in memory for the panel of this DevTools window (which reads it
 * directly), and sent on to the worker, by DevTools' own id, for the popup, exports and
 * `cors:report`.
 *
 * DevTools' log is read only while someone looks: while the CORS panel is shown, while the worker
 * asks (the popup, a report; it keeps listening a few seconds after each ask), and while the log is
 * preserved across pages. Then it reads what DevTools recorded that it has not seen (each request
 * has DevTools' own id), and follows each request as it finishes. Listening costs the browser
 * about 1 ms per request of the tab; not listening costs nothing, and loses nothing: DevTools
 * keeps the log until the page changes. The badge meanwhile counts blocked requests from the
 * worker's always-on error listener. Firefox's log cannot be read later (see
 * NETWORK_LOG_READABLE_LATER): there it is followed from the moment DevTools opens.
 */

import { PageWords, readPageWords } from '../../src/capture/page-word.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { preflightCacheOf } from '../../src/cors/preflight-cache.ts';
import { DevToolsLog } from '../../src/har/devtools-log.ts';
import { harEntrySettled, readHarEntry } from '../../src/har/read.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { problemsOf } from '../../src/report/problems.ts';
import { serversOf } from '../../src/report/servers.ts';
import { CaptureStore } from '../log/store.ts';
import { TabLogs } from '../log/tab-log.ts';
import { BROWSER, CAPTURE_OUTCOME } from '../platform/browser.ts';
import {
  NETWORK_LOG_READABLE_LATER,
  networkLog,
  networkRequestId,
  onNavigated,
  onNetworkRequest,
  openSource,
  reloadInspected,
} from '../platform/devtools.ts';
import { drainPageCalls, PAGE_OBSERVER } from '../platform/page-observer.ts';
import { keepConnected, type Port } from '../platform/runtime.ts';
import type {
  DevToolsRequests,
  DevToolsSync,
  ReportQuery,
  ReportReply,
  SettingsChanged,
  StatusReply,
} from '../shared/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { send } from '../ui/client.ts';
import type { ConnectionState, LogSource } from '../ui/source.ts';

/** Firefox: the page observer is read this long after DevTools finishes a request (its call settles about then). */
const HEAR_AFTER_MS = 200;
/** …then again this often while requests still wait for its word, HEAR_TRIES reads in all. */
const HEAR_AGAIN_MS = 1000;
const HEAR_TRIES = 4;
/** A request the page's word never came for (not made by fetch or XHR, or before the observer) stops waiting. */
const WORD_WAIT_MS = 10_000;
const MAX_AWAITING_WORD = 500;

/** The worker hears of new requests at most this often (popup, `cors:report`). */
export const SEND_INTERVAL_MS = 250;

/** After the worker asks, DevTools' log is followed this long (a popup asks every second). */
export const WORKER_WATCH_MS = 5000;

type PageSaw = NonNullable<CapturedRequest['pageSaw']>;

/** Why DevTools' log is followed now. */
type Watcher = 'panel' | 'worker' | 'preserve-log';

export class DevToolsCapture implements LogSource {
  readonly tabId: number;
  readonly #log: DevToolsLog;
  /** In memory only: the devtools page lives as long as its DevTools window. */
  readonly #store = new CaptureStore(null);
  readonly #logs: TabLogs;
  readonly #listeners = new Set<() => void>();
  #settings: Settings = DEFAULT_SETTINGS;
  #port: Port | null = null;
  /** Finished requests not yet sent to the worker. */
  #outbox: CapturedRequest[] = [];
  #sendTimer: ReturnType<typeof setTimeout> | undefined;
  #lastSend = 0;
  /** The page was loaded before DevTools recorded it: its first requests are not in the log. */
  #pageBeforeCapture = false;
  /** DevTools' ids of the requests read (or being read) from its log; where it gives none, a key of the entry. */
  readonly #seen = new Set<number | string>();
  /** Who follows the log, and until when (ms since the epoch; Infinity: until they say). */
  readonly #watchers = new Map<Watcher, number>();
  #watchTimer: ReturnType<typeof setTimeout> | undefined;
  /** Stops following the log; null while nobody follows it. */
  #stopListening: (() => void) | null = null;
  /** Whether the first read of the log said if it holds the page's start (see #pageBeforeCapture). */
  #knowsPageStart = false;
  /** The log cannot be read whole later (Firefox): follow it always. */
  readonly #always = !NETWORK_LOG_READABLE_LATER;
  /** The worker's count of this page's failures from before DevTools recorded it (see #readEarlier). */
  #earlier: ReportEntry[] = [];
  /** Whether DevTools' log has been read (the worker's counts are worth asking for from then on). */
  #logRead = false;
  /** How many times #readEarlier asked the worker for this page (until it found some, EARLIER_TRIES at most). */
  #earlierAsked = 0;
  /** The latest read of DevTools' log, done when what it held is in the log here. */
  #caughtUp: Promise<void> = Promise.resolve();
  /** Firefox: what the page observer heard, not matched to a request yet. */
  readonly #pageWords = new PageWords();
  /** Firefox: the page's word on each request it was matched to, by id (later copies carry it). */
  readonly #pageSaw = new Map<string, PageSaw>();
  /** Firefox: requests filed without the page's word yet, by id, with when they were filed. */
  readonly #awaitingWord = new Map<string, { request: CapturedRequest; since: number }>();
  #hearTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(tabId: number) {
    this.tabId = tabId;
    // Ids unique across DevTools windows and restarts, so the worker can tell a resend from a new one.
    this.#log = new DevToolsLog(tabId, `devtools-${Date.now().toString(36)}`, preflightCacheOf(BROWSER));
    this.#logs = new TabLogs(this.#store, CAPTURE_OUTCOME, () => {
      for (const listener of this.#listeners) listener();
    });
    onNavigated(() => this.#navigated());
    this.#connect();
    this.#follow();
  }

  /** The CORS panel of this DevTools window is shown, or hidden. */
  panelShown(shown: boolean): void {
    this.#watch('panel', shown ? Number.POSITIVE_INFINITY : 0);
    // Failures of this page DevTools' log missed, if the worker has counted some since the last look.
    if (shown && this.#logRead) void this.#readEarlier();
  }

  report(query: ReportQuery): Promise<ReportReply> {
    const reply = this.#logs.report(this.tabId, query, this.#log.inFlight());
    if (this.#earlier.length === 0) return Promise.resolve(reply);
    // Failures from before DevTools recorded the page: listed with the rest, on every read.
    const entries = [...this.#earlier, ...reply.entries].sort((a, b) => a.time - b.time);
    return Promise.resolve({
      ...reply,
      entries,
      ...(reply.problems ? { problems: problemsOf(entries), servers: serversOf(entries) } : {}),
    });
  }

  /**
   * The page's failures DevTools' log does not hold — made before DevTools attached (it can attach
   * while the page loads: the document in its log, a fetch started earlier not) — which the
   * worker's error listener counted (method, URL, that CORS blocked them). The worker's report,
   * asked after it has DevTools' copies, holds the counts no copy replaced. Read as DevTools' log
   * starts being followed and when the panel is shown, until some are found, EARLIER_TRIES times
   * a page at most (the worker may not have counted a failure yet).
   */
  async #readEarlier(): Promise<void> {
    if (this.#earlier.length > 0 || this.#earlierAsked >= EARLIER_TRIES) return;
    this.#earlierAsked++;
    try {
      const reply = await send({ type: 'cors:report', tabId: this.tabId });
      // Listed beside this log's own entries, which have sequence numbers of their own (the
      // worker's would collide with them).
      this.#earlier = reply.entries
        .filter((e) => e.state === 'not-recorded')
        .map(({ seq: _worker, ...e }) => e);
      if (this.#earlier.length === 0) return;
      // Requests of this page are missing from DevTools' log: the notice says so.
      this.#pageBeforeCapture = true;
      for (const listener of this.#listeners) listener();
    } catch {
      // The worker is away: the banner still says the page's first requests are missing.
    }
  }

  status(): Promise<StatusReply> {
    const meta = this.#store.meta(this.tabId);
    return Promise.resolve({
      tabId: this.tabId,
      capture: 'devtools',
      recording: false,
      reasons: [],
      armed: false,
      entries: meta.head - meta.tail,
      blocked: meta.blocked,
      dropped: meta.dropped,
      notices: [...this.#store.notices],
      pageBeforeCapture: this.#pageBeforeCapture,
    });
  }

  async clear(): Promise<void> {
    // What waited (a preflight, a redirect's next hop, the page's word) and the early failures go with the log.
    this.#log.reset();
    this.#earlier = [];
    this.#forgetPageWords();
    this.#logs.clear(this.tabId);
    await send({ type: 'cors:clear', tabId: this.tabId });
  }

  subscribe(onChange: () => void, onState: (state: ConnectionState) => void): () => void {
    this.#listeners.add(onChange);
    onState('connected');
    void this.#caughtUp.then(onChange);
    return () => this.#listeners.delete(onChange);
  }

  readonly reload = (): void => reloadInspected();

  readonly openSource = (url: string, line: number, column: number): void => {
    openSource(url, line, column);
  };

  /** `watcher` follows the log until `until` (0: no longer). */
  #watch(watcher: Watcher, until: number): void {
    if (until > Date.now()) this.#watchers.set(watcher, until);
    else this.#watchers.delete(watcher);
    this.#follow();
  }

  /** Listens to DevTools' log while anyone follows it, and reads what it missed when it starts. */
  #follow(): void {
    const now = Date.now();
    for (const [watcher, until] of this.#watchers) if (until <= now) this.#watchers.delete(watcher);
    const wanted = this.#always || this.#watchers.size > 0;
    if (wanted && !this.#stopListening) this.#caughtUp = this.#catchUp();
    if (!wanted && this.#stopListening) {
      this.#stopListening();
      this.#stopListening = null;
    }
    if (this.#watchTimer !== undefined) clearTimeout(this.#watchTimer);
    this.#watchTimer = undefined;
    const next = Math.min(...this.#watchers.values());
    if (Number.isFinite(next)) this.#watchTimer = setTimeout(() => this.#follow(), next - now);
  }

  /**
   * Starts listening, then reads DevTools' log for what finished before: a request that finishes
   * meanwhile waits in `early`, and DevTools' ids keep any request from being read twice.
   */
  async #catchUp(): Promise<void> {
    const early: unknown[] = [];
    let reading = true;
    this.#stopListening = onNetworkRequest((entry) => (reading ? early.push(entry) : this.#read(entry)));
    try {
      const log = await readLogRetrying();
      if (log === null) {
        // Requests finishing from now on are still followed; only the history is missing.
        this.#store.notice(
          `DevTools' network log could not be read (${READ_ATTEMPTS} tries): requests this page made earlier are missing here. Reload to capture them.`,
        );
        return;
      }
      if (!this.#knowsPageStart) {
        // DevTools opened after the page loaded when its log lacks the page's own request.
        this.#knowsPageStart = true;
        this.#pageBeforeCapture = !log.some(
          (e) => (e as { _resourceType?: unknown })?._resourceType === 'document',
        );
      }
      for (const entry of finishOrder(log)) this.#read(entry);
      this.#logRead = true;
      void this.#readEarlier();
    } finally {
      reading = false;
      for (const entry of early.splice(0)) this.#read(entry);
    }
  }

  /** One entry of DevTools' log, unless it was read before. */
  #read(entry: unknown): void {
    const devtoolsId = networkRequestId(entry);
    const id = devtoolsId ?? entryKey(entry);
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    // Bounded: ids older than a few rings' worth are forgotten (their requests left the log long ago).
    if (this.#seen.size > Math.max(SEEN_MIN, this.#settings.ringSize * 4)) {
      this.#seen.delete(this.#seen.values().next().value as number | string);
    }
    this.#finish(this.#log.add(entry, devtoolsId));
  }

  /** Requests DevTools finished, or completed later (a late preflight: the same id, filed in its place). */
  #finish(finished: readonly CapturedRequest[]): void {
    if (finished.length === 0) return;
    const requests = PAGE_OBSERVER ? finished.map((r) => this.#withPageWord(r)) : finished;
    for (const r of requests) this.#logs.finished(r);
    this.#outbox.push(...requests);
    this.#scheduleSend();
    if (PAGE_OBSERVER && this.#awaitingWord.size > 0) this.#hearPage(HEAR_AFTER_MS);
  }

  #forgetPageWords(): void {
    clearTimeout(this.#hearTimer);
    this.#hearTimer = undefined;
    this.#pageWords.clear();
    this.#awaitingWord.clear();
    this.#pageSaw.clear();
  }

  /** The page's word on `r`, once heard; kept by id, so later copies of the request carry it too. */
  #wordOn(r: CapturedRequest): PageSaw | null {
    const known = this.#pageSaw.get(r.id);
    if (known) return known;
    const word = this.#pageWords.take(r);
    if (!word) return null;
    const saw = { credentials: word.credentials, failed: word.failed };
    this.#pageSaw.set(r.id, saw);
    while (this.#pageSaw.size > MAX_AWAITING_WORD * 4)
      this.#pageSaw.delete(this.#pageSaw.keys().next().value as string);
    return saw;
  }

  /**
   * The request with the page's own word on it, when the page observer has told it (Firefox): a
   * copy, so the logs see an amended request. Without it yet, the request waits for it (its
   * latest copy kept, since when it waits unchanged).
   */
  #withPageWord(r: CapturedRequest): CapturedRequest {
    if (r.pageSaw) return r;
    const saw = this.#wordOn(r);
    if (saw) {
      this.#awaitingWord.delete(r.id);
      return { ...r, pageSaw: saw };
    }
    const waiting = this.#awaitingWord.get(r.id);
    if (waiting) waiting.request = r;
    else {
      this.#awaitingWord.set(r.id, { request: r, since: Date.now() });
      while (this.#awaitingWord.size > MAX_AWAITING_WORD)
        this.#awaitingWord.delete(this.#awaitingWord.keys().next().value as string);
    }
    return r;
  }

  /**
   * Reads what the page observer heard (after `delay` ms) and files again, with the page's word,
   * each request that was waiting for it; asks again while some still wait, up to HEAR_TRIES. A
   * request waits WORD_WAIT_MS at most (made before the observer was there, or not by fetch or XHR).
   */
  #hearPage(delay: number, tries = HEAR_TRIES): void {
    if (this.#hearTimer !== undefined) return;
    this.#hearTimer = setTimeout(async () => {
      const calls = await drainPageCalls();
      this.#hearTimer = undefined;
      this.#pageWords.add(readPageWords(calls));
      const now = Date.now();
      const heard: CapturedRequest[] = [];
      for (const [id, waiting] of [...this.#awaitingWord]) {
        const saw = now - waiting.since > WORD_WAIT_MS ? null : this.#wordOn(waiting.request);
        if (saw) heard.push({ ...waiting.request, pageSaw: saw });
        if (saw || now - waiting.since > WORD_WAIT_MS) this.#awaitingWord.delete(id);
      }
      if (heard.length > 0) this.#finish(heard);
      else if (this.#awaitingWord.size > 0 && tries > 1) this.#hearPage(HEAR_AGAIN_MS, tries - 1);
    }, delay);
  }

  #navigated(): void {
    this.#knowsPageStart = true;
    this.#pageBeforeCapture = false;
    this.#earlier = [];
    this.#earlierAsked = 0;
    this.#log.reset();
    // The new page has its own observer; what the last one heard is no longer matched.
    this.#forgetPageWords();
    if (this.#settings.preserveLog) return;
    // A new page: its own log, and nothing kept about the last one's requests.
    this.#seen.clear();
    this.#logs.startPage(this.tabId, Date.now());
  }

  /** The worker's copy: the whole log on every (re)connection, then each batch as it comes. */
  #connect(): void {
    keepConnected(`devtools:${this.tabId}`, {
      onOpen: (port) => {
        this.#port = port;
        const all = this.#store
          .entries(this.tabId)
          .flatMap((e) => (e.kind === 'captured' ? [e.request] : []));
        this.#post(all);
        this.#outbox = [];
      },
      onMessage: (message) => {
        const m = message as SettingsChanged | DevToolsSync | null;
        if (m?.type === 'cors:devtools-sync') void this.#sync(m.id);
        if (m?.type !== 'cors:settings-changed') return;
        this.#settings = m.settings;
        this.#store.ringSize = m.settings.ringSize;
        this.#watch('preserve-log', m.settings.preserveLog ? Number.POSITIVE_INFINITY : 0);
      },
      onState: (state) => {
        if (state === 'reconnecting') this.#port = null;
      },
    });
  }

  /**
   * A lone request goes to the worker at once; a burst goes together, at most one message per
   * SEND_INTERVAL_MS. Each message costs more than the requests in it (measured: 1.4 ms of the
   * devtools page's time per message of one request, in Chromium 156), so under load the worker's
   * copy trails by up to that interval instead of slowing the browser.
   */
  #scheduleSend(): void {
    if (this.#sendTimer !== undefined) return;
    const wait = Math.max(0, this.#lastSend + SEND_INTERVAL_MS - Date.now());
    this.#sendTimer = setTimeout(() => {
      this.#sendTimer = undefined;
      if (!this.#port || this.#outbox.length === 0) return;
      this.#lastSend = Date.now();
      this.#post(this.#outbox);
      this.#outbox = [];
    }, wait);
  }

  /** The worker asks: everything DevTools finished so far goes to it now, marked as the answer. */
  async #sync(id: number): Promise<void> {
    this.#watch('worker', Date.now() + WORKER_WATCH_MS);
    await this.#caughtUp;
    if (this.#sendTimer !== undefined) clearTimeout(this.#sendTimer);
    this.#sendTimer = undefined;
    this.#lastSend = Date.now();
    this.#post(this.#outbox, id);
    this.#outbox = [];
  }

  #post(requests: readonly CapturedRequest[], synced?: number): void {
    const message: DevToolsRequests = {
      type: 'cors:devtools-requests',
      tabId: this.tabId,
      requests,
      ...(synced === undefined ? {} : { synced }),
    };
    try {
      this.#port?.postMessage(message);
    } catch {
      // The worker went away mid-send: the next connection sends the whole log again.
    }
  }
}

/** Reads of the worker's early failures per page, at most (see #readEarlier). */
const EARLIER_TRIES = 5;

/** `#seen` keeps at least this many ids, else four rings' worth. */
const SEEN_MIN = 10_000;

/** Tries to read DevTools' log this many times, waiting longer each time, before saying it cannot. */
const READ_ATTEMPTS = 4;

/** DevTools' log, or null when it could not be read after READ_ATTEMPTS tries (0.25, 0.5, 1 s apart). */
async function readLogRetrying(): Promise<readonly unknown[] | null> {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    try {
      return await networkLog();
    } catch {
      if (attempt < READ_ATTEMPTS - 1) await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
  return null;
}

/** What tells one request of the log from another where the browser gives no id: method, URL and times. */
function entryKey(entry: unknown): string {
  const e = entry as {
    request?: { method?: unknown; url?: unknown };
    startedDateTime?: unknown;
    time?: unknown;
  };
  return `${String(e?.request?.method)} ${String(e?.request?.url)} ${String(e?.startedDateTime)} ${String(e?.time)}`;
}

/**
 * The entries of DevTools' log that are over, in the order they finished — the order
 * onRequestFinished gives them, which the stream expects (a redirect's hop before the next; DevTools'
 * log lists requests by when they were made, and a redirect's next hop before the hop it ends).
 */
function finishOrder(log: readonly unknown[]): unknown[] {
  const ended = log.flatMap((entry, i) => {
    if (!harEntrySettled(entry)) return [];
    const record = readHarEntry(entry, i);
    return [{ entry, end: typeof record === 'string' ? Number.NEGATIVE_INFINITY : record.end, i }];
  });
  ended.sort((a, b) => a.end - b.end || a.i - b.i);
  return ended.map((x) => x.entry);
}
