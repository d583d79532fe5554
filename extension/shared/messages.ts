/**
 * Every message between the extension's pages and its service worker, with its reply type. Senders
 * and handlers are typed from this one table (see `Reply<M>`), so a message nobody handles, or a
 * reply of the wrong shape, fails the typecheck.
 *
 * `cors:report` is a public contract: `chrome.runtime.sendMessage({ type: 'cors:report', tabId })`
 * from any extension page answers `{ version: 1, tabId, entries }`. Keep it stable.
 */

export interface ReportRequest {
  readonly type: 'cors:report';
  readonly tabId: number;
}

export interface PingRequest {
  readonly type: 'cors:ping';
}

export type Message = ReportRequest | PingRequest;

export interface PingReply {
  readonly ready: true;
  readonly version: string;
}

/** One captured cross-origin request, as the report contract exposes it. Filled in by capture. */
export interface ReportEntry {
  readonly id: string;
  readonly url: string;
  readonly method: string;
  readonly initiator: string | null;
  readonly type: string;
  readonly time: number;
  readonly preflight: {
    readonly status: number;
    readonly requestHeaders: readonly { name: string; value: string }[];
    readonly responseHeaders: readonly { name: string; value: string }[];
  } | null;
  readonly preflightCached: boolean;
  readonly response: {
    readonly status: number;
    readonly headers: readonly { name: string; value: string }[];
  } | null;
  readonly networkError: string | null;
  readonly blocked: boolean;
  readonly corsError: string | null;
  readonly failedParameter: string | null;
  readonly firefoxReason: string | null;
  readonly explanation: string | null;
}

export interface ReportReply {
  readonly version: 1;
  readonly tabId: number;
  readonly entries: readonly ReportEntry[];
}

interface Replies {
  'cors:report': ReportReply;
  'cors:ping': PingReply;
}

export type Reply<M extends Message> = Replies[M['type']];

export function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  if (type === 'cors:ping') return true;
  if (type === 'cors:report') return Number.isInteger((value as { tabId?: unknown }).tabId);
  return false;
}
