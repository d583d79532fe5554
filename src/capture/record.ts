/** One cross-origin request as capture assembles it from webRequest events: serializable, stored as is. */
import type { HeaderList } from '../cors/headers.ts';

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
}
