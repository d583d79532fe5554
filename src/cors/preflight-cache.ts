/**
 * How each browser keeps a preflight's answer (the CORS-preflight cache, Fetch §4.10), as measured
 * (PLATFORM.md; Firefox's CORS mochitests, test_CrossSiteXHR_cache.html, run in both browsers) and
 * as Firefox's nsCORSListenerProxy.cpp reads the header: one place for these facts, read by the
 * verdict's findings, the entry's "served from the cache" and the card's words.
 */
export interface PreflightCacheRules {
  readonly browser: 'Chrome' | 'Firefox';
  /** Seconds an answer is kept without Access-Control-Max-Age. */
  readonly defaultSeconds: number;
  /** Seconds kept when the header is there but not a number of seconds ("3600 3", "asdf"). */
  readonly invalidSeconds: number;
  /** The most seconds an answer is kept, whatever Max-Age says. */
  readonly maxSeconds: number;
  /** One entry per URL that a later preflight replaces, or each method and header kept apart. */
  readonly keyedBy: 'url' | 'method-and-header';
  /** A request that then fails its CORS check clears the URL's entries. */
  readonly failureClears: boolean;
  /** Preflights with and without credentials are cached apart. */
  readonly credentialsApart: boolean;
}

export const CHROME_PREFLIGHT_CACHE = {
  browser: 'Chrome',
  defaultSeconds: 5,
  invalidSeconds: 5,
  maxSeconds: 7200,
  keyedBy: 'url',
  failureClears: false,
  credentialsApart: false,
} as const satisfies PreflightCacheRules;

export const FIREFOX_PREFLIGHT_CACHE = {
  browser: 'Firefox',
  defaultSeconds: 5,
  invalidSeconds: 0,
  maxSeconds: 86_400,
  keyedBy: 'method-and-header',
  failureClears: true,
  credentialsApart: true,
} as const satisfies PreflightCacheRules;

/** The rules of the browser a view speaks for. */
export function preflightCacheOf(browser: 'chrome' | 'firefox'): PreflightCacheRules {
  return browser === 'firefox' ? FIREFOX_PREFLIGHT_CACHE : CHROME_PREFLIGHT_CACHE;
}

/**
 * How long `rules`' browser keeps an answer with this Access-Control-Max-Age (null: not sent):
 * digits only, capped; 0 is not kept at all.
 */
export function cachedSeconds(rules: PreflightCacheRules, maxAge: string | null): number {
  if (maxAge === null) return rules.defaultSeconds;
  const value = maxAge.trim();
  if (!/^\d+$/.test(value)) return rules.invalidSeconds;
  return Math.min(Number(value), rules.maxSeconds);
}
