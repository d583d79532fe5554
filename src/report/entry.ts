/**
 * A report entry: one captured request as the report contract (`cors:report`) carries it, put
 * together from the request and its judgement, with the fix for every stack when it was blocked.
 */
import type { ErrorOccurredEvent } from '../capture/events.ts';
import { blockedWithoutRecord, type Judgement, judge, type OutcomeSource } from '../capture/judge.ts';
import type { CapturedRequest, CaptureSource, SourceLocation } from '../capture/record.ts';
import type { HeaderList } from '../cors/headers.ts';
import { CHROME_PREFLIGHT_CACHE, cachedSeconds } from '../cors/preflight-cache.ts';
import type { Verdict } from '../cors/verdict.ts';
import { type CorsRequirement, requirementOf, type StackId } from '../fixes/index.ts';

export type EntryState = 'pending' | 'completed' | 'failed' | 'not-recorded';

/**
 * One request in the report contract (`cors:report`), version 1. Fields up to `explanation` are
 * the public contract; `verdict` carries the engine's full answer for the panel.
 */
export interface ReportEntry {
  readonly id: string;
  /** Position in the tab's log, for incremental readers; absent while the request is in flight. */
  readonly seq?: number;
  readonly tabId: number;
  readonly frameId: number;
  /** The exact request URL. */
  readonly url: string;
  readonly method: string;
  /** The page origin that made the request. */
  readonly initiator: string;
  /** webRequest resource type: xmlhttprequest, font, image, script… */
  readonly type: string;
  /** When it started, ms since the epoch. */
  readonly time: number;
  /** Where it was seen: DevTools' network log, the worker's webRequest listeners, or a HAR file. */
  readonly source: CaptureSource;
  /** The line of the page's code that made the request (line and column from 1), when the source tells. */
  readonly initiatorLocation: SourceLocation | null;
  readonly preflight: {
    readonly status: number | null;
    readonly requestHeaders: HeaderList;
    readonly responseHeaders: HeaderList;
  } | null;
  readonly preflightCached: boolean;
  /**
   * For a request the preflight cache served: the preflight it most likely reused (the last this
   * page got for the URL), the Max-Age Chrome applied (seconds: the header, 5 without it, at most
   * 7,200) and when that cache entry expires (ms since the epoch). Null otherwise.
   */
  readonly preflightCachedFrom: {
    readonly time: number;
    readonly maxAgeSeconds: number;
    readonly until: number;
    /** Access-Control-Max-Age as that preflight's answer sent it (null: not sent): each browser reads it its way. */
    readonly maxAgeHeader?: string | null;
  } | null;
  /** The request's own headers as sent on its first hop; null when it never went out (blocked at its preflight). */
  readonly requestHeaders: HeaderList | null;
  /** The last response the request got (a redirect's, when it stopped there). */
  readonly response: { readonly status: number; readonly headers: HeaderList } | null;
  readonly redirects: readonly { readonly url: string; readonly status: number }[];
  /** A net error that is not a CORS block (`net::ERR_CONNECTION_REFUSED`…), or null. */
  readonly networkError: string | null;
  readonly state: EntryState;
  readonly blocked: boolean;
  /**
   * The browser did not say (Firefox, a HAR without Chrome's markers) and the verdict turns on the
   * credentials mode, which nothing recorded: allowed without credentials, blocked with them.
   */
  readonly undetermined: boolean;
  readonly corsError: string | null;
  readonly failedParameter: string | null;
  readonly firefoxReason: string | null;
  readonly explanation: string | null;
  readonly verdict: Verdict | null;
  /**
   * What the server must send for this request to pass (for an allowed one: to keep passing), the
   * input of the per-server fix; null where CORS headers play no part.
   */
  readonly requirement: CorsRequirement | null;
  /**
   * For a blocked request in the JSON export: stack id (express, nginx, vite-proxy…) → the fix to
   * paste. Live report messages leave it out — a view renders the one stack it shows from
   * `requirement` (fixTextFor), and each whole reply's `servers` carry every stack's merged fix.
   */
  readonly fixes?: Readonly<Record<StackId, string>> | null;
}

