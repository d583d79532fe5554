/**
 * A HAR record as the webRequest events the browser would have fired for it: started, headers
 * sent, headers received, redirected, finished. HAR import replays a whole file's events in time
 * order, so the Pairer sees what live capture sees: a HAR file from any tool (Firefox, Playwright)
 * may lack Chrome's preflight markers, and only the timing pairs them. DevTools' own log, read as
 * it grows, is built directly (devtools-log.ts); both read a record's page and kind from here.
 */
import type { CaptureEvent } from '../capture/events.ts';
import type { Orphan } from '../capture/pairing.ts';
import { type CapturedRequest, type CaptureSource, startedRequest } from '../capture/record.ts';
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
import type { HarRecord } from './read.ts';

/** Receives one event, with when it happened and, for events at the same time, its order. */
export type Push = (time: number, rank: number, event: CaptureEvent) => void;

/** What every event of one request shares. */
export interface ReplayBase {
  readonly requestId: string;
  readonly tabId: number;
  readonly frameId: number;
  readonly initiator: string | undefined;
  readonly type: string;
  readonly source: CaptureSource;
}

/** What a HAR entry with status 0 and no error means: the browser got no response. */
export const NO_RESPONSE = 'no response (status 0 in the HAR)';

/** How long after its start a request that never went out may still meet its preflight. */
const UNSENT_GRACE_MS = 5000;

/** How much earlier than its HAR start a preflight is replayed: twice the HAR's time rounding. */
const PREFLIGHT_LEAD_MS = 2;

/** A request's page origin: its Origin header, else its Referer's origin, else where DevTools says it came from. */
export function pageOrigin(r: HarRecord): string | null {
  const origin = combinedValue(r.requestHeaders, 'Origin');
  if (origin !== null && origin !== 'null' && originOf(origin) === origin) return origin;
  const referer = combinedValue(r.requestHeaders, 'Referer');
  const fromReferer = referer !== null ? originOf(referer) : null;
  if (fromReferer !== null && fromReferer !== 'null') return fromReferer;
  const fromInitiator = r.initiatorUrl !== null ? originOf(r.initiatorUrl) : null;
  return fromInitiator !== null && fromInitiator !== 'null' ? fromInitiator : origin;
}

/** A CORS preflight: marked so by the browser, or an OPTIONS with Access-Control-Request-Method and Origin. */
export function isPreflight(r: HarRecord): boolean {
  if (r.markedPreflight) return true;
  return (
    r.method === 'OPTIONS' &&
    combinedValue(r.requestHeaders, 'Access-Control-Request-Method') !== null &&
    combinedValue(r.requestHeaders, 'Origin') !== null
  );
}

/** webRequest's resource type for Chrome's `_resourceType`. */
const TYPES: Record<string, string> = {
  fetch: 'xmlhttprequest',
  xhr: 'xmlhttprequest',
  document: 'main_frame',
  stylesheet: 'stylesheet',
  script: 'script',
  image: 'image',
  font: 'font',
  media: 'media',
  websocket: 'websocket',
  ping: 'ping',
  csp_violation_report: 'csp_report',
};

export function typeOf(r: HarRecord): string {
  return (
    (r.resourceType && Object.hasOwn(TYPES, r.resourceType) && TYPES[r.resourceType]) || 'xmlhttprequest'
  );
}

/** The request's start: it carries the line of code that made it. */
export function startEvent(first: HarRecord, base: ReplayBase, push: Push): void {
  push(first.start, 0, {
    kind: 'beforeRequest',
    details: {
      ...base,
      url: first.url,
      method: first.method,
      timeStamp: first.start,
      initiatorLocation: first.initiatorLocation,
    },
  });
}

/**
 * One hop's events: its headers sent and received (a hop with no status never went out: Chrome
 * lists the headers it would have sent), then its redirect to `next`, or the request's end.
 */
