/**
 * From a HAR to report entries, through the same pairing and engine as live capture.
 *
 * Each HAR entry is replayed as the webRequest events the browser would have fired for it
 * (started, headers sent, headers received, redirected, finished), in time order, into the
 * capture Pairer: a preflight joins the oldest request with the same origin, URL and method that
 * has not sent its headers yet — the rule live capture uses. Chrome's HAR marks preflights
 * (`_resourceType: "preflight"`); without the marker an OPTIONS request with
 * Access-Control-Request-Method and Origin is one. Redirects are separate HAR entries, chained
 * back into one request by their Location.
 *
 * Chrome's HAR says what Chrome did (`_error: "net::ERR_FAILED"` on a blocked request). Other
 * HARs (Firefox's, tools') do not, so there the engine's verdict decides, and the entry says so.
 */
import type { CaptureEvent } from '../capture/events.ts';
import { type Orphan, Pairer } from '../capture/pairing.ts';
import type { CapturedRequest } from '../capture/record.ts';
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
import { type ReportEntry, reportEntryOf } from '../report/entry.ts';
import { type HarBrowser, type HarRecord, readHar, type SkippedEntry } from './read.ts';

export interface HarImport {
  readonly browser: HarBrowser;
  readonly creator: string;
  /** Cross-origin requests, in the order they started. */
  readonly entries: readonly ReportEntry[];
  /** HAR entries in all (same-origin ones included), and how many could not be read. */
  readonly total: number;
  readonly skipped: readonly SkippedEntry[];
  readonly truncated: number;
  /** Things about the file the user should know (unread entries, preflights without a request…). */
  readonly notes: readonly string[];
}

export type HarImportResult =
  | ({ readonly ok: true } & HarImport)
  | { readonly ok: false; readonly error: string };

/** The tab a HAR's requests are filed under: they belong to no live tab. */
export const HAR_TAB_ID = -1;

export function importHar(text: string, limits?: Parameters<typeof readHar>[1]): HarImportResult {
  const read = readHar(text, limits);
  if (!read.ok) return read;
  const outcomeKnown = read.browser === 'chrome';
  const { requests, orphanPreflights } = pairRecords(read.records);
  const orphanIds = new Set(orphanPreflights.map((r) => r.id));
  // A request the file does not hold has no outcome either: the engine decides for it.
  const entries = requests.map((r) =>
    reportEntryOf(r, outcomeKnown && !orphanIds.has(r.id) ? 'browser' : 'engine'),
  );
  const notes: string[] = [];
  if (read.skipped.length > 0) {
    const first = read.skipped
      .slice(0, 3)
      .map((s) => `#${s.index}: ${s.reason}`)
      .join('; ');
    notes.push(`${read.skipped.length} HAR entries could not be read and were left out (${first}).`);
  }
  if (read.truncated > 0)
    notes.push(
      `Only the first ${read.records.length + read.skipped.length} entries were read; ${read.truncated} more were left out.`,
    );
  if (orphanPreflights.length > 0)
    notes.push(
      `${orphanPreflights.length} preflight${orphanPreflights.length === 1 ? '' : 's'} had no request of their own in the HAR; ` +
        'each is shown as the request it announced.',
    );
  if (!outcomeKnown && entries.length > 0)
    notes.push(
      "This HAR does not record whether the browser blocked a request (Chrome's does); CORS Lens judged every request from its headers.",
    );
  return {
    ok: true,
    browser: read.browser,
    creator: read.creator,
    entries,
    total: read.records.length + read.skipped.length + read.truncated,
    skipped: read.skipped,
    truncated: read.truncated,
    notes,
  };
}

/** A request's page origin: its Origin header, else its Referer's origin, else where DevTools says it came from. */
function pageOrigin(r: HarRecord): string | null {
  const origin = combinedValue(r.requestHeaders, 'Origin');
  if (origin !== null && origin !== 'null' && originOf(origin) === origin) return origin;
  const referer = combinedValue(r.requestHeaders, 'Referer');
  const fromReferer = referer !== null ? originOf(referer) : null;
  if (fromReferer !== null && fromReferer !== 'null') return fromReferer;
  const fromInitiator = r.initiatorUrl !== null ? originOf(r.initiatorUrl) : null;
  return fromInitiator !== null && fromInitiator !== 'null' ? fromInitiator : origin;
}