/** A captured request, judged once, as an entry. */
export function reportEntryOf(r: CapturedRequest, source: OutcomeSource = 'browser'): ReportEntry {
  return entryOf(r, judge(r, source));
}

/** The entry for a request and its judgement. */
export function entryOf(r: CapturedRequest, j: Judgement): ReportEntry {
  const { verdict: v, blocked } = j;
  // Headers can make it pass: blocked by a CORS rule (not Local Network Access), or allowed as CORS.
  const requirement =
    (blocked && v.corsError && v.stage !== 'local-network') || (!blocked && v.outcome === 'allowed')
      ? requirementOf(j.exchange, v)
      : null;
  const last = r.responses.at(-1);
  const firstPreflight = r.preflights[0];
  return {
    id: r.id,
    tabId: r.tabId,
    frameId: r.frameId,
    url: r.url,
    method: r.method,
    initiator: r.initiator,
    type: r.type,
    time: r.time,
    source: r.source ?? 'webrequest',
    initiatorLocation: r.initiatorLocation ?? null,
    preflight: firstPreflight
      ? {
          status: firstPreflight.status,
          requestHeaders: firstPreflight.requestHeaders,
          responseHeaders: firstPreflight.responseHeaders ?? [],
        }
      : null,
    preflightCached: v.preflight.cached,
    preflightCachedFrom: v.preflight.cached && r.cachedFrom ? cacheEntry(r.cachedFrom) : null,
    requestHeaders: r.requestHeaders,
    response: last ? { status: last.status, headers: last.headers } : null,
    redirects: r.responses.slice(0, -1).map((x) => ({ url: x.url, status: x.status })),
    networkError: j.networkError,
    state: j.state,
    blocked,
    undetermined: j.undetermined,
    corsError: blocked ? v.corsError : null,
    failedParameter: blocked ? v.failedParameter : null,
    firefoxReason: blocked ? v.firefoxReason : null,
    explanation: blocked
      ? (v.explanation ??
        'The browser blocked this request, but the headers seen satisfy CORS. Another check may be at work ' +
          '(Local Network Access, or another extension).')
      : null,
    verdict: v,
    requirement,
  };
}

/** The cached answer as Chrome keeps it (the views read `maxAgeHeader` again for Firefox). */
function cacheEntry(from: { readonly time: number; readonly maxAge: string | null }) {
  const maxAgeSeconds = cachedSeconds(CHROME_PREFLIGHT_CACHE, from.maxAge);
  return {
    time: from.time,
    maxAgeSeconds,
    until: from.time + maxAgeSeconds * 1000,
    maxAgeHeader: from.maxAge,
  };
}

/**
 * A cross-origin request Chrome failed while its tab was not recording: without headers we cannot
 * say which rule, only that net::ERR_FAILED most likely means CORS. Recording and reloading tells.
 */
export function notRecordedEntry(
  e: Pick<
    ErrorOccurredEvent,
    'requestId' | 'tabId' | 'frameId' | 'initiator' | 'url' | 'method' | 'type' | 'timeStamp' | 'error'
  >,
): ReportEntry {
  const blocked = blockedWithoutRecord(e.error);
  return {
    id: e.requestId,
    tabId: e.tabId,
    frameId: e.frameId,
    url: e.url,
    method: e.method,
    initiator: e.initiator ?? 'null',
    type: e.type,
    time: e.timeStamp,
    source: 'webrequest',
    initiatorLocation: null,
    preflight: null,
    preflightCached: false,
    preflightCachedFrom: null,
    requestHeaders: null,
    response: null,
    redirects: [],
    networkError: blocked ? null : e.error,
    state: 'not-recorded',
    blocked,
    undetermined: false,
    corsError: null,
    failedParameter: null,
    firefoxReason: null,
    explanation: blocked
      ? 'Blocked while this tab was not recording, so its headers were not captured. Record and reload to see why.'
      : null,
    verdict: null,
    requirement: null,
  };
}
