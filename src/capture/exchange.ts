/**
 * From a captured request to the engine's exchange: what the page asked for, what each hop's
 * preflight and response said, and what the browser declared in its preflight.
 */
import type { CredentialsMode, Exchange, Hop, RequestMode } from '../cors/exchange.ts';
import { asciiLower, combinedValue, type HeaderLine, type HeaderList } from '../cors/headers.ts';
import { isForbiddenRequestHeaderName } from '../cors/safelist.ts';
import type { CapturedRequest } from './record.ts';

/**
 * Validators the HTTP cache adds when it revalidates a stored response (Fetch: after the CORS
 * preflight decision, so they never need one). A page may set them itself; then they need a
 * preflight, and the preflight's Access-Control-Request-Headers names them.
 */
const CACHE_VALIDATORS = new Set(['if-none-match', 'if-modified-since']);

/**
 * Headers a browser sets on its own, not forbidden to pages: its User-Agent (Chrome drops one the
 * page sets and sends its own; Firefox sends the page's and asks for it in the preflight —
 * test_CrossSiteXHR.html), and Priority (RFC 9218: Firefox sends `u=4` and the like on fetches by
 * itself, measured in Firefox ESR 153 on the demo). The page's own only when its preflight asked.
 */
const SET_BY_BROWSER = new Set(['user-agent', 'priority']);

/** Headers the browser adds on its own that say nothing about what the page asked for. */
function isBrowserAdded(h: HeaderLine, declared: readonly string[] | null): boolean {
  const name = asciiLower(h.name);
  if (SET_BY_BROWSER.has(name)) return !declared?.some((d) => asciiLower(d) === name);
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

/** What the first preflight declared: the only record of a request blocked before it went out. */
function declaredOf(r: CapturedRequest): Exchange['declared'] {
  const first = r.preflights[0];
  if (!first) return null;
  return {
    method: combinedValue(first.requestHeaders, 'Access-Control-Request-Method'),
    headerNames: (combinedValue(first.requestHeaders, 'Access-Control-Request-Headers') ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== ''),
  };
}

/**
 * The headers the page itself set, out of all a request sent: what webRequest and HARs show
 * includes what the browser added (Origin, Referer, Sec-*, User-Agent, cache validators…).
 */
export function pageHeaders(headers: HeaderList, declared: readonly string[] | null): HeaderList {
  return headers.filter((h) => !isBrowserAdded(h, declared) && !isForbiddenRequestHeaderName(h.name));
}

export function exchangeOf(
  r: CapturedRequest,
  credentials: CredentialsMode | 'unknown',
  localNetwork = false,
): Exchange {
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
  const declared = declaredOf(r);
  return {
    origin: r.initiator,
    url: r.url,
    method: r.method,
    requestHeaders: pageHeaders(r.requestHeaders ?? [], declared?.headerNames ?? null),
    mode: modeOf(r),
    credentials,
    preflight: first.preflight ?? null,
    response: first.response ?? null,
    redirects,
    declared,
    ...(localNetwork ? { localNetworkDenied: true } : {}),
  };
}
