/**
 * The service worker: capture, pairing, storage and the report contract.
 *
 * Every listener is registered synchronously at the top level, so that an event which wakes a
 * stopped worker is delivered. Events queue behind the state load, so none is handled before the
 * worker knows which tabs record and what it had captured.
 */
import { DEFAULT_DEV_ORIGINS, isDevelopmentUrl } from '../../src/capture/dev-origins.ts';
import type { CaptureEvent, ErrorOccurredEvent } from '../../src/capture/events.ts';
import { isCrossOrigin, Pairer } from '../../src/capture/pairing.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import {
  isCacheProbe,
  isCorsBlock,
  notRecordedEntry,
  type ReportEntry,
  reportEntryOf,
} from '../../src/report/entry.ts';
import { CAPTURE_OUTCOME, ext } from '../platform/index.ts';
import { localStorage, sessionStorage } from '../platform/storage.ts';
import { CaptureListeners, onRequestError } from '../platform/webrequest.ts';
import type { EntriesChanged, Message, Reply, ReportReply, StatusReply } from '../shared/messages.ts';
import { isMessage } from '../shared/messages.ts';
import { RecordingTabs } from './recording.ts';
import { CaptureStore, DEFAULT_RING_SIZE, type StoredEntry } from './store.ts';

interface Settings {
  devOrigins: readonly string[];
  ringSize: number;
  preserveLog: boolean;
}

const settings: Settings = {
  devOrigins: DEFAULT_DEV_ORIGINS,
  ringSize: DEFAULT_RING_SIZE,
  preserveLog: false,
};
const store = new CaptureStore(sessionStorage);
let pairer = new Pairer();
const recording = new RecordingTabs(() => {
  updateArming();
  void sessionStorage.set({ recordingUserTabs: recording.userTabs() });
});
const capture = new CaptureListeners((event) => enqueue(() => onCapture(event)));
const panels = new Map<number, Set<chrome.runtime.Port>>();
let loaded = false;
let keepAlive: ReturnType<typeof setInterval> | undefined;

// Armed at once: if a webRequest event woke this worker, its listener must exist now. Once the
// state is loaded it is disarmed again unless a tab records.
capture.arm();
onRequestError((e) => enqueue(() => onError(e)));
ext.tabs.onRemoved.addListener((tabId) => enqueue(() => forgetTab(tabId)));
ext.tabs.onUpdated.addListener((tabId, change, tab) => enqueue(() => onTabUpdated(tabId, change, tab)));
ext.runtime.onMessage.addListener((message: unknown, _sender, sendResponse) => {
  if (!isMessage(message)) return false;
  ready.then(() => handle(message)).then(sendResponse, (err) => sendResponse({ error: String(err) }));
  return true;
});
ext.runtime.onConnect.addListener((port) => enqueue(() => onPanelConnect(port)));
ext.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.settings) enqueue(() => applySettings(changes.settings?.newValue));
});

const ready = init();

function enqueue(task: () => void | Promise<void>): void {
  void ready.then(task).catch((err) => store.notice(`Internal error: ${String(err)}`));
}

async function init(): Promise<void> {
  try {
    await store.load();
  } catch (err) {
    store.notice(`Stored state could not be read and was reset: ${String(err)}`);
  }
  pairer = new Pairer(store.pairerSnapshot());
  const stored = await localStorage.get('settings');
  applySettings(stored.settings);
  const { recordingUserTabs } = await sessionStorage.get('recordingUserTabs');
  if (Array.isArray(recordingUserTabs)) {
    for (const id of recordingUserTabs) if (Number.isInteger(id)) recording.set(id, 'user', true);
  }
  const tabs = await ext.tabs.query({});
  for (const tab of tabs) {
    if (tab.id !== undefined)
      recording.set(tab.id, 'development-origin', isDevelopmentUrl(tab.url, settings.devOrigins));
  }
  loaded = true;
  updateArming();
  for (const tabId of store.tabs()) updateBadge(tabId);
}

function applySettings(value: unknown): void {
  const v = (value ?? {}) as Partial<Settings>;
  settings.devOrigins = Array.isArray(v.devOrigins)
    ? v.devOrigins.filter((p) => typeof p === 'string')
    : DEFAULT_DEV_ORIGINS;
  settings.ringSize =
    Number.isInteger(v.ringSize) && (v.ringSize as number) > 0 ? (v.ringSize as number) : DEFAULT_RING_SIZE;
  settings.preserveLog = v.preserveLog === true;
  store.ringSize = settings.ringSize;
}

