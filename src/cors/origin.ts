/** Origins as the CORS protocol compares them: serialized strings (HTML §7.5 "serialization of an origin"). */

/** The serialized origin of a URL, or null when the URL cannot be parsed. Opaque origins are "null". */
export function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function isHttpScheme(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** Same origin, for two serialized origins or URLs. "null" is never same-origin with anything. */
export function sameOrigin(a: string, b: string): boolean {
  const oa = originOf(a) ?? a;
  const ob = originOf(b) ?? b;
  return oa !== 'null' && oa === ob;
}

export function hasUrlCredentials(url: string): boolean {
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
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
