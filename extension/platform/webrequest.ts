/**
 * webRequest, turned into the engine's plain capture events. Chrome shows preflights, `Origin` and
 * `Access-Control-*` headers only to listeners registered with `extraHeaders` — and such a
 * listener makes every request in the browser slower while it is registered (measured ×1.15 even
 * with a filter that matches nothing). So capture is armed only while a tab records, and only the
 * two listeners that need headers ask for them.
 */
import type { CaptureEvent, ErrorOccurredEvent } from '../../src/capture/events.ts';
import type { HeaderLine } from '../../src/cors/headers.ts';

/** The fields every webRequest event shares (documentId is Chrome 106+). */
interface Details {
  requestId: string;
  tabId: number;
  frameId: number;
  documentId?: string;
  initiator?: string;
  url: string;
  method: string;
  type: string;
  timeStamp: number;
}
type RawHeaders = chrome.webRequest.HttpHeader[] | undefined;

/** Header values as Latin-1 strings: binaryValue bytes map one to one onto code units. */
function headerList(raw: RawHeaders): HeaderLine[] {
  return (raw ?? []).map((h) => ({
    name: h.name,
    value: h.value ?? (h.binaryValue ? String.fromCharCode(...h.binaryValue) : ''),
  }));
}

function base(d: Details) {
  return {
    requestId: d.requestId,
    tabId: d.tabId,
    frameId: d.frameId,
    documentId: d.documentId,
    initiator: d.initiator,
    url: d.url,
    method: d.method,
    type: d.type,
    timeStamp: d.timeStamp,
  };
}

const FILTER: chrome.webRequest.RequestFilter = { urls: ['<all_urls>'] };

export type CaptureSink = (event: CaptureEvent) => void;

/** Registers and removes the capture listeners as one set. */
export class CaptureListeners {
  #armed = false;
  readonly #listeners;

  constructor(sink: CaptureSink) {
    this.#listeners = {
      beforeRequest: (d: chrome.webRequest.OnBeforeRequestDetails): undefined => {
        sink({ kind: 'beforeRequest', details: base(d) });
      },
      sendHeaders: (d: chrome.webRequest.OnSendHeadersDetails) => {
        sink({ kind: 'sendHeaders', details: { ...base(d), requestHeaders: headerList(d.requestHeaders) } });
      },
      headersReceived: (d: chrome.webRequest.OnHeadersReceivedDetails): undefined => {
        sink({
          kind: 'headersReceived',
          details: { ...base(d), statusCode: d.statusCode, responseHeaders: headerList(d.responseHeaders) },
        });
      },
      beforeRedirect: (d: chrome.webRequest.OnBeforeRedirectDetails) => {
        sink({
          kind: 'beforeRedirect',
          details: { ...base(d), statusCode: d.statusCode, redirectUrl: d.redirectUrl },
        });
      },
      completed: (d: chrome.webRequest.OnCompletedDetails) => {
        sink({ kind: 'completed', details: { ...base(d), statusCode: d.statusCode } });
      },
    };
  }

  get armed(): boolean {
    return this.#armed;
  }

  arm(): void {
    if (this.#armed) return;
    const l = this.#listeners;
    const wr = chrome.webRequest;
    wr.onBeforeRequest.addListener(l.beforeRequest, FILTER);
    wr.onSendHeaders.addListener(l.sendHeaders, FILTER, ['requestHeaders', 'extraHeaders']);
    wr.onHeadersReceived.addListener(l.headersReceived, FILTER, ['responseHeaders', 'extraHeaders']);
    wr.onBeforeRedirect.addListener(l.beforeRedirect, FILTER);
    wr.onCompleted.addListener(l.completed, FILTER);
    this.#armed = true;
  }

  disarm(): void {
    if (!this.#armed) return;
    const l = this.#listeners;
    const wr = chrome.webRequest;
    wr.onBeforeRequest.removeListener(l.beforeRequest);
    wr.onSendHeaders.removeListener(l.sendHeaders);
    wr.onHeadersReceived.removeListener(l.headersReceived);
    wr.onBeforeRedirect.removeListener(l.beforeRedirect);
    wr.onCompleted.removeListener(l.completed);
    this.#armed = false;
  }
}

/**
 * The always-on listener: errors only, no extraHeaders, which costs nothing measurable. It feeds
 * capture for recording tabs and the "blocked — not recorded" count for the others.
 */
export function onRequestError(listener: (e: ErrorOccurredEvent) => void): void {
  chrome.webRequest.onErrorOccurred.addListener((d) => listener({ ...base(d), error: d.error }), FILTER);
}
