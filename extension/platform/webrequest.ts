/**
 * webRequest, turned into the engine's plain capture events. Chrome shows preflights, `Origin` and
 * `Access-Control-*` headers only to listeners registered with `extraHeaders` — and such a
 * listener makes every request in the browser slower while it is registered (measured ×1.15 even
 * with a filter that matches nothing). So capture is armed only while a tab records, and only the
 * two listeners that need headers ask for them.
 *
 * The listeners are added through webextension-polyfill, which hands webRequest events to them as
 * they are: it wraps only message and DevTools events, so the hot path costs what the native
 * namespace costs (measured with `npm run bench`, docs/benchmarks.md).
 *
 * Firefox shows every header without `extraHeaders` (and rejects the value), names the page in
 * `originUrl`/`documentUrl` instead of `initiator`, fails a CORS block with NS_ERROR_DOM_BAD_URI,
 * and fires a request's onSendHeaders before its preflight: all of that is evened out here, so
 * capture sees Chrome's shape of events from both browsers.
 */
import type { WebRequest } from 'webextension-polyfill';
import {
  type CaptureEvent,
  CORS_FAILURE,
  type ErrorOccurredEvent,
  type RequestEventBase,
} from '../../src/capture/events.ts';
import type { HeaderLine } from '../../src/cors/headers.ts';
import { originOf } from '../../src/cors/origin.ts';
import { BROWSER, browser } from './browser.ts';
import { SendHeadersOrder } from './firefox-order.ts';

/** The fields every webRequest event shares, in both browsers' shapes. */
type Details = Pick<
  WebRequest.OnBeforeRequestDetailsType,
  | 'requestId'
  | 'tabId'
  | 'frameId'
  | 'documentId'
  | 'initiator'
  | 'originUrl'
  | 'documentUrl'
  | 'url'
  | 'method'
  | 'type'
  | 'timeStamp'
>;

/** Header values as Latin-1 strings: binaryValue bytes map one to one onto code units. */
function headerList(raw: WebRequest.HttpHeaders | undefined): HeaderLine[] {
  return (raw ?? []).map((h) => ({
    name: h.name,
    value: h.value ?? (h.binaryValue ? String.fromCharCode(...h.binaryValue) : ''),
  }));
}

/** Chrome's `initiator`, or on Firefox the origin of whatever made the request. */
function initiatorOf(d: Details): string | undefined {
  if (d.initiator !== undefined) return d.initiator;
  const from = d.originUrl ?? d.documentUrl;
  return from === undefined ? undefined : (originOf(from) ?? undefined);
}

/** Firefox's error for a request CORS blocked; capture knows it as Chrome's. */
const FIREFOX_CORS_ERROR = 'NS_ERROR_DOM_BAD_URI';

function errorOf(error: string): string {
  return error === FIREFOX_CORS_ERROR ? CORS_FAILURE : error;
}

function base(d: Details): RequestEventBase {
  return {
    requestId: d.requestId,
    tabId: d.tabId,
    frameId: d.frameId,
    documentId: d.documentId,
    initiator: initiatorOf(d),
    url: d.url,
    method: d.method,
    type: d.type,
    timeStamp: d.timeStamp,
  };
}

const FILTER: WebRequest.RequestFilter = { urls: ['<all_urls>'] };

/** Chrome hides CORS headers from listeners without `extraHeaders`; Firefox has no such value. */
const EXTRA: 'extraHeaders'[] = BROWSER === 'chrome' ? ['extraHeaders'] : [];

/** On Firefox, the capture events' reordering (see firefox-order.ts); null on Chrome. */
let firefoxOrder: SendHeadersOrder | null = null;

export type CaptureSink = (event: CaptureEvent) => void;

/** Registers and removes the capture listeners as one set. */
export class CaptureListeners {
  #armed = false;
  /** When the listeners were last added (ms since the epoch, as webRequest's timeStamp), or null while disarmed. */
  #armedSince: number | null = null;
  readonly #listeners;

