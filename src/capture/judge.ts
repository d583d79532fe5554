/**
 * Judging a captured request, once: the exchange as the engine reads it, the engine's verdict,
 * and whether the request was blocked — the browser's word where the source carries it, the
 * engine's where it does not — with the credentials mode read in one place.
 */

import { addressSpaceOf } from '../cors/address-space.ts';
import { diagnose } from '../cors/diagnose.ts';
import type { Exchange } from '../cors/exchange.ts';
import { combinedValue } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
import type { Finding, Verdict } from '../cors/verdict.ts';
import { CORS_FAILURE, LOCAL_NETWORK_FAILURE } from './events.ts';
import { exchangeOf } from './exchange.ts';
import type { CapturedRequest } from './record.ts';

/**
 * Who says whether a request was blocked. 'browser': the source carries the browser's own outcome
 * (Chrome fails a CORS block with net::ERR_FAILED, and completes everything else). 'engine': it
 * does not — Firefox's webRequest completes a response that CORS then hides from the page, and
 * HARs without Chrome's markers say nothing — so the engine's verdict decides, and the entry says so.
 */
export type OutcomeSource = 'browser' | 'engine';

export interface Judgement {
  /** The exchange as judged: its credentials mode is the one the verdict read. */
  readonly exchange: Exchange;
  readonly verdict: Verdict;
  readonly blocked: boolean;
  /** Where the request ended up: "failed" also when the engine found it blocked and the source did not say. */
  readonly state: CapturedRequest['state'];
  /** A net error that is not a CORS block (`net::ERR_CONNECTION_REFUSED`…), or null. */
  readonly networkError: string | null;
  /** The engine decided, and blocked or allowed turns on a credentials mode nothing recorded. */
  readonly undetermined: boolean;
}

/** True when Chrome's failure came after CORS-relevant headers: a preflight or a response was seen. */
function sawCorsHeaders(r: CapturedRequest): boolean {
  return r.responses.length > 0 || r.preflights.some((p) => p?.status != null);
}

/**
 * Chrome refused it under Local Network Access: it says so (webRequest, and CDP, whose verdict the
 * CDP log turns into the same error), or — where only net::ERR_FAILED is told (DevTools' log, a
 * HAR) — a request to a loopback or private address failed before any answer came, which no CORS
 * header can cause.
 */
export function isLocalNetworkBlock(r: CapturedRequest): boolean {
  if (r.state !== 'failed') return false;
  if (r.error === LOCAL_NETWORK_FAILURE) return true;
  if (r.error !== CORS_FAILURE || sawCorsHeaders(r)) return false;
  // webRequest names a refused request itself, but a preflighted one only on its preflight: there
  // the preflight must have been seen going out, unanswered. One not seen at all was missed (the
  // worker was stopped), not refused. CDP always says it (see src/cdp/network.ts).
  if (r.source === 'cdp') return false;
  if (r.source !== 'devtools' && r.source !== 'har' && !r.preflights.some((p) => p !== null)) return false;
  const space = addressSpaceOf(r.currentUrl);
  return space === 'loopback' || space === 'local';
}

/** Chrome blocked it for CORS: net::ERR_FAILED after CORS-relevant headers were seen, or Local Network Access. */
export function isCorsBlock(r: CapturedRequest): boolean {
  return (r.state === 'failed' && r.error === CORS_FAILURE && sawCorsHeaders(r)) || isLocalNetworkBlock(r);
}

/**
 * A request that failed while its tab was not recording: with no headers to judge, net::ERR_FAILED
 * on a cross-origin request is most likely a CORS block, and is counted as one.
 */
export function blockedWithoutRecord(error: string): boolean {
  return error === CORS_FAILURE || error === LOCAL_NETWORK_FAILURE;
}

/**
 * Chrome probes its cache for some loads (fonts, for one) with a request that fails with
 * net::ERR_CACHE_MISS and is then made again for real. Such a probe never reached a server and is
 * not worth an entry.
 */
export function isCacheProbe(r: CapturedRequest): boolean {
  return r.state === 'failed' && r.error === 'net::ERR_CACHE_MISS' && r.responses.length === 0;
}

function withFinding(verdict: Verdict, finding: Finding): Verdict {
  return { ...verdict, findings: [...verdict.findings, finding] };
}

/**
 * What proves a request carried credentials, as capture sees it: a `Cookie` header on a request
 * to another origin (to its own, the default mode "same-origin" sends cookies too: a chain that
 * starts on the page's origin and is redirected away proves nothing by them); Chrome's
 * `Sec-Fetch-Storage-Access`, which it sends on a cross-site request in credentials mode "include"
 * and on no other (measured in Chromium 156 — on the request, never on its preflight); a beacon
 * (`type: ping`), which always includes credentials.
 */
export function provesCredentials(
  r: Pick<CapturedRequest, 'type' | 'requestHeaders' | 'url' | 'initiator'>,
): boolean {
  if (r.type === 'ping') return true;
  if (r.requestHeaders === null) return false;
  if (combinedValue(r.requestHeaders, 'Sec-Fetch-Storage-Access') !== null) return true;
  return combinedValue(r.requestHeaders, 'Cookie') !== null && originOf(r.url) !== r.initiator;
}

