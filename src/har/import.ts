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
import { Pairer } from '../capture/pairing.ts';
import type { CapturedRequest } from '../capture/record.ts';
import { type PreflightCacheRules, preflightCacheOf } from '../cors/preflight-cache.ts';
import { type ReportEntry, reportEntryOf } from '../report/entry.ts';
import { type HarBrowser, type HarRecord, readHar, type SkippedEntry } from './read.ts';
import {
  adoptLate,
  hopEvents,
  isPreflight,
  type Push,
  pageOrigin,
  preflightEvents,
  type ReplayBase,
  requestAnnounced,
  startEvent,
  typeOf,
} from './replay.ts';

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
  const { requests, orphanPreflights } = pairRecords(
    read.records,
    preflightCacheOf(read.browser === 'firefox' ? 'firefox' : 'chrome'),
  );
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

type Timed = {
  readonly time: number;
  readonly rank: number;
  readonly order: number;
  readonly event: CaptureEvent;
};

/** The events a request's hops (redirects chained) would have fired. */
function chainEvents(chain: readonly HarRecord[], initiator: string | undefined, out: Timed[]): void {
  const [first] = chain as [HarRecord, ...HarRecord[]];
  const base: ReplayBase = {
    requestId: `har-${first.index}`,
    tabId: HAR_TAB_ID,
    frameId: 0,
    initiator,
    type: typeOf(first),
    source: 'har',
  };
  const push: Push = (time, rank, event) => out.push({ time, rank, order: first.index, event });
  startEvent(first, base, push);
  for (const [i, hop] of chain.entries()) hopEvents(hop, base, push, chain[i + 1]?.url ?? null);
}

function preflightTimed(p: HarRecord, initiator: string | undefined, out: Timed[]): void {
  const base: ReplayBase = {
    requestId: `har-${p.index}`,
    tabId: HAR_TAB_ID,
    frameId: 0,
    initiator,
    type: 'other',
    source: 'har',
  };
  preflightEvents(p, base, (time, rank, event) => out.push({ time, rank, order: p.index, event }));
}

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

function pairRecords(
  records: readonly HarRecord[],
  rules: PreflightCacheRules,
): {
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
  for (const p of preflights) preflightTimed(p, pageOrigin(p) ?? undefined, timed);
  timed.sort((a, b) => a.time - b.time || a.rank - b.rank || a.order - b.order);

  const pairer = new Pairer(undefined, rules);
  const finished: CapturedRequest[] = [];
  for (const { event } of timed) {
    finished.push(...pairer.handle(event).finished);
  }
  const unpaired = pairer.snapshot().orphans.filter((o) => adoptLate(o, finished) === null);
  // A preflight whose request is not in the file (exported filtered, or a browser that lists only
  // the preflight): shown as the request it announced. Whether that request failed is unknown, so
  // it is judged as it stands: blocked when its preflight fails.
  const orphans = unpaired.map((o) => requestAnnounced(o, HAR_TAB_ID, 'har'));
  return { requests: [...finished, ...orphans].sort((a, b) => a.time - b.time), orphanPreflights: orphans };
}