/** Arms full capture while any tab records, and keeps the worker alive meanwhile. */
function updateArming(): void {
  if (!loaded) return;
  if (recording.any()) {
    capture.arm();
    // Any extension API call resets the idle timer (Chrome 110+): a recording tab must miss nothing.
    keepAlive ??= setInterval(() => void ext.runtime.getPlatformInfo(), 20_000);
  } else {
    capture.disarm();
    if (keepAlive !== undefined) clearInterval(keepAlive);
    keepAlive = undefined;
  }
}

function onCapture(event: CaptureEvent): void {
  const { details } = event;
  if (!recording.isRecording(details.tabId)) return;
  if (event.kind === 'beforeRequest' && details.type === 'main_frame') {
    onNavigation(details.tabId, details.url, details.timeStamp);
    return;
  }
  if (details.type === 'main_frame' || details.type === 'sub_frame') return;
  const update = pairer.handle(event);
  for (const request of update.finished) finish(request);
  store.savePairerChanges(pairer.takeChanges());
  if (update.changed.length > 0 || update.finished.length > 0) {
    const tabs = new Set([...update.changed, ...update.finished].map((r) => r.tabId));
    for (const tabId of tabs) notifyPanels(tabId);
  }
}

function finish(request: CapturedRequest): void {
  if (isCacheProbe(request)) return;
  // Whether Chrome blocked it needs no verdict; the engine runs when someone reads the report.
  // Firefox does not say for blocked responses, so there the verdict is needed now (badge), and
  // is kept for that read.
  const entry = CAPTURE_OUTCOME === 'engine' ? reportEntryOf(request, 'engine') : null;
  const blocked = entry ? entry.blocked : isCorsBlock(request);
  store.append(request.tabId, { kind: 'captured', request, blocked });
  if (entry) {
    const seq = store.meta(request.tabId).head - 1;
    judged.set(`${request.tabId}:${seq}`, { ...entry, seq });
  }
  if (blocked) updateBadge(request.tabId);
}

function onError(e: ErrorOccurredEvent): void {
  if (recording.isRecording(e.tabId)) {
    onCapture({ kind: 'errorOccurred', details: e });
    return;
  }
  if (e.tabId < 0 || e.type === 'main_frame' || e.type === 'sub_frame' || !isCrossOrigin(e)) return;
  if (e.error !== 'net::ERR_FAILED') return;
  store.append(e.tabId, { kind: 'not-recorded', event: e });
  updateBadge(e.tabId);
  notifyPanels(e.tabId);
}

function onNavigation(tabId: number, url: string, time: number): void {
  recording.set(tabId, 'development-origin', isDevelopmentUrl(url, settings.devOrigins));
  if (settings.preserveLog) return;
  // Requests of the new page that already finished stay; everything older goes.
  const keep = store.entries(tabId).filter((e) => entryTime(e) >= time);
  store.clearTab(tabId);
  forgetJudged(tabId);
  for (const e of keep) store.append(tabId, e);
  pairer.dropTab(tabId);
  store.savePairerChanges(pairer.takeChanges());
  updateBadge(tabId);
  notifyPanels(tabId);
}

function onTabUpdated(tabId: number, change: chrome.tabs.OnUpdatedInfo, tab: chrome.tabs.Tab): void {
  const url = change.url ?? tab.url;
  if (change.url !== undefined) {
    recording.set(tabId, 'development-origin', isDevelopmentUrl(url, settings.devOrigins));
  }
  // A recording tab starts its new log from its main-frame request; the others from here.
  if (change.status === 'loading' && !recording.isRecording(tabId) && !settings.preserveLog) {
    if (store.entries(tabId).length > 0) {
      store.clearTab(tabId);
      forgetJudged(tabId);
      updateBadge(tabId);
      notifyPanels(tabId);
    }
  }
}

function forgetTab(tabId: number): void {
  recording.forget(tabId);
  store.forgetTab(tabId);
  forgetJudged(tabId);
  pairer.dropTab(tabId);
  store.savePairerChanges(pairer.takeChanges());
  panels.delete(tabId);
}

function onPanelConnect(port: chrome.runtime.Port): void {
  const match = /^panel:(\d+)$/.exec(port.name);
  if (!match) return;
  const tabId = Number(match[1]);
  const ports = panels.get(tabId) ?? new Set();
  ports.add(port);
  panels.set(tabId, ports);
  recording.set(tabId, 'panel-open', true);
  port.onDisconnect.addListener(() => {
    ports.delete(port);
    if (ports.size === 0) {
      panels.delete(tabId);
      recording.set(tabId, 'panel-open', false);
    }
  });
}

