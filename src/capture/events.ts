/**
 * The parts of `webRequest` event details that capture uses, as plain data. The extension's
 * platform layer converts the browser's objects into these (header values as Latin-1 strings),
 * so everything here runs and is tested in Node.
 */
import type { HeaderList } from '../cors/headers.ts';
import type { CaptureSource, SourceLocation } from './record.ts';

/**
 * The net error Chrome fails a CORS block with (Firefox's NS_ERROR_DOM_BAD_URI is mapped to it
 * where it is captured). Other failures end with it too, which is why a block also needs
 * CORS-relevant headers to have been seen.
 */
export const CORS_FAILURE = 'net::ERR_FAILED';

/**
 * How webRequest (and DevTools, for a preflight) names a request Chrome refused under Local Network
 * Access: a page reaching a local or loopback address without the user's permission (Chrome 142+).
 */
export const LOCAL_NETWORK_FAILURE = 'net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS';

export interface RequestEventBase {
  readonly requestId: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly documentId?: string;
  /** The origin that started the request; absent for browser-initiated ones. */
  readonly initiator?: string;
  readonly url: string;
  readonly method: string;
  readonly type: string;
  /** Milliseconds since the epoch. */
  readonly timeStamp: number;
  /** Which source fired the event (webRequest when absent). */
  readonly source?: CaptureSource;
  /** The line of the page's code that started the request, when the source knows it. */
  readonly initiatorLocation?: SourceLocation | null;
}

export type BeforeRequestEvent = RequestEventBase;

export interface SendHeadersEvent extends RequestEventBase {
  readonly requestHeaders: HeaderList;
}

export interface HeadersReceivedEvent extends RequestEventBase {
  readonly statusCode: number;
  readonly responseHeaders: HeaderList;
}

export interface BeforeRedirectEvent extends RequestEventBase {
  readonly statusCode: number;
  readonly redirectUrl: string;
}

export interface CompletedEvent extends RequestEventBase {
  readonly statusCode: number;
}

export interface ErrorOccurredEvent extends RequestEventBase {
  readonly error: string;
}

export type CaptureEvent =
  | { readonly kind: 'beforeRequest'; readonly details: BeforeRequestEvent }
  | { readonly kind: 'sendHeaders'; readonly details: SendHeadersEvent }
  | { readonly kind: 'headersReceived'; readonly details: HeadersReceivedEvent }
  | { readonly kind: 'beforeRedirect'; readonly details: BeforeRedirectEvent }
  | { readonly kind: 'completed'; readonly details: CompletedEvent }
  | { readonly kind: 'errorOccurred'; readonly details: ErrorOccurredEvent };
