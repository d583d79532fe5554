/**
 * The parts of `webRequest` event details that capture uses, as plain data. The extension's
 * platform layer converts the browser's objects into these (header values as Latin-1 strings),
 * so everything here runs and is tested in Node.
 */
import type { HeaderList } from '../cors/headers.ts';

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
