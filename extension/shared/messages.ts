/**
 * Every message between the extension's pages and its service worker, with its reply type. Senders
 * and handlers are typed from this one table (see `Reply<M>`), so a message nobody handles, or a
 * reply of the wrong shape, fails the typecheck.
 *
 * `cors:report` is a public contract: `chrome.runtime.sendMessage({ type: 'cors:report', tabId })`
 * from any extension page answers `{ version: 1, tabId, entries }`. Keep it stable.
 */

import type { CapturedRequest } from '../../src/capture/record.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import type { Problem } from '../../src/report/problems.ts';
import type { ServerFix } from '../../src/report/servers.ts';
import type { Settings } from './settings.ts';

export type { ReportEntry, Settings };

/**
 * Why a tab records: it is on a development origin, its CORS panel is open, or the user asked from
 * the popup.
 */
export type RecordingReason = 'development-origin' | 'panel-open' | 'user';

export interface ReportRequest {
  readonly type: 'cors:report';
  readonly tabId: number;
  /**
   * Optional, for readers that keep a copy (the panel): the `cursor` and `generation` of their
   * last reply. When the log was not cleared since, the reply holds only what came after, plus
   * the requests still in flight, and says `incremental: true`.
   */
  readonly since?: number;
  readonly generation?: number;
  /**
   * Optional, with `since`: the `amends` of the reader's last reply. Entries changed since then
   * (a request DevTools' log completed later) come again with their `seq`, to replace the copy.
   */
  readonly amends?: number;
  /**
   * Optional, for a first paint: at most this many of the newest finished entries (plus those in
   * flight). The reply says `partial: true` when older ones were left out; ask again without it.
   */
  readonly limit?: number;
}

export interface PingRequest {
  readonly type: 'cors:ping';
}

/** The popup's Record button (and its "stop"). */
export interface RecordRequest {
  readonly type: 'cors:record';
  readonly tabId: number;
  readonly recording: boolean;
}

/** Whether a tab records and why, with what the log holds. */
export interface StatusRequest {
  readonly type: 'cors:status';
  readonly tabId: number;
}

export interface ClearRequest {
  readonly type: 'cors:clear';
  readonly tabId: number;
}

/** The settings, changed by `patch` when it is given (only its valid fields are taken); replies with them all. */
export interface SettingsRequest {
  readonly type: 'cors:settings';
  readonly patch?: Partial<Settings>;
}

export type Message =
  | ReportRequest
  | PingRequest
  | RecordRequest
  | StatusRequest
  | ClearRequest
  | SettingsRequest;

/**
 * How a tab's requests are captured: from DevTools' network log (DevTools is open on it), by the
 * worker's webRequest listeners (the tab records), or not at all (failures are only counted).
 */
export type CaptureMode = 'devtools' | 'webrequest' | 'none';

export interface StatusReply {
  readonly tabId: number;
  readonly capture: CaptureMode;
  /** The worker records the tab through webRequest (false while DevTools serves it). */
  readonly recording: boolean;
  readonly reasons: readonly RecordingReason[];
  readonly armed: boolean;
  readonly entries: number;
  readonly blocked: number;
  readonly dropped: number;
  readonly notices: readonly string[];
  /** DevTools capture: the page loaded before DevTools recorded it, so its first requests are not in the log. */
  readonly pageBeforeCapture?: boolean;
  /**
   * The tab records through webRequest, but did not when its page started loading: the requests
   * the page made before recording started are not in the log (reload to capture them).
   */
  readonly recordingAfterPage?: boolean;
}

export interface PingReply {
  readonly ready: true;
  readonly version: string;
}

export interface ReportReply {
  readonly version: 1;
  readonly tabId: number;
  readonly entries: readonly ReportEntry[];
  /** Entries the ring dropped for this tab (oldest first went). */
  readonly dropped: number;
  /** Where the next incremental read starts, the oldest entry still kept, and the log's generation. */
  readonly cursor: number;
  readonly tail: number;
  readonly generation: number;
  /** How many times an entry of this log was replaced by a later word on its request. */
  readonly amends: number;
  /**
   * True when `entries` holds only finished entries from `since` on, those changed since the
   * reader's `amends`, and the pending ones.
   */
  readonly incremental: boolean;
  /** True when `limit` left older finished entries out. */
  readonly partial?: boolean;
  /**
   * One merged fix per server with a blocked request, from the entries of this reply (see
   * src/fixes/merge.ts): what to paste once per API. Absent from incremental replies: their reader
   * keeps the whole log and derives it (serversOf).
   */
  readonly servers?: readonly ServerFix[];
  /** The blocked requests grouped by server, error and culprit (src/report/problems.ts); whole replies only. */
  readonly problems?: readonly Problem[];
}

/** The part of a report request a reader chooses: see ReportRequest. */
export type ReportQuery = Pick<ReportRequest, 'since' | 'generation' | 'amends' | 'limit'>;

/**
 * Sent by a DevTools window's devtools page on its port (`devtools:<tabId>`): requests DevTools'
 * network log finished for the tab. The first batch on each connection holds the whole log so far,
 * so a worker that was stopped misses nothing; ids are stable, so nothing is filed twice.
 */
export interface DevToolsRequests {
  readonly type: 'cors:devtools-requests';
  readonly tabId: number;
  readonly requests: readonly CapturedRequest[];
  /** The answer to a DevToolsSync: everything DevTools had finished when it was asked is sent. */
  readonly synced?: number;
}

/**
 * Sent by the worker on a devtools page's port before it answers `cors:report` for the tab: the
 * devtools page reads DevTools' log only when someone looks (see extension/devtools/capture.ts).
 */
export interface DevToolsSync {
  readonly type: 'cors:devtools-sync';
  readonly id: number;
}

/** Pushed on a devtools page's port when it connects and whenever the settings change. */
export interface SettingsChanged {
  readonly type: 'cors:settings-changed';
  readonly settings: Settings;
}

/** Pushed on a panel's port (`panel:<tabId>`) whenever the tab's log changes. */
export interface EntriesChanged {
  readonly type: 'cors:changed';
  readonly tabId: number;
}

interface Replies {
  'cors:report': ReportReply;
  'cors:ping': PingReply;
  'cors:record': StatusReply;
  'cors:status': StatusReply;
  'cors:clear': StatusReply;
  'cors:settings': Settings;
}

export type Reply<M extends Message> = Replies[M['type']];

export function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (type === 'cors:ping') return true;
  if (type === 'cors:settings') {
    const patch = (value as { patch?: unknown }).patch;
    return patch === undefined || (typeof patch === 'object' && patch !== null);
  }
  const tabId = (value as { tabId?: unknown }).tabId;
  if (type === 'cors:report' || type === 'cors:status' || type === 'cors:clear')
    return Number.isInteger(tabId);
  if (type === 'cors:record') {
    return Number.isInteger(tabId) && typeof (value as { recording?: unknown }).recording === 'boolean';
  }
  return false;
}
