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

/** Header values are trimmed of HTTP tab or space (Fetch §2.2). */
export function trimHttpWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpTabOrSpace(value.charCodeAt(start))) start++;
  while (end > start && isHttpTabOrSpace(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
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
 * Whether two header names are equal ignoring ASCII case, without building lower-cased copies:
 * the engine asks each list for a handful of names, and most names differ in length at once.
 */
export function sameHeaderName(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // ASCII letters differ by 0x20 between cases; nothing else folds.
    const lx = x >= 0x41 && x <= 0x5a ? x + 0x20 : x;
    const ly = y >= 0x41 && y <= 0x5a ? y + 0x20 : y;
    if (lx !== ly) return false;
  }
  return true;
}

/** Every line whose name matches, case-insensitively, in order. */
export function headerLines(headers: HeaderList, name: string): readonly HeaderLine[] {
  const out: HeaderLine[] = [];
  for (const h of headers) if (sameHeaderName(h.name, name)) out.push(h);
  return out;
}

/** How many lines carry this name. */
export function lineCount(headers: HeaderList, name: string): number {
  let n = 0;
  for (const h of headers) if (sameHeaderName(h.name, name)) n++;
  return n;
}

/**
 * The value Chromium reads for a header: each line trimmed, repeated lines joined with ", "
 * (net::HttpResponseHeaders::GetNormalizedHeader), or null when there is no such line. Fetch's
 * "get" does the same combination (Fetch §2.2.2 "combined value").
 */
export function combinedValue(headers: HeaderList, name: string): string | null {
  let value: string | null = null;
  for (const h of headers) {
    if (!sameHeaderName(h.name, name)) continue;
    const v = trimHttpWhitespace(h.value);
    value = value === null ? v : `${value}, ${v}`;
  }
  return value;
}

/** RFC 9110 §5.6.2 tchar, by character code (ASCII only). */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
  TCHAR[c.charCodeAt(0)] = 1;
}

/** Whether `s[start, end)` is a token: one or more tchar. */
export function isTokenAt(s: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) if (TCHAR[s.charCodeAt(i)] !== 1) return false;
  return true;
}

export function isToken(s: string): boolean {
  return isTokenAt(s, 0, s.length);
}

export function isHttpTabOrSpace(code: number): boolean {
  return code === 0x20 || code === 0x09;
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
