/**
 * From a captured request to a report entry: builds the engine's exchange from what webRequest
 * showed, runs the engine, and reconciles its verdict with what Chrome actually did (the request
 * completed, or failed with which net error).
 */
import type { CapturedRequest } from '../capture/record.ts';
import { diagnose } from '../cors/diagnose.ts';
import type { CredentialsMode, Exchange, Hop, RequestMode } from '../cors/exchange.ts';
import { asciiLower, combinedValue, type HeaderLine, type HeaderList } from '../cors/headers.ts';
import { isForbiddenRequestHeaderName } from '../cors/safelist.ts';
import type { Verdict } from '../cors/verdict.ts';
import { fixTexts, type StackId } from '../fixes/index.ts';

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
  readonly preflight: {
    readonly status: number | null;
    readonly requestHeaders: HeaderList;
    readonly responseHeaders: HeaderList;
  } | null;
  readonly preflightCached: boolean;
  /** The request's own headers as sent on its first hop; null when it never went out (blocked at its preflight). */
  readonly requestHeaders: HeaderList | null;
  /** The last response the request got (a redirect's, when it stopped there). */
  readonly response: { readonly status: number; readonly headers: HeaderList } | null;
  readonly redirects: readonly { readonly url: string; readonly status: number }[];
  /** A net error that is not a CORS block (`net::ERR_CONNECTION_REFUSED`…), or null. */
  readonly networkError: string | null;
  readonly state: EntryState;
  readonly blocked: boolean;
  readonly corsError: string | null;
  readonly failedParameter: string | null;
  readonly firefoxReason: string | null;
  readonly explanation: string | null;
  readonly verdict: Verdict | null;
  /** For a blocked request: stack id (express, nginx, vite-proxy…) → the fix to paste. Null otherwise. */
  readonly fixes: Readonly<Record<StackId, string>> | null;
}

/**
 * Validators the HTTP cache adds when it revalidates a stored response (Fetch: after the CORS
 * preflight decision, so they never need one). A page may set them itself; then they need a
 * preflight, and the preflight's Access-Control-Request-Headers names them.
 */
const CACHE_VALIDATORS = new Set(['if-none-match', 'if-modified-since']);

/** Headers Chrome adds on its own that say nothing about what the page asked for. */
function isBrowserAdded(h: HeaderLine, declared: readonly string[] | null): boolean {
  const name = asciiLower(h.name);
  if (name === 'user-agent') return true;
  if (CACHE_VALIDATORS.has(name)) return !declared?.some((d) => asciiLower(d) === name);
  // DevTools' "Disable cache" adds these; a page that sets them itself also shows them in the preflight.
  return (name === 'cache-control' || name === 'pragma') && asciiLower(h.value.trim()) === 'no-cache';
}

/** Sec-Fetch-Mode when Chrome sent it (to trustworthy URLs), otherwise what the headers imply. */
function modeOf(r: CapturedRequest): RequestMode {
  const sent = r.requestHeaders ? combinedValue(r.requestHeaders, 'Sec-Fetch-Mode') : null;
  if (sent === 'cors' || sent === 'no-cors' || sent === 'same-origin' || sent === 'navigate') return sent;
  if (r.preflights.some((p) => p !== null)) return 'cors';
  if (r.requestHeaders === null || r.type === 'xmlhttprequest' || r.type === 'font') return 'cors';
  // A GET or HEAD carries Origin only in CORS mode.
  return combinedValue(r.requestHeaders, 'Origin') === null ? 'no-cors' : 'cors';
}

