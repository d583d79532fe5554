/**
 * The service worker, wired: webRequest events to capture, capture to each tab's log, the logs to
 * the badge and the open panels, messages to their handlers, settings to what they govern.
 *
 * Every listener is registered synchronously at the top level, so that an event which wakes a
 * stopped worker is delivered. Events queue behind the state load, so none is handled before the
 * worker knows which tabs record and what it had captured.
 */
import { CaptureStore } from '../log/store.ts';
import { TabLogs } from '../log/tab-log.ts';
import { CAPTURE_OUTCOME } from '../platform/browser.ts';
import { extensionVersion, keepAlive, onConnect, onMessage } from '../platform/runtime.ts';
import {
  loadSessionValue,
  loadSettings,
  saveSessionValue,
  saveSettings,
  sessionStorage,
} from '../platform/storage.ts';
import { allTabs, onTabRemoved, onTabUpdated, setBadgeCount } from '../platform/tabs.ts';
import { CaptureListeners, onNavigation, onRequestError } from '../platform/webrequest.ts';
import { isMessage, type Message, type Reply, type StatusReply } from '../shared/messages.ts';
import {
  DEFAULT_SETTINGS,
  parseSettings,
  patchSettings,
  recordsAsDevelopment,
  type Settings,
} from '../shared/settings.ts';
import { Capture } from './capture.ts';
import { DevToolsPorts } from './devtools-ports.ts';
import { PageObservers } from './page-observers.ts';
import { PanelPorts } from './panels.ts';
import { RecordingTabs } from './recording.ts';

let settings: Settings = DEFAULT_SETTINGS;
const store = new CaptureStore(sessionStorage());
const panels = new PanelPorts();
const devtools = new DevToolsPorts();
const pageObservers = new PageObservers(
  (text) => store.notice(text),
  (tabId) => capture.pageOrigin(tabId),
);
const badges = new Map<number, number>();
const logs = new TabLogs(store, CAPTURE_OUTCOME, (tabId) => {
  panels.notify(tabId);
  const blocked = logs.blocked(tabId);
  if (badges.get(tabId) === blocked) return;
  badges.set(tabId, blocked);
  setBadgeCount(tabId, blocked);
});
const recording = new RecordingTabs(() => {
  updateArming();
  void saveSessionValue('recordingUserTabs', recording.userTabs());
});
const capture = new Capture(store, logs, recording, () => settings);
const listeners = new CaptureListeners((event) => enqueue(() => capture.event(event)));
let loaded = false;
let stopKeepingAlive: (() => void) | null = null;