  constructor(deliver: CaptureSink) {
    let sink = deliver;
    if (BROWSER === 'firefox') {
      const order = new SendHeadersOrder(deliver);
      firefoxOrder = order;
      sink = (event) => order.handle(event);
    }
    this.#listeners = {
      beforeRequest: (d: WebRequest.OnBeforeRequestDetailsType) => {
        sink({ kind: 'beforeRequest', details: base(d) });
        return undefined;
      },
      sendHeaders: (d: WebRequest.OnSendHeadersDetailsType) => {
        sink({ kind: 'sendHeaders', details: { ...base(d), requestHeaders: headerList(d.requestHeaders) } });
      },
      headersReceived: (d: WebRequest.OnHeadersReceivedDetailsType) => {
        sink({
          kind: 'headersReceived',
          details: { ...base(d), statusCode: d.statusCode, responseHeaders: headerList(d.responseHeaders) },
        });
        return undefined;
      },
      beforeRedirect: (d: WebRequest.OnBeforeRedirectDetailsType) => {
        sink({
          kind: 'beforeRedirect',
          details: { ...base(d), statusCode: d.statusCode, redirectUrl: d.redirectUrl },
        });
      },
      completed: (d: WebRequest.OnCompletedDetailsType) => {
        sink({ kind: 'completed', details: { ...base(d), statusCode: d.statusCode } });
      },
    };
  }

  get armedSince(): number | null {
    return this.#armedSince;
  }

  get armed(): boolean {
    return this.#armed;
  }

  arm(): void {
    if (this.#armed) return;
    const l = this.#listeners;
    const wr = browser.webRequest;
    wr.onBeforeRequest.addListener(l.beforeRequest, FILTER);
    wr.onSendHeaders.addListener(l.sendHeaders, FILTER, ['requestHeaders', ...EXTRA]);
    wr.onHeadersReceived.addListener(l.headersReceived, FILTER, ['responseHeaders', ...EXTRA]);
    wr.onBeforeRedirect.addListener(l.beforeRedirect, FILTER);
    wr.onCompleted.addListener(l.completed, FILTER);
    this.#armed = true;
    this.#armedSince = Date.now();
  }

  disarm(): void {
    if (!this.#armed) return;
    const l = this.#listeners;
    const wr = browser.webRequest;
    wr.onBeforeRequest.removeListener(l.beforeRequest);
    wr.onSendHeaders.removeListener(l.sendHeaders);
    wr.onHeadersReceived.removeListener(l.headersReceived);
    wr.onBeforeRedirect.removeListener(l.beforeRedirect);
    wr.onCompleted.removeListener(l.completed);
    firefoxOrder?.flush();
    this.#armed = false;
    this.#armedSince = null;
  }
}

/**
 * The always-on listener: errors only, no extraHeaders, which costs nothing measurable. It feeds
 * capture for recording tabs and the "blocked — not recorded" count for the others.
 */
export function onRequestError(listener: (e: ErrorOccurredEvent) => void): void {
  browser.webRequest.onErrorOccurred.addListener((d) => {
    // A request's held onSendHeaders (Firefox) goes first, as Chrome would have fired it.
    firefoxOrder?.release(d.requestId);
    listener({ ...base(d), error: errorOf(d.error) });
  }, FILTER);
}

/**
 * The always-on navigation listeners: a tab's main frame starting to load (before the page
 * exists) and its response starting (before the page can make a request). Only main frames, no
 * extraHeaders: two events per page, nothing on the page's own requests. A tab starts recording
 * before its first request, and the worker knows whether capture was armed before the page could
 * make one.
 */
export function onNavigation(listener: {
  started(tabId: number, url: string, timeStamp: number): void;
  responded(tabId: number, timeStamp: number): void;
}): void {
  const mainFrames = { urls: ['<all_urls>'], types: ['main_frame' as const] };
  browser.webRequest.onBeforeRequest.addListener((d) => {
    if (d.tabId >= 0) listener.started(d.tabId, d.url, d.timeStamp);
  }, mainFrames);
  browser.webRequest.onResponseStarted.addListener((d) => {
    if (d.tabId >= 0) listener.responded(d.tabId, d.timeStamp);
  }, mainFrames);
}
