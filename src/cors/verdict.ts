/** The engine's output: whether the browser blocked the request, which rule, which header. */
import type { CorsError, FirefoxReason, Stage } from './errors.ts';
import type { PreflightReason } from './safelist.ts';

export type Outcome =
  /** The CORS protocol let the page read the response. */
  | 'allowed'
  /** The browser blocked it: `corsError` says why. */
  | 'blocked'
  /** Not enough was recorded to decide (no response and no preflight, or a redirect hop missing). */
  | 'incomplete'
  /** The request failed for a reason that is not CORS (an unsafe redirect, a refused connection). */
  | 'network-error'
  /** No CORS check applies: a same-origin request, or `mode: "no-cors"`. */
  | 'not-cors';

/** The header (or status) at fault: what the browser needed, what the server sent. */
export interface Culprit {
  readonly where: 'request' | 'preflight' | 'response' | 'redirect';
  /** A header name as it is usually written, or `status`. */
  readonly field: string;
  readonly expected: string;
  /** The value the browser read (repeated lines joined with ", "), or null when absent. */
  readonly received: string | null;
  /** For a header list: every name the server must add, not only the one Chrome named. */
  readonly missing?: readonly string[];
}

/** Something odd in the input that is worth telling the user, whether or not it blocked anything. */
export interface Finding {
  readonly kind:
    | 'forbidden-header-dropped'
    | 'forbidden-method'
    | 'malformed-url'
    | 'malformed-location'
    | 'missing-preflight'
    | 'missing-response'
    | 'missing-redirect-hop'
    | 'preflight-cached'
    | 'non-latin1-header'
    | 'huge-header'
    | 'authorization-wildcard'
    | 'unsafe-redirect'
    | 'preflight-status'
    | 'credentials-inferred'
    | 'credentials-undetermined'
    | 'chrome-disagrees'
    | 'outcome-inferred'
    | 'null-origin-allowed'
    | 'origin-without-vary'
    | 'credentials-origin-check'
    | 'max-age-over-cap';
  readonly message: string;
  /** A configuration that works but is risky: shown as a warning and counted in reports. */
  readonly risk?: true;
  /** Where the risk is explained. */
  readonly link?: string;
}

export interface PreflightSummary {
  /** Whether the request's method and headers require a preflight (Fetch §4.8 step 5.1). */
  readonly required: boolean;
  /** Each reason the request is not "simple". */
  readonly reasons: readonly PreflightReason[];
  /** A preflight response was recorded for the first hop that needed one. */
  readonly seen: boolean;
  /** One was needed but none went out: served from the preflight cache. */
  readonly cached: boolean;
}

export interface Verdict {
  readonly outcome: Outcome;
  readonly blocked: boolean;
  readonly corsError: CorsError | null;
  /** Exactly as Chrome reports it in `corsErrorStatus.failedParameter` ('' when it names none); null when not blocked. */
  readonly failedParameter: string | null;
  readonly firefoxReason: FirefoxReason | null;
  readonly stage: Stage | null;
  /** Index of the hop where the browser stopped (0 = the first URL). */
  readonly hop: number;
  readonly culprit: Culprit | null;
  /** Texts are made when first read, not when the verdict is: most verdicts are never shown. */
  readonly title: string | null;
  /** Plain-language explanation with the real origin and culprit filled in (text, never HTML). */
  readonly explanation: string | null;
  readonly link: string | null;
  /** The origin the browser sent on the failing hop: the page's, or "null" after a cross-origin redirect. */
  readonly origin: string;
  readonly preflight: PreflightSummary;
  readonly findings: readonly Finding[];
  /**
   * Only when the exchange's credentials mode was "unknown" and it matters: the verdict had the
   * request carried credentials (cookies or HTTP auth), which fails earlier or differently than
   * this one. Absent when both readings agree.
   */
  readonly credentialed?: Verdict;
}
