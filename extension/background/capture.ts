/**
 * What the worker does with webRequest events: pairs them into requests (the Pairer, its state
 * persisted as it changes), files finished requests in their tab's log, counts failures in tabs
 * that do not record, and starts a tab's log anew when its page changes. No browser API.
 */
import type { CaptureEvent, ErrorOccurredEvent } from '../../src/capture/events.ts';
import { blockedWithoutRecord, isCacheProbe } from '../../src/capture/judge.ts';
import { isCrossOrigin, MAX_PENDING, Pairer, type PairerSnapshot } from '../../src/capture/pairing.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { originOf } from '../../src/cors/origin.ts';
import { preflightCacheOf } from '../../src/cors/preflight-cache.ts';
import type { CaptureStore } from '../log/store.ts';
import type { TabLogs } from '../log/tab-log.ts';
import { BROWSER } from '../platform/browser.ts';
import { recordsAsDevelopment, type Settings } from '../shared/settings.ts';
import type { RecordingTabs } from './recording.ts';

/** A navigation start this recent is the one a tab's "loading" belongs to. */
const NAVIGATION_RECENT_MS = 10_000;

export class Capture {
  #pairer = new Pairer(undefined, preflightCacheOf(BROWSER));
  /** Whether the log's notices already say in-flight requests were let go. */
  #abandonedTold = false;
  /** Whether each tab recorded when its page started loading (see recordingAfterPageStart). */
  readonly #fromPageStart = new Map<number, boolean>();
  /** Each tab's page origin, the latest navigated last: a shared or service worker's requests go to its tabs. */
  readonly #tabOrigins = new Map<number, string>();
  /** When each tab's latest navigation started (its main-frame request). */
  readonly #navigatedAt = new Map<number, number>();

  constructor(
    private readonly store: CaptureStore,
    private readonly logs: TabLogs,
    private readonly recording: RecordingTabs,
    private readonly settings: () => Settings,
  ) {}

  /** Picks up where a stopped worker left off. */
  restore(snapshot: PairerSnapshot): void {
    this.#pairer = new Pairer(snapshot, preflightCacheOf(BROWSER));
    this.#abandonedTold = false;
  }

  /** Requests in flight, of every tab. */
  inFlight(): CapturedRequest[] {
    return this.#pairer.pending();
  }

  event(event: CaptureEvent): void {
    const { details } = this.#owned(event);
    if (!this.recording.isRecording(details.tabId)) return;
    // Navigations are the always-on navigation listener's (navigationStarted).
    if (details.type === 'main_frame' || details.type === 'sub_frame') return;
    const update = this.#pairer.handle({ ...event, details } as CaptureEvent);
    // Said once, when it first happens: a count that changes with every request would push the
    // log's other notices out.
    if (this.#pairer.abandoned > 0 && !this.#abandonedTold) {
      this.#abandonedTold = true;
      this.store.notice(
        `Requests in flight were let go without an end: more than ${MAX_PENDING.toLocaleString('en-US')} were waiting at once.`,
      );
    }
    // The finished entry is written before its pending record goes: a worker stopped in between
    // comes back with both, and the store keeps the finished one.
    for (const request of update.finished) if (!isCacheProbe(request)) this.logs.finished(request);
    this.#persist();
    if (update.changed.length > 0) this.logs.changed(update.changed);
  }

  /** The always-on error listener: capture for recording tabs, a count (the badge) for the others. */
  error(error: ErrorOccurredEvent): void {
    const e = this.#owned({ kind: 'errorOccurred', details: error }).details as ErrorOccurredEvent;
    if (this.recording.isRecording(e.tabId)) {
      this.event({ kind: 'errorOccurred', details: e });
      return;
    }
    // In a tab DevTools serves, this stands for the request until its devtools page sends it.
    if (e.tabId < 0 || e.type === 'main_frame' || e.type === 'sub_frame' || !isCrossOrigin(e)) return;
    // Firefox's webRequest shows preflights, and fails the preflight of a request it blocks there
    // as well as the request: count the request once.
    if (e.method === 'OPTIONS') return;
    if (blockedWithoutRecord(e.error)) this.logs.notRecorded(e);
  }

