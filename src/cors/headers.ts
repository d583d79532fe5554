/**
 * Header lists as the network saw them: one entry per header line, in order, with repeated lines
 * kept. Repeated lines matter for CORS (two `Access-Control-Allow-Origin` lines are an error), so
 * nothing here folds them into a map.
 */
export interface HeaderLine {
  readonly name: string;
  readonly value: string;
}

export type HeaderList = readonly HeaderLine[];

/** HTTP whitespace (Fetch §2.2 "HTTP tab or space"), which is what header values are trimmed of. */
const isTabOrSpace = (c: string): boolean => c === ' ' || c === '\t';

export function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isTabOrSpace(value.charAt(start))) start++;
  while (end > start && isTabOrSpace(value.charAt(end - 1))) end--;
  return value.slice(start, end);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * ASCII lower-casing only: header names are byte strings, and `toLowerCase` would also change
 * non-ASCII letters. For an ASCII string the two agree, and the native one is much faster.
 */
export function asciiLower(s: string): string {
  return isAscii(s) ? s.toLowerCase() : s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

export function asciiUpper(s: string): string {
  return isAscii(s) ? s.toUpperCase() : s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}

/**
 * Lines by lower-cased name, built once per header list: the engine asks the same list for many
 * names, and header lists are never changed once made.
 */
const indexes = new WeakMap<HeaderList, Map<string, HeaderLine[]>>();

function indexOf(headers: HeaderList): Map<string, HeaderLine[]> {
  let index = indexes.get(headers);
  if (!index) {
    index = new Map();
    for (const h of headers) {
      const key = asciiLower(h.name);
      const lines = index.get(key);
      if (lines) lines.push(h);
      else index.set(key, [h]);
    }
    indexes.set(headers, index);
  }
  return index;
}

/** Every line whose name matches, case-insensitively, in order. */
export function headerLines(headers: HeaderList, name: string): readonly HeaderLine[] {
  return indexOf(headers).get(asciiLower(name)) ?? [];
}

/**
 * The value Chromium reads for a header: each line trimmed, repeated lines joined with ", "
 * (net::HttpResponseHeaders::GetNormalizedHeader), or null when there is no such line. Fetch's
 * "get" does the same combination (Fetch §2.2.2 "combined value").
 */
export function combinedValue(headers: HeaderList, name: string): string | null {
  const lines = headerLines(headers, name);
  if (lines.length === 0) return null;
  if (lines.length === 1) return trimHttpWhitespace((lines[0] as HeaderLine).value);
  return lines.map((h) => trimHttpWhitespace(h.value)).join(', ');
}

/** RFC 9110 §5.6.2 tchar. */
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(s: string): boolean {
  return TCHAR.test(s);
}

/**
 * Byte length of a header value as it goes on the wire. Values reach us as strings whose code
 * units are bytes (isomorphic decoding); a code unit above 0xFF can only come from a lossy
 * source, and counts as the UTF-8 bytes it would need.
 */
export function byteLength(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    n += c <= 0xff ? 1 : c <= 0x7ff ? 2 : c >= 0xd800 && c <= 0xdbff ? 2 : 3;
  }
  return n;
}
