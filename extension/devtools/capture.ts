/**
 * DevTools capture: the inspected tab's requests from DevTools' own network log — everything it
 * recorded since it opened, then each request as it finishes — replayed through the same Pairer
 * and judged by the same engine as every other source, kept in memory for the panel of this
 * DevTools window (which reads it directly), and sent on to the worker for the badge, the popup,
 * exports and `cors:report`.
 */
import type { CapturedRequest } from '../../src/capture/record.ts';
import { HarStream, PREFLIGHT_WAIT_MS } from '../../src/har/stream.ts';
import { CaptureStore } from '../log/store.ts';
import { TabLogs } from '../log/tab-log.ts';
import { CAPTURE_OUTCOME } from '../platform/browser.ts';
import {
  networkLog,
  onNavigated,
  onNetworkRequest,
  openSource,
  reloadInspected,
} from '../platform/devtools.ts';
import { keepConnected, type Port } from '../platform/runtime.ts';
import type { StorageArea } from '../platform/storage.ts';
import type {
  DevToolsRequests,
  ReportQuery,
  ReportReply,
  SettingsChanged,
  StatusReply,
} from '../shared/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { send } from '../ui/client.ts';
import type { ConnectionState, LogSource } from '../ui/source.ts';

/** The devtools page lives as long as its DevTools window: its log needs no storage. */
const NO_STORAGE: StorageArea = {
  get: async () => ({}),
  set: async () => {},
  remove: async () => {},
};

export class DevToolsCapture implements LogSource {
  readonly tabId: number;
  readonly #stream: HarStream;
  readonly #store = new CaptureStore(NO_STORAGE);
  readonly #logs: TabLogs;
  readonly #listeners = new Set<() => void>();
  #settings: Settings = DEFAULT_SETTINGS;
  #port: Port | null = null;
  /** Finished requests not yet sent to the worker. */
  #outbox: CapturedRequest[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #sendTimer: ReturnType<typeof setTimeout> | undefined;
  /** The page was loaded before DevTools recorded it: its first requests are not in the log. */
  #pageBeforeCapture = false;
  readonly started: Promise<void>;

  constructor(tabId: number) {
    this.tabId = tabId;
    // Ids unique across DevTools windows and restarts, so the worker can tell a resend from a new one.
    this.#stream = new HarStream(tabId, `devtools-${Date.now().toString(36)}`);
    this.#logs = new TabLogs(this.#store, CAPTURE_OUTCOME, () => {
      for (const listener of this.#listeners) listener();
    });
    // Registered at once: a request that finishes while the log so far is read is not lost.
    const early: unknown[] = [];
    let reading = true;
    onNetworkRequest((entry) => (reading ? early.push(entry) : this.#add(entry)));
    onNavigated(() => this.#navigated());
    this.started = networkLog().then((history) => {
      this.#pageBeforeCapture = !history.some(
        (e) => (e as { _resourceType?: unknown })?._resourceType === 'document',
      );
      for (const entry of history) this.#finish(this.#stream.add(entry, Date.now()));
      reading = false;
      for (const entry of early) this.#finish(this.#stream.add(entry, Date.now()));
      // The log so far is whole: a request in it still waiting for a preflight will not get one.
      this.#finish(this.#stream.flush(Date.now() + PREFLIGHT_WAIT_MS));
      this.#scheduleFlush();
      this.#connect();
    });
  }

  report(query: ReportQuery): Promise<ReportReply> {
    return Promise.resolve(this.#logs.report(this.tabId, query, this.#stream.inFlight()));
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
    this.#logs.clear(this.tabId);
    await send({ type: 'cors:clear', tabId: this.tabId });
  }

  subscribe(onChange: () => void, onState: (state: ConnectionState) => void): () => void {
    this.#listeners.add(onChange);
    onState('connected');
    void this.started.then(onChange);
    return () => this.#listeners.delete(onChange);
  }

  readonly reload = (): void => reloadInspected();

  readonly openSource = (url: string, line: number, column: number): void => {
    openSource(url, line, column);
  };

  #add(entry: unknown): void {
    this.#finish(this.#stream.add(entry, Date.now()));
    this.#scheduleFlush();
  }

  #finish(requests: readonly CapturedRequest[]): void {
    if (requests.length === 0) return;
    for (const r of requests) this.#logs.finished(r);
    this.#outbox.push(...requests);
    this.#scheduleSend();
  }

  /** Requests held for a preflight, and redirects waiting for their next hop, are let go in time. */
  #scheduleFlush(): void {
    if (this.#flushTimer !== undefined) clearTimeout(this.#flushTimer);
    const next = this.#stream.nextDeadline();
    if (next === null) {
      this.#flushTimer = undefined;
      return;
    }
    this.#flushTimer = setTimeout(
      () => {
        this.#finish(this.#stream.flush(Date.now()));
        this.#scheduleFlush();
      },
      Math.max(0, next - Date.now()),
    );
  }

  #navigated(): void {
    this.#pageBeforeCapture = false;
    this.#stream.reset();
    if (!this.#settings.preserveLog) this.#logs.startPage(this.tabId, Date.now());
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
        const changed = message as SettingsChanged | null;
        if (changed?.type !== 'cors:settings-changed') return;
        this.#settings = changed.settings;
        this.#store.ringSize = changed.settings.ringSize;
      },
      onState: (state) => {
        if (state === 'reconnecting') this.#port = null;
      },
    });
  }

  /** Sends what finished in one task together: a burst of requests costs one message. */
  #scheduleSend(): void {
    if (this.#sendTimer !== undefined) return;
    this.#sendTimer = setTimeout(() => {
      this.#sendTimer = undefined;
      if (!this.#port || this.#outbox.length === 0) return;
      this.#post(this.#outbox);
      this.#outbox = [];
    }, 0);
  }

  #post(requests: readonly CapturedRequest[]): void {
    const message: DevToolsRequests = { type: 'cors:devtools-requests', tabId: this.tabId, requests };
    try {
      this.#port?.postMessage(message);
    } catch {
      // The worker went away mid-send: the next connection sends the whole log again.
    }
  }
}
