/** One cross-origin request as capture assembles it from webRequest events: serializable, stored as is. */
import type { CredentialsMode } from '../cors/exchange.ts';
import type { HeaderList } from '../cors/headers.ts';

/**
 * Where a request was seen: Chrome's DevTools network log, the worker's webRequest listeners, a HAR
 * file, or Chrome's DevTools protocol (`cors-lens --cdp`, the Playwright fixture).
 */
export type CaptureSource = 'devtools' | 'webrequest' | 'har' | 'cdp';

/** A line of the page's code, as a person reads it (line and column from 1). */
export interface SourceLocation {
  readonly url: string;
  readonly line: number;
  readonly column: number;
  /** The function that made the call; '' for code at the top level of a script. */
  readonly functionName: string;
}

export interface CapturedPreflight {
  readonly requestId: string;
  /** What the browser sent: Origin, Access-Control-Request-Method, Access-Control-Request-Headers. */
  readonly requestHeaders: HeaderList;
  status: number | null;
  responseHeaders: HeaderList | null;
}

export interface CapturedResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: HeaderList;
}

export interface CapturedRequest {
  /** The browser's requestId: unique for the browser session. */
  readonly id: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly documentId: string | null;
  readonly initiator: string;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  readonly time: number;
  /** Absent on requests stored before it existed: they came from webRequest. */
  readonly source?: CaptureSource;
  /** The line of the page's code that made the request, when the source tells (DevTools, Chrome's HARs). */
  readonly initiatorLocation?: SourceLocation | null;
  /** Headers as sent on the first hop; null when the request never got that far (blocked at its preflight). */
  requestHeaders: HeaderList | null;
  /** Where the request is now (it changes on redirects), and whether headers went out for it. */
  currentUrl: string;
  currentMethod: string;
  hop: number;
  hopSentHeaders: boolean;
  /** The preflight for each hop, by hop index; null where none was seen. */
  preflights: (CapturedPreflight | null)[];
  /** Every response, redirects included, in order. */
  responses: CapturedResponse[];
  state: 'pending' | 'completed' | 'failed';
  /** net error text (`net::ERR_FAILED`, `net::ERR_CONNECTION_REFUSED`, …). */
  error: string | null;
  endTime: number | null;
  /**
   * For a request that went out without a preflight of its own: when this page last got a
   * preflight answer for the same URL, and its Access-Control-Max-Age — what Chrome's preflight
   * cache most likely served. Absent when none was seen.
   */
  cachedFrom?: { readonly time: number; readonly maxAge: string | null };
  /**
   * What the page itself saw of this request (page-word.ts): its credentials mode and whether the
   * call failed. Where present it is the browser's outcome; absent where no observer ran.
   */
  pageSaw?: { readonly credentials: CredentialsMode; readonly failed: boolean };
}

/** Who made a request and what it asked for: all a request is when it starts. */
export type RequestStart = Pick<
  CapturedRequest,
  'id' | 'tabId' | 'frameId' | 'documentId' | 'initiator' | 'url' | 'method' | 'type' | 'time' | 'source'
> & { readonly initiatorLocation: SourceLocation | null };

/** A request as it starts: at its first URL, nothing sent, nothing answered, in flight. */
export function startedRequest(start: RequestStart): CapturedRequest {
  return {
    ...start,
    requestHeaders: null,
    currentUrl: start.url,
    currentMethod: start.method,
    hop: 0,
    hopSentHeaders: false,
    preflights: [null],
    responses: [],
    state: 'pending',
    error: null,
    endTime: null,
  };
}