// Armed at once: if a webRequest event woke this worker, its listener must exist now. Once the
// state is loaded it is disarmed again unless a tab records.
listeners.arm();
onRequestError((e) => enqueue(() => capture.error(e)));
// Recording decided from the navigation itself, before the page can make a request.
onNavigation({
  started: (tabId, url, time) =>
    enqueue(() => {
      pageObservers.navigated(tabId, url);
      capture.navigationStarted(tabId, url, time);
    }),
  // Whether capture was armed before the page could make a request: read now, not when handled.
  responded: (tabId, time) => {
    const armedSince = listeners.armedSince;
    enqueue(() => capture.pageResponded(tabId, time, armedSince));
  },
});
onTabRemoved((tabId) =>
  enqueue(() => {
    capture.tabClosed(tabId);
    panels.forget(tabId);
    devtools.forget(tabId);
    badges.delete(tabId);
  }),
);
onTabUpdated((tabId, change) => enqueue(() => capture.tabUpdated(tabId, change)));
// A failure is an answer too ({ error }), so any extension page, with or without our client, reads it.
onMessage((message) =>
  isMessage(message) ? ready.then(() => handle(message)).catch((err) => ({ error: String(err) })) : undefined,
);
onConnect((port) => {
  // A devtools page's port gets its listeners now: its first message (the whole log) comes at once.
  const served = devtools.connect(
    port,
    (tabId, on) =>
      enqueue(() => {
        recording.serve(tabId, on);
        pageObservers.served(tabId, on);
      }),
    (message) =>
      enqueue(() => {
        logs.fromDevTools(message.tabId, message.requests);
      }),
  );
  enqueue(() => {
    if (served !== null) devtools.tell(port, settings);
    else panels.connect(port, (tabId, open) => recording.set(tabId, 'panel-open', open));
  });
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
  capture.restore(store.pairerSnapshot());
  // No DevTools window serves a tab until its devtools page connects again.
  pageObservers.reset();
  applySettings(parseSettings(await loadSettings()));
  const userTabs = await loadSessionValue('recordingUserTabs');
  if (Array.isArray(userTabs)) {
    for (const id of userTabs) if (Number.isInteger(id)) recording.set(id, 'user', true);
  }
  await recordDevelopmentTabs();
  loaded = true;
  // Capture stays armed (as it was at start) until the events that woke the worker are handled:
  // a navigation among them may make its tab record. Queued behind them, arming is decided then.
  enqueue(updateArming);
  for (const tabId of store.tabs()) setBadgeCount(tabId, logs.blocked(tabId));
}

/** Which open tabs are on a development origin, by the current patterns. */
async function recordDevelopmentTabs(): Promise<void> {
  for (const tab of await allTabs()) {
    // Its origin too: a shared or service worker's requests (no tab) go to the tab on that origin.
    capture.tabUpdated(tab.id, { loading: false, url: tab.url });
    recording.set(tab.id, 'development-origin', recordsAsDevelopment(settings, tab.url));
  }
}

function applySettings(next: Settings): void {
  settings = next;
  store.ringSize = settings.ringSize;
}

async function changeSettings(patch: unknown): Promise<Settings> {
  const before = settings;
  applySettings(patchSettings(settings, patch));
  await saveSettings(settings);
  if (settings.devOrigins !== before.devOrigins || settings.recordDevOrigins !== before.recordDevOrigins) {
    await recordDevelopmentTabs();
  }
  devtools.settingsChanged(settings);
  return settings;
}

/** Arms full capture while any tab records, and keeps the worker alive meanwhile. */
function updateArming(): void {
  if (!loaded) return;
  if (recording.any()) {
    listeners.arm();
    // A recording tab must miss nothing: the worker is not left to idle out.
    stopKeepingAlive ??= keepAlive();
  } else {
    listeners.disarm();
    stopKeepingAlive?.();
    stopKeepingAlive = null;
  }
}

function status(tabId: number): StatusReply {
  const meta = store.meta(tabId);
  return {
    tabId,
    capture: recording.isServed(tabId) ? 'devtools' : recording.isRecording(tabId) ? 'webrequest' : 'none',
    recording: recording.isRecording(tabId),
    reasons: recording.reasons(tabId),
    armed: listeners.armed,
    entries: meta.head - meta.tail,
    blocked: meta.blocked,
    dropped: meta.dropped,
    notices: [...store.notices],
    ...(capture.recordingAfterPageStart(tabId) && !recording.isServed(tabId)
      ? { recordingAfterPage: true }
      : {}),
  };
}

async function handle<M extends Message>(message: M): Promise<Reply<M>> {
  switch (message.type) {
    case 'cors:ping':
      return { ready: true, version: extensionVersion() } as Reply<M>;
    case 'cors:report':
      // A tab DevTools serves: its devtools page reads DevTools' log now, if it was not already.
      await devtools.sync(message.tabId);
      return logs.report(message.tabId, message, capture.inFlight()) as Reply<M>;
    case 'cors:status':
      return status(message.tabId) as Reply<M>;
    case 'cors:record':
      recording.set(message.tabId, 'user', message.recording);
      return status(message.tabId) as Reply<M>;
    case 'cors:clear':
      logs.clear(message.tabId, Date.now());
      return status(message.tabId) as Reply<M>;
    case 'cors:settings':
      return (await (message.patch === undefined ? settings : changeSettings(message.patch))) as Reply<M>;
  }
}

/** What tests reach in the worker (typed for them as CorsLensTestHook). */
export interface CorsLensTestHook {
  /** Resolves once the stored state is loaded. */
  readonly ready: Promise<void>;
  /** Resolves when everything captured so far is in storage. */
  flushed(): Promise<void>;
}

const hook: CorsLensTestHook = { ready, flushed: () => store.flushed() };
Object.assign(globalThis, { corsLens: hook });