function isPreflight(r: HarRecord): boolean {
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

function typeOf(r: HarRecord): string {
  return (r.resourceType && TYPES[r.resourceType]) ?? 'xmlhttprequest';
}

type Timed = {
  readonly time: number;
  readonly rank: number;
  readonly order: number;
  readonly event: CaptureEvent;
};

/** The events a request's hops (redirects chained) would have fired. */
function chainEvents(chain: readonly HarRecord[], initiator: string | undefined, out: Timed[]): void {
  const [first] = chain as [HarRecord, ...HarRecord[]];
  const base = {
    requestId: `har-${first.index}`,
    tabId: HAR_TAB_ID,
    frameId: 0,
    initiator,
    type: typeOf(first),
  };
  const push = (time: number, rank: number, event: CaptureEvent) =>
    out.push({ time, rank, order: first.index, event });
  push(first.start, 0, {
    kind: 'beforeRequest',
    details: { ...base, url: first.url, method: first.method, timeStamp: first.start },
  });
  for (let i = 0; i < chain.length; i++) {
    const hop = chain[i] as HarRecord;
    const at = { ...base, url: hop.url, method: hop.method };
    // A hop with no status never went out: Chrome lists the headers it would have sent.
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
    const next = chain[i + 1];
    if (next) {
      push(hop.received, 3, {
        kind: 'beforeRedirect',
        details: { ...at, timeStamp: hop.received, statusCode: hop.status, redirectUrl: next.url },
      });
    }
  }
  const last = chain.at(-1) as HarRecord;
  const end = { ...base, url: last.url, method: last.method, timeStamp: last.end };
  if (last.error !== null || last.status === 0) {
    // Chrome times a request blocked at its preflight as ending before the preflight even started:
    // one that never went out is kept pending a while longer, so its preflight finds it.
    const at = last.status === 0 ? Math.max(last.end, last.start + UNSENT_GRACE_MS) : last.end;
    push(at, 4, { kind: 'errorOccurred', details: { ...end, error: last.error ?? NO_RESPONSE } });
  } else {
    push(last.end, 4, { kind: 'completed', details: { ...end, statusCode: last.status } });
  }
}

/** How much earlier than its HAR start a preflight is replayed: twice the HAR's time rounding. */
const PREFLIGHT_LEAD_MS = 2;

/** How long after its start a request that never went out may still meet its preflight. */
const UNSENT_GRACE_MS = 5000;

/** What a HAR entry with status 0 and no error means: the browser got no response. */
const NO_RESPONSE = 'no response (status 0 in the HAR)';

/**
 * A preflight's events, all at its start: HAR timings of a preflight and of its request overlap
 * (Chrome may time the request's headers as sent before the preflight's), but a preflight always
 * starts before its request sends anything, and pairing needs it seen whole by then.
 */
function preflightEvents(p: HarRecord, initiator: string | undefined, out: Timed[]): void {
  const details = {
    requestId: `har-${p.index}`,
    tabId: HAR_TAB_ID,
    frameId: 0,
    initiator,
    url: p.url,
    method: 'OPTIONS',
    type: 'other',
    timeStamp: p.start,
  };
  // startedDateTime is rounded to the millisecond, on the request's and on the preflight's: a
  // request's send time computed from it can land up to 2 ms before its preflight's start (seen:
  // 0.6 ms). A preflight found early waits for its request.
  const time = p.start - PREFLIGHT_LEAD_MS;
  const push = (rank: number, event: CaptureEvent) => out.push({ time, rank, order: p.index, event });
  push(0, { kind: 'beforeRequest', details });
  push(1, { kind: 'sendHeaders', details: { ...details, requestHeaders: p.requestHeaders } });
  if (p.status > 0) {
    push(2, {
      kind: 'headersReceived',
      details: { ...details, statusCode: p.status, responseHeaders: p.responseHeaders },
    });
    push(4, { kind: 'completed', details: { ...details, statusCode: p.status } });
  } else {
    push(4, { kind: 'errorOccurred', details: { ...details, error: p.error ?? NO_RESPONSE } });
  }
}

/**
 * HAR times come from each request's own clock mapping, which under load drifts by tens of
 * milliseconds between entries (seen: a preflight starting 10 ms after its request ended). A
 * preflight the replay could not pair joins the nearest request in time to the same URL, from the
 * same origin, with the method it announced, that shows no preflight for that hop.
 */
function adoptLate(o: Orphan, requests: readonly CapturedRequest[]): boolean {
  let best: { request: CapturedRequest; hop: number; distance: number } | null = null;
  for (const r of requests) {
    if (r.initiator !== (o.event.initiator ?? 'null')) continue;
    const hops = Math.max(r.responses.length, 1);
    for (let hop = 0; hop < hops; hop++) {
      const url = r.responses[hop]?.url ?? r.url;
      if (url !== o.event.url || r.preflights[hop] != null) continue;
      if (hop === 0 && o.method !== null && o.method !== r.method && o.method !== asciiUpper(r.method))
        continue;
      const distance = Math.abs(r.time - o.event.timeStamp);
      if (distance <= LATE_PAIRING_MS && (!best || distance < best.distance))
        best = { request: r, hop, distance };
    }
  }
  if (!best) return false;
  best.request.preflights[best.hop] = o.preflight;
  return true;
}

/** How far apart in HAR time a preflight and its request may be for late pairing. */
const LATE_PAIRING_MS = 2000;

/** Redirect hops chained into requests: a 3xx entry continues as the next entry for its Location. */
function chains(records: readonly HarRecord[]): HarRecord[][] {
  const byStart = [...records].sort((a, b) => a.start - b.start || a.index - b.index);
  const taken = new Set<number>();
  const out: HarRecord[][] = [];
  for (const r of byStart) {
    if (taken.has(r.index)) continue;
    taken.add(r.index);
    const chain = [r];
    let hop = r;
    while (hop.redirectUrl !== null && chain.length < 20) {
      const target = hop.redirectUrl;
      const from = hop;
      const next = byStart.find((x) => !taken.has(x.index) && x.url === target && x.start >= from.start);
      if (!next) break;
      taken.add(next.index);
      chain.push(next);
      hop = next;
    }
    out.push(chain);
  }
  return out;
}

function pairRecords(records: readonly HarRecord[]): {
  requests: CapturedRequest[];
  orphanPreflights: CapturedRequest[];
} {
  const preflights: HarRecord[] = [];
  const requests: HarRecord[] = [];
  for (const r of records) (isPreflight(r) ? preflights : requests).push(r);
  const timed: Timed[] = [];
  for (const chain of chains(requests)) {
    const origin = pageOrigin(chain[0] as HarRecord) ?? undefined;
    chainEvents(chain, origin, timed);
  }
  for (const p of preflights) preflightEvents(p, pageOrigin(p) ?? undefined, timed);
  timed.sort((a, b) => a.time - b.time || a.rank - b.rank || a.order - b.order);

  const pairer = new Pairer();
  const finished: CapturedRequest[] = [];
  for (const { event } of timed) {
    finished.push(...pairer.handle(event).finished);
  }
  const unpaired = pairer.snapshot().orphans.filter((o) => !adoptLate(o, finished));
  // A preflight whose request is not in the file (exported filtered, or a browser that lists only
  // the preflight): shown as the request it announced. Whether that request failed is unknown, so
  // it is judged as it stands: blocked when its preflight fails.
  const orphans = unpaired.map((o): CapturedRequest => {
    const method = o.method ?? 'GET';
    return {
      id: o.preflight.requestId,
      tabId: HAR_TAB_ID,
      frameId: 0,
      documentId: null,
      initiator: o.event.initiator ?? 'null',
      url: o.event.url,
      method,
      type: 'xmlhttprequest',
      time: o.event.timeStamp,
      requestHeaders: null,
      currentUrl: o.event.url,
      currentMethod: method,
      hop: 0,
      hopSentHeaders: false,
      preflights: [o.preflight],
      responses: [],
      state: 'completed',
      error: null,
      endTime: o.event.timeStamp,
    };
  });
  return { requests: [...finished, ...orphans].sort((a, b) => a.time - b.time), orphanPreflights: orphans };
}