export function exchangeOf(r: CapturedRequest, credentials: CredentialsMode): Exchange {
  const hops: Hop[] = [];
  const hopCount = Math.max(r.hop + 1, r.responses.length);
  for (let i = 0; i < hopCount; i++) {
    const preflight = r.preflights[i];
    const response = r.responses[i];
    hops.push({
      url: response?.url ?? (i === r.hop ? r.currentUrl : undefined),
      preflight:
        preflight && preflight.status !== null
          ? { status: preflight.status, headers: preflight.responseHeaders ?? [] }
          : null,
      response: response ? { status: response.status, headers: response.headers } : null,
    });
  }
  const [first, ...redirects] = hops as [Hop, ...Hop[]];
  const firstPreflight = r.preflights[0];
  const declared = firstPreflight
    ? {
        method: combinedValue(firstPreflight.requestHeaders, 'Access-Control-Request-Method'),
        headerNames: (combinedValue(firstPreflight.requestHeaders, 'Access-Control-Request-Headers') ?? '')
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n !== ''),
      }
    : null;
  return {
    origin: r.initiator,
    url: r.url,
    method: r.method,
    // What webRequest shows includes what Chrome added (Origin, Referer, Sec-*…): keep the page's own.
    requestHeaders: (r.requestHeaders ?? []).filter(
      (h) => !isBrowserAdded(h, declared?.headerNames ?? null) && !isForbiddenRequestHeaderName(h.name),
    ),
    mode: modeOf(r),
    credentials,
    preflight: first.preflight ?? null,
    response: first.response ?? null,
    redirects,
    declared,
  };
}

/**
 * The engine's verdict for a captured request. Capture cannot see the credentials mode; a Cookie
 * header proves "include", and when Chrome blocked a request whose headers pass without
 * credentials, the only rule left that could block it is the credentials rule, so we judge it
 * again as a credentialed request and say so.
 */
export function judge(r: CapturedRequest): Verdict {
  const cookies = r.requestHeaders !== null && combinedValue(r.requestHeaders, 'Cookie') !== null;
  const verdict = diagnose(exchangeOf(r, cookies ? 'include' : 'same-origin'));
  if (r.state !== 'failed' || r.error !== 'net::ERR_FAILED' || verdict.blocked || cookies) return verdict;
  const credentialed = diagnose(exchangeOf(r, 'include'));
  if (!credentialed.blocked) return verdict;
  return {
    ...credentialed,
    findings: [
      ...credentialed.findings,
      {
        kind: 'credentials-inferred',
        message:
          'The request was judged as sent with credentials (cookies or HTTP auth): without them its headers pass, ' +
          'and Chrome still blocked it.',
      },
    ],
  };
}

/**
 * Chrome probes its cache for some loads (fonts, for one) with a request that fails with
 * net::ERR_CACHE_MISS and is then made again for real. Such a probe never reached a server and is
 * not worth an entry.
 */
export function isCacheProbe(r: CapturedRequest): boolean {
  return r.state === 'failed' && r.error === 'net::ERR_CACHE_MISS' && r.responses.length === 0;
}

/** True when Chrome's failure came after CORS-relevant headers: a preflight or a response was seen. */
function sawCorsHeaders(r: CapturedRequest): boolean {
  return r.responses.length > 0 || r.preflights.some((p) => p?.status != null);
}

/** Chrome blocked it for CORS: net::ERR_FAILED after CORS-relevant headers were seen. */
export function isCorsBlock(r: CapturedRequest): boolean {
  return r.state === 'failed' && r.error === 'net::ERR_FAILED' && sawCorsHeaders(r);
}

/**
 * Who says whether a request was blocked. 'browser': capture saw the browser's own outcome
 * (Chrome fails a CORS block with net::ERR_FAILED, and completes everything else). 'engine': the
 * source does not show it — Firefox's webRequest completes a response that CORS then hides from
 * the page, and HARs without Chrome's markers say nothing — so the engine's verdict decides, and
 * the entry says so.
 */
export type OutcomeSource = 'browser' | 'engine';

export function reportEntryOf(r: CapturedRequest, outcome: OutcomeSource = 'browser'): ReportEntry {
  if (outcome === 'engine' && !isCorsBlock(r)) return inferredEntry(r);
  return browserEntry(r);
}