export function hopEvents(hop: HarRecord, base: ReplayBase, push: Push, next: string | null): void {
  const at = { ...base, url: hop.url, method: hop.method };
  if (hop.status > 0) {
    push(hop.sent, 1, {
      kind: 'sendHeaders',
      details: { ...at, timeStamp: hop.sent, requestHeaders: hop.requestHeaders },
    });
    push(hop.received, 2, {
      kind: 'headersReceived',
      details: {
        ...at,
        timeStamp: hop.received,
        statusCode: hop.status,
        responseHeaders: hop.responseHeaders,
      },
    });
  }
  if (next !== null) {
    push(hop.received, 3, {
      kind: 'beforeRedirect',
      details: { ...at, timeStamp: hop.received, statusCode: hop.status, redirectUrl: next },
    });
    return;
  }
  if (hop.error !== null || hop.status === 0) {
    // Chrome times a request blocked at its preflight as ending before the preflight even started:
    // one that never went out is kept pending a while longer, so its preflight finds it.
    const time = hop.status === 0 ? Math.max(hop.end, hop.start + UNSENT_GRACE_MS) : hop.end;
    push(time, 4, {
      kind: 'errorOccurred',
      details: { ...at, timeStamp: hop.end, error: hop.error ?? NO_RESPONSE },
    });
  } else {
    push(hop.end, 4, { kind: 'completed', details: { ...at, timeStamp: hop.end, statusCode: hop.status } });
  }
}

/**
 * A preflight's events, all at its start: HAR timings of a preflight and of its request overlap
 * (Chrome may time the request's headers as sent before the preflight's), but a preflight always
 * starts before its request sends anything, and pairing needs it seen whole by then.
 */
export function preflightEvents(p: HarRecord, base: ReplayBase, push: Push): void {
  const details = { ...base, url: p.url, method: 'OPTIONS', type: 'other', timeStamp: p.start };
  // startedDateTime is rounded to the millisecond, on the request's and on the preflight's: a
  // request's send time computed from it can land up to 2 ms before its preflight's start (seen:
  // 0.6 ms). A preflight found early waits for its request.
  const time = p.start - PREFLIGHT_LEAD_MS;
  push(time, 0, { kind: 'beforeRequest', details });
  push(time, 1, { kind: 'sendHeaders', details: { ...details, requestHeaders: p.requestHeaders } });
  if (p.status > 0) {
    push(time, 2, {
      kind: 'headersReceived',
      details: { ...details, statusCode: p.status, responseHeaders: p.responseHeaders },
    });
    push(time, 4, { kind: 'completed', details: { ...details, statusCode: p.status } });
  } else {
    push(time, 4, { kind: 'errorOccurred', details: { ...details, error: p.error ?? NO_RESPONSE } });
  }
}

/** How far apart in HAR time a preflight and its request may be for late pairing. */
const LATE_PAIRING_MS = 2000;

/**
 * HAR times come from each request's own clock mapping, which under load drifts by tens of
 * milliseconds between entries (seen: a preflight starting 10 ms after its request ended). A
 * preflight the replay could not pair joins the nearest request in time to the same URL, from the
 * same origin, with the method it announced, that shows no preflight for that hop.
 */
export function adoptLate(o: Orphan, requests: readonly CapturedRequest[]): CapturedRequest | null {
  let best: { request: CapturedRequest; hop: number; distance: number } | null = null;
  for (const r of requests) {
    if (r.initiator !== (o.event.initiator ?? 'null')) continue;
    // Every hop, the last included: a request blocked at a later hop's preflight has no response there.
    const hops = Math.max(r.responses.length, r.hop + 1, 1);
    for (let hop = 0; hop < hops; hop++) {
      const url = r.responses[hop]?.url ?? (hop === r.hop ? r.currentUrl : r.url);
      if (url !== o.event.url || r.preflights[hop] != null) continue;
      if (hop === 0 && o.method !== null && o.method !== r.method && o.method !== asciiUpper(r.method))
        continue;
      const distance = Math.abs(r.time - o.event.timeStamp);
      if (distance <= LATE_PAIRING_MS && (!best || distance < best.distance))
        best = { request: r, hop, distance };
    }
  }
  if (!best) return null;
  best.request.preflights[best.hop] = o.preflight;
  return best.request;
}

/**
 * A preflight whose request is not in the log (a HAR exported filtered, or a browser that lists
 * only the preflight of a request it blocked there — Firefox's DevTools), as the request it
 * announced. Whether that request failed is unknown, so it is judged as it stands: blocked when
 * its preflight fails.
 */
export function requestAnnounced(o: Orphan, tabId: number, source: CaptureSource): CapturedRequest {
  return {
    ...startedRequest({
      id: o.preflight.requestId,
      tabId,
      frameId: o.event.frameId,
      documentId: null,
      initiator: o.event.initiator ?? 'null',
      url: o.event.url,
      method: o.method ?? 'GET',
      type: 'xmlhttprequest',
      time: o.event.timeStamp,
      source,
      initiatorLocation: null,
    }),
    preflights: [o.preflight],
    state: 'completed',
    endTime: o.event.timeStamp,
  };
}
