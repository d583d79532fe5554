/** Origins as the CORS protocol compares them: serialized strings (HTML §7.5 "serialization of an origin"). */

/** Parsed origins of recent URLs: capture and the engine ask for the same few URLs again and again. */
const ORIGIN_CACHE_SIZE = 2048;
const originCache = new Map<string, string | null>();

/** The serialized origin of a URL, or null when the URL cannot be parsed. Opaque origins are "null". */
export function originOf(url: string): string | null {
  const cached = originCache.get(url);
  if (cached !== undefined) return cached;
  let origin: string | null;
  try {
    origin = new URL(url).origin;
  } catch {
    origin = null;
  }
  if (originCache.size >= ORIGIN_CACHE_SIZE) originCache.clear();
  originCache.set(url, origin);
  return origin;
}

/** A URL's host (with port), or the text itself when it does not parse: for display. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A URL's path and query, or the text itself when it does not parse: for display and checks. */
export function pathAndQuery(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

export function isHttpScheme(url: string): boolean {
  return /^https?:/i.test(url.trimStart()) && originOf(url) !== null;
}

/** Same origin, for two serialized origins or URLs. "null" is never same-origin with anything. */
export function sameOrigin(a: string, b: string): boolean {
  const oa = originOf(a) ?? a;
  const ob = originOf(b) ?? b;
  return oa !== 'null' && oa === ob;
}

export function hasUrlCredentials(url: string): boolean {
  // Userinfo is always followed by "@": most URLs need no parsing to say they have none.
  if (!url.includes('@')) return false;
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/**
 * Whether a string parses as an absolute URL. Chromium uses GURL validity to tell an invalid
 * `Access-Control-Allow-Origin` (no scheme: `localhost`) from a merely mismatching one; WHATWG
 * URL parsing draws the same line for the values people actually send.
 */
export function parsesAsUrl(value: string): boolean {
  return originOf(value) !== null;
}