function inferredEntry(r: CapturedRequest): ReportEntry {
  // One that got no answer after its preflight did fail: judged like the browser's failures,
  // which also tries the credentials rule.
  const failed: CapturedRequest = { ...r, state: 'failed', error: 'net::ERR_FAILED' };
  const unanswered =
    r.state === 'failed' && r.responses.length === 0 && r.preflights.some((p) => p?.status != null);
  if (!judge(unanswered ? failed : r).blocked) return browserEntry(r);
  const entry = browserEntry(failed);
  if (!entry.verdict) return entry;
  return {
    ...entry,
    verdict: {
      ...entry.verdict,
      findings: [
        ...entry.verdict.findings,
        {
          kind: 'outcome-inferred',
          message:
            'The browser does not report whether it blocked this request; by the headers it exchanged, CORS did.',
        },
      ],
    },
  };
}

function browserEntry(r: CapturedRequest): ReportEntry {
  const verdict = judge(r);
  const corsBlock = isCorsBlock(r);
  const networkError = r.state === 'failed' && !corsBlock ? r.error : null;
  // Chrome's outcome decides blocked or not; the engine says why. Where they differ, say so.
  let v: Verdict = verdict;
  if (r.state === 'completed' && verdict.blocked) {
    v = {
      ...verdict,
      findings: [
        ...verdict.findings,
        {
          kind: 'chrome-disagrees',
          message: `Chrome let this request through although the engine expected ${verdict.corsError}.`,
        },
      ],
    };
  }
  const blocked = corsBlock;
  const last = r.responses.at(-1);
  const firstPreflight = r.preflights[0];
  const entry: ReportEntry = {
    id: r.id,
    tabId: r.tabId,
    frameId: r.frameId,
    url: r.url,
    method: r.method,
    initiator: r.initiator,
    type: r.type,
    time: r.time,
    preflight: firstPreflight
      ? {
          status: firstPreflight.status,
          requestHeaders: firstPreflight.requestHeaders,
          responseHeaders: firstPreflight.responseHeaders ?? [],
        }
      : null,
    preflightCached: v.preflight.cached,
    requestHeaders: r.requestHeaders,
    response: last ? { status: last.status, headers: last.headers } : null,
    redirects: r.responses.slice(0, -1).map((x) => ({ url: x.url, status: x.status })),
    networkError,
    state: r.state,
    blocked,
    corsError: blocked ? v.corsError : null,
    failedParameter: blocked ? v.failedParameter : null,
    firefoxReason: blocked ? v.firefoxReason : null,
    explanation: blocked
      ? (v.explanation ??
        'Chrome blocked this request, but the headers seen satisfy CORS. Another check may be at work ' +
          '(Local Network Access, or another extension).')
      : null,
    verdict: v,
    fixes: null,
  };
  return blocked && v.corsError ? { ...entry, fixes: fixTexts(entry) } : entry;
}

/**
 * A cross-origin request Chrome failed with net::ERR_FAILED while its tab was not recording: most
 * likely a CORS block, but without headers we cannot say which rule. Recording and reloading tells.
 */
export function notRecordedEntry(e: {
  requestId: string;
  tabId: number;
  frameId: number;
  initiator?: string;
  url: string;
  method: string;
  type: string;
  timeStamp: number;
  error: string;
}): ReportEntry {
  const blocked = e.error === 'net::ERR_FAILED';
  return {
    id: e.requestId,
    tabId: e.tabId,
    frameId: e.frameId,
    url: e.url,
    method: e.method,
    initiator: e.initiator ?? 'null',
    type: e.type,
    time: e.timeStamp,
    preflight: null,
    preflightCached: false,
    requestHeaders: null,
    response: null,
    redirects: [],
    networkError: blocked ? null : e.error,
    state: 'not-recorded',
    blocked,
    corsError: null,
    failedParameter: null,
    firefoxReason: null,
    explanation: blocked
      ? 'Blocked while this tab was not recording, so its headers were not captured. Record and reload to see why.'
      : null,
    verdict: null,
    fixes: null,
  };
}