function notifyPanels(tabId: number): void {
  const ports = panels.get(tabId);
  if (!ports) return;
  const message: EntriesChanged = { type: 'cors:changed', tabId };
  for (const port of ports) port.postMessage(message);
}

function updateBadge(tabId: number): void {
  const blocked = store.meta(tabId).blocked;
  void ext.action.setBadgeText({ tabId, text: blocked > 0 ? String(blocked) : '' }).catch(() => {});
  void ext.action.setBadgeBackgroundColor({ tabId, color: '#dc2626' }).catch(() => {});
}

function entryTime(e: StoredEntry): number {
  return e.kind === 'captured' ? e.request.time : e.event.timeStamp;
}

/**
 * Finished entries never change, so each is judged once and kept here (a cache, rebuilt after a
 * restart); only requests in flight are judged on every read.
 */
const judged = new Map<string, ReportEntry>();

function judgedEntry(tabId: number, seq: number, stored: StoredEntry): ReportEntry {
  const key = `${tabId}:${seq}`;
  let entry = judged.get(key);
  if (!entry) {
    entry = {
      ...(stored.kind === 'captured'
        ? reportEntryOf(stored.request, CAPTURE_OUTCOME)
        : notRecordedEntry(stored.event)),
      seq,
    };
    judged.set(key, entry);
  }
  return entry;
}

function forgetJudged(tabId: number): void {
  for (const key of judged.keys()) if (key.startsWith(`${tabId}:`)) judged.delete(key);
}

function report(tabId: number, since?: number, generation?: number, limit?: number): ReportReply {
  const meta = store.meta(tabId);
  const currentGeneration = meta.generation ?? 0;
  const incremental = since !== undefined && generation === currentGeneration && since >= meta.tail;
  let from = incremental ? since : meta.tail;
  // A first paint needs only the newest rows; the rest follows in a second read.
  const partial = limit !== undefined && limit >= 0 && meta.head - from > limit;
  if (partial) from = meta.head - limit;
  const entries: ReportEntry[] = store
    .entriesSince(tabId, from)
    .map(({ seq, entry }) => judgedEntry(tabId, seq, entry));
  // Entries the ring evicted leave the cache with them.
  if (judged.size > 4 * Math.max(1000, settings.ringSize)) {
    for (const key of judged.keys()) {
      const [tab, seq] = key.split(':').map(Number);
      if (seq !== undefined && tab !== undefined && seq < store.meta(tab).tail) judged.delete(key);
    }
  }
  for (const r of pairer.pending()) if (r.tabId === tabId) entries.push(reportEntryOf(r, CAPTURE_OUTCOME));
  entries.sort((a, b) => a.time - b.time);
  return {
    version: 1,
    tabId,
    entries,
    dropped: meta.dropped,
    cursor: meta.head,
    tail: meta.tail,
    generation: currentGeneration,
    incremental,
    ...(partial ? { partial } : {}),
  };
}

function status(tabId: number): StatusReply {
  const meta = store.meta(tabId);
  return {
    tabId,
    recording: recording.isRecording(tabId),
    reasons: recording.reasons(tabId),
    armed: capture.armed,
    entries: meta.head - meta.tail,
    blocked: meta.blocked,
    dropped: meta.dropped,
    notices: [...store.notices],
  };
}

async function handle<M extends Message>(message: M): Promise<Reply<M>> {
  switch (message.type) {
    case 'cors:ping':
      return { ready: true, version: ext.runtime.getManifest().version } as Reply<M>;
    case 'cors:report':
      return report(message.tabId, message.since, message.generation, message.limit) as Reply<M>;
    case 'cors:status':
      return status(message.tabId) as Reply<M>;
    case 'cors:record':
      recording.set(message.tabId, 'user', message.recording);
      return status(message.tabId) as Reply<M>;
    case 'cors:clear':
      store.clearTab(message.tabId);
      forgetJudged(message.tabId);
      updateBadge(message.tabId);
      notifyPanels(message.tabId);
      return status(message.tabId) as Reply<M>;
  }
}

/** For tests: resolves when everything captured so far is in storage. */
Object.assign(globalThis, {
  corsLens: { ready, flushed: () => store.flushed(), status },
});
