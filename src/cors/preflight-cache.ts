/**
 * How each browser keeps a preflight's answer (the CORS-preflight cache, Fetch §4.10), as measured
 * (PLATFORM.md; Firefox's CORS mochitests, test_CrossSiteXHR_cache.html, run in both browsers) and
 * as Firefox's nsCORSListenerProxy.cpp reads the header: one place for these facts, read by the
 * verdict's findings, the entry's "served from the cache" and the card's words.
 */
import { combinedValue, type HeaderList } from './headers.ts';
import { parseList } from './lists.ts';
import { corsUnsafeRequestHeaders, isCorsSafelistedMethod, normalizeMethod } from './safelist.ts';

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
  /**
   * A request the cached answer does not cover removes it before its own preflight goes out, so a
   * refused preflight leaves the URL with nothing cached.
   */
  readonly missEvicts: boolean;
  /** Any request that fails its CORS check (a simple one too) clears the URL's entries. */
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
  missEvicts: true,
  failureClears: false,
  credentialsApart: false,
} as const satisfies PreflightCacheRules;

export const FIREFOX_PREFLIGHT_CACHE = {
  browser: 'Firefox',
  defaultSeconds: 5,
  invalidSeconds: 0,
  maxSeconds: 86_400,
  keyedBy: 'method-and-header',
  missEvicts: false,
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
  // A negative number is a number: Chrome keeps the answer 0 s; Firefox reads no number (0 s too).
  if (/^-\d+$/.test(value)) return 0;
  if (!/^\d+$/.test(value)) return rules.invalidSeconds;
  return Math.min(Number(value), rules.maxSeconds);
}

/** One preflight answer as a browser's cache keeps it. */
export interface CachedAnswer {
  /** When the answer arrived (ms). */
  readonly time: number;
  /** Access-Control-Max-Age as sent (null: not sent). */
  readonly maxAge: string | null;
  /** Access-Control-Allow-Methods, as listed (methods compare case-sensitively). */
  readonly methods: readonly string[];
  /** Access-Control-Allow-Headers, lower-cased. */
  readonly headers: readonly string[];
  /** The preflight was for a request with credentials. */
  readonly credentials: boolean;
}

/** The answer a browser keeps from a preflight response's headers, got at `time`. */
export function cachedAnswerOf(time: number, headers: HeaderList, credentials: boolean): CachedAnswer {
  const methods = parseList(combinedValue(headers, 'Access-Control-Allow-Methods'), false);
  const names = parseList(combinedValue(headers, 'Access-Control-Allow-Headers'), true);
  return {
    time,
    maxAge: combinedValue(headers, 'Access-Control-Max-Age'),
    methods: methods.ok ? methods.values : [],
    headers: names.ok ? names.values : [],
    credentials,
  };
}

/**
 * What happened to one URL's cache, oldest first: a preflight answer accepted and kept, a
 * preflight that went out (the cache did not cover its request) and was refused, or a request
 * that failed its CORS check.
 */
export type CacheEvent =
  | { readonly kind: 'answer'; readonly answer: CachedAnswer }
  | { readonly kind: 'refused'; readonly time: number }
  | { readonly kind: 'failure'; readonly time: number };

/** A request that would need a preflight: its method, its CORS-unsafe header names (lower-cased). */
export interface CacheQuery {
  readonly time: number;
  readonly method: string;
  /** True when the method itself needs the preflight (not a CORS-safelisted one). */
  readonly methodNeeded: boolean;
  readonly headers: readonly string[];
  readonly credentials: boolean;
}

/** What a request with these headers (the page's own) asks of a cached answer. */
export function cacheQueryOf(
  method: string,
  headers: HeaderList,
  time: number,
  credentials: boolean,
): CacheQuery {
  const normalized = normalizeMethod(method);
  return {
    time,
    method: normalized,
    methodNeeded: !isCorsSafelistedMethod(normalized),
    headers: corsUnsafeRequestHeaders(headers).flatMap((r) => (r.kind === 'header' ? [r.name] : [])),
    credentials,
  };
}

const allowsName = (
  listed: readonly string[],
  name: string,
  credentials: boolean,
  wildcard: boolean,
): boolean => listed.includes(name) || (wildcard && !credentials && listed.includes('*'));

/**
 * The cached answer `rules`' browser serves `q` from, given what happened to its URL (oldest
 * first), or null when it sends a preflight. Chrome keeps the URL's last answer whole (a new
 * preflight replaces it; one got without credentials serves no request with them, and only its
 * `*` counts); a request it does not cover drops it. Firefox keeps each method and header with its own expiry,
 * compares names exactly, keeps credentialed answers apart, and forgets the URL when any request
 * to it fails. The answer returned is the one whose expiry binds.
 */
export function servedBy(
  rules: PreflightCacheRules,
  history: readonly CacheEvent[],
  q: CacheQuery,
): CachedAnswer | null {
  const until = (a: CachedAnswer) => a.time + cachedSeconds(rules, a.maxAge) * 1000;
  if (rules.keyedBy === 'url') {
    let last: CachedAnswer | null = null;
    for (const e of history) {
      if (e.kind === 'answer') last = cachedSeconds(rules, e.answer.maxAge) > 0 ? e.answer : null;
      else if ((e.kind === 'refused' && rules.missEvicts) || (e.kind === 'failure' && rules.failureClears))
        last = null;
    }
    if (!last || q.time >= until(last)) return null;
    // Chrome keeps the credentials mode of the preflight that filled it: an answer got without
    // credentials never serves a request with them, and its `*` counts only then.
    if (q.credentials && !last.credentials) return null;
    if (q.methodNeeded && !allowsName(last.methods, q.method, last.credentials, true)) return null;
    const covered = q.headers.every((h) =>
      allowsName(last.headers, h, last.credentials, h !== 'authorization'),
    );
    return covered ? last : null;
  }
  // Each method and header name: the latest answer that listed it, for this credentials mode.
  const methods = new Map<string, CachedAnswer>();
  const headers = new Map<string, CachedAnswer>();
  for (const e of history) {
    if (e.kind !== 'answer') {
      if (rules.failureClears || (e.kind === 'refused' && rules.missEvicts)) {
        methods.clear();
        headers.clear();
      }
      continue;
    }
    const a = e.answer;
    if (rules.credentialsApart && a.credentials !== q.credentials) continue;
    if (cachedSeconds(rules, a.maxAge) <= 0) continue;
    for (const m of a.methods) methods.set(m, a);
    for (const h of a.headers) headers.set(h, a);
  }
  // Firefox's cache compares names exactly (no `*`), and exempts only GET and POST.
  const needed: CachedAnswer[] = [];
  const live = (a: CachedAnswer | undefined) => a !== undefined && q.time < until(a);
  if (q.method !== 'GET' && q.method !== 'POST') {
    const m = methods.get(q.method);
    if (!m || !live(m)) return null;
    needed.push(m);
  }
  for (const name of q.headers) {
    const h = headers.get(name);
    if (!h || !live(h)) return null;
    needed.push(h);
  }
  return needed.reduce<CachedAnswer | null>(
    (soonest, a) => (!soonest || until(a) < until(soonest) ? a : soonest),
    null,
  );
}