/**
 * The request as the page's own word tells it (page-word.ts). A call that did not fail completed.
 * One that failed after an answer came failed as a CORS block does (the answer was there; CORS hid
 * it). One that failed with only its preflight seen was blocked there if the engine finds the
 * preflight refusing it — otherwise it failed on the network after passing it, as did one with
 * nothing seen; their own error stays.
 */
function withPageWord(r: CapturedRequest, word: NonNullable<CapturedRequest['pageSaw']>): CapturedRequest {
  if (!word.failed) return r.state === 'completed' ? r : { ...r, state: 'completed', error: null };
  const network = { ...r, state: 'failed' as const, error: r.error ?? PAGE_SAW_FAILURE };
  if (r.responses.length > 0) return { ...r, state: 'failed', error: CORS_FAILURE };
  if (!sawCorsHeaders(r)) return network;
  const atPreflight = diagnose(exchangeOf(r, word.credentials)).blocked;
  return atPreflight ? { ...r, state: 'failed', error: CORS_FAILURE } : network;
}

/** The error of a call the page saw fail when the source recorded none. */
export const PAGE_SAW_FAILURE = 'the page saw the call fail (a network error)';

export function judge(captured: CapturedRequest, outcome: OutcomeSource): Judgement {
  // The page's own word, where an observer heard it, is the browser's outcome and the mode asked for.
  const word = captured.pageSaw;
  const r = word ? withPageWord(captured, word) : captured;
  const source: OutcomeSource = word ? 'browser' : outcome;
  const browserBlocked = isCorsBlock(r);
  // Capture cannot see the credentials mode; some headers prove "include". Otherwise: where Chrome
  // allowed the request either reading holds; where it failed as a CORS block would (or the
  // source does not say), both readings are run, and the one that explains what happened is taken.
  const unanswered = r.state === 'failed' && r.responses.length === 0 && sawCorsHeaders(r);
  const failedLikeCors =
    (r.state === 'failed' && r.error === CORS_FAILURE) || (source === 'engine' && unanswered);
  const unknownMode = source === 'engine' || failedLikeCors;
  const exchange = exchangeOf(
    r,
    word ? word.credentials : provesCredentials(r) ? 'include' : unknownMode ? 'unknown' : 'same-origin',
    isLocalNetworkBlock(r),
  );
  const run = diagnose(exchange);
  let verdict: Verdict = run;
  let credentials = exchange.credentials;
  /** The engine decides, and the verdict turns on a credentials mode nobody recorded. */
  let undetermined = false;
  if (credentials === 'unknown') {
    credentials = 'same-origin';
    if (run.credentialed) {
      const { credentialed, ...uncredentialed } = run;
      verdict = uncredentialed;
      if (!uncredentialed.blocked && failedLikeCors) {
        verdict = withFinding(credentialed, {
          kind: 'credentials-inferred',
          message:
            'The request was judged as sent with credentials (cookies or HTTP auth): without them its headers pass, ' +
            'and the browser still blocked it.',
        });
        credentials = 'include';
      } else if (!uncredentialed.blocked && credentialed.blocked) {
        undetermined = true;
        verdict = withFinding(uncredentialed, {
          kind: 'credentials-undetermined',
          message:
            `Allowed if the page sent it without credentials. Sent with credentials (credentials: "include", ` +
            `withCredentials) the browser blocks it: ${credentialed.title ?? credentialed.corsError}. ` +
            'Nothing recorded shows which one the page used.',
        });
      } else if (uncredentialed.blocked && credentialed.blocked) {
        verdict = withFinding(uncredentialed, {
          kind: 'credentials-undetermined',
          message:
            `Judged as sent without credentials. Had the page sent it with credentials (credentials: "include"), ` +
            `the browser would name ${credentialed.corsError} instead: ${credentialed.title ?? ''}`.trim(),
        });
      }
    }
  }
  const judged = credentials === exchange.credentials ? exchange : { ...exchange, credentials };

  if (source === 'browser' || browserBlocked) {
    // Chrome's outcome decides blocked or not; the engine says why. Where they differ, say so.
    if (r.state === 'completed' && verdict.blocked) {
      verdict = withFinding(verdict, {
        kind: 'chrome-disagrees',
        message: `The browser let this request through although the engine expected ${verdict.corsError}.`,
      });
    }
    return {
      exchange: judged,
      verdict,
      blocked: browserBlocked,
      state: r.state,
      networkError: r.state === 'failed' && !browserBlocked ? r.error : null,
      undetermined: false,
    };
  }
  if (!verdict.blocked) {
    return {
      exchange: judged,
      verdict,
      blocked: false,
      state: r.state,
      networkError: r.state === 'failed' ? r.error : null,
      undetermined,
    };
  }
  return {
    exchange: judged,
    verdict: withFinding(verdict, {
      kind: 'outcome-inferred',
      message:
        'The browser does not report whether it blocked this request; by the headers it exchanged, CORS did.',
    }),
    blocked: true,
    state: 'failed',
    networkError: null,
    undetermined: false,
  };
}