  /**
   * A tab's main frame starts loading (the always-on navigation listener): whether the tab records
   * is decided now, so that capture is armed before the page's first request, and a tab that
   * records starts its new log here (unless the log is preserved).
   */
  navigationStarted(tabId: number, url: string, time: number): void {
    this.#navigatedAt.set(tabId, time);
    this.#pageAt(tabId, url);
    const recording = this.recording.isRecording(tabId);
    this.#fromPageStart.set(tabId, recording);
    if (!recording || this.settings().preserveLog) return;
    this.logs.startPage(tabId, time);
    this.#pairer.dropTab(tabId);
    this.#persist();
  }

  /**
   * The page's response started (`time`): from then on it can make requests. Capture armed later
   * than that (`armedSince`: a worker woken by this very navigation, say) may have missed its first
   * ones, and the tab says so.
   */
  pageResponded(tabId: number, time: number, armedSince: number | null): void {
    if (!this.#fromPageStart.get(tabId)) return;
    if (armedSince === null || armedSince > time) this.#fromPageStart.set(tabId, false);
  }

  /**
   * True when the tab records but did not when its page started loading: the requests the page
   * made before are not in the log. False when it recorded from the start; null when unknown
   * (no navigation seen since this worker started).
   */
  recordingAfterPageStart(tabId: number): boolean | null {
    const fromStart = this.#fromPageStart.get(tabId);
    if (fromStart === undefined) return null;
    return this.recording.isRecording(tabId) && !fromStart;
  }

  /** A tab's URL changed, or it started loading. A tab that does not record starts its new log here. */
  tabUpdated(tabId: number, change: { loading: boolean; url: string | undefined }): void {
    if (change.url !== undefined) this.#pageAt(tabId, change.url);
    if (change.loading && !this.recording.isRecording(tabId) && !this.settings().preserveLog) {
      // Since the navigation started (its main-frame request), when it is this one.
      const at = this.#navigatedAt.get(tabId);
      if (at !== undefined && Date.now() - at < NAVIGATION_RECENT_MS) this.logs.newPage(tabId, at);
      else if (this.store.meta(tabId).head > this.store.meta(tabId).tail) this.logs.clear(tabId);
    }
  }

  tabClosed(tabId: number): void {
    this.#tabOrigins.delete(tabId);
    this.#navigatedAt.delete(tabId);
    this.#fromPageStart.delete(tabId);
    this.recording.forget(tabId);
    this.logs.forget(tabId);
    this.#pairer.dropTab(tabId);
    this.#persist();
  }

  /** The origin of the page the tab is on, when it has one. */
  pageOrigin(tabId: number): string | undefined {
    return this.#tabOrigins.get(tabId);
  }

  /** The tab is at `url`: its origin (for workers' requests) and whether it records as a development origin. */
  #pageAt(tabId: number, url: string): void {
    this.#knowTab(tabId, url);
    this.recording.set(tabId, 'development-origin', recordsAsDevelopment(this.settings(), url));
  }

  #knowTab(tabId: number, url: string): void {
    const origin = originOf(url);
    this.#tabOrigins.delete(tabId);
    if (origin !== null && origin !== 'null') this.#tabOrigins.set(tabId, origin);
  }

  /**
   * A shared or service worker's request has no tab (tabId -1; measured in Chromium 156, its
   * initiator is the worker's origin). It belongs with the tab on that origin that navigated last,
   * where a user looks for it; with none open, nowhere. A dedicated worker's carries its tab.
   */
  #owned(event: CaptureEvent): CaptureEvent {
    const { details } = event;
    if (details.tabId !== -1 || !details.initiator) return event;
    let owner: number | undefined;
    for (const [tabId, origin] of this.#tabOrigins) if (origin === details.initiator) owner = tabId;
    return owner === undefined
      ? event
      : ({ ...event, details: { ...details, tabId: owner } } as CaptureEvent);
  }

  #persist(): void {
    this.store.savePairerChanges(this.#pairer.takeChanges());
  }
}
