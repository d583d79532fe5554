/**
 * `Access-Control-Allow-Methods` and `-Headers`: Fetch §3.3.3 says both are `#method` /
 * `#field-name` lists, parsed with "extract header list values"; a value that is not a token
 * makes the whole header a failure (Fetch §4.9 CORS-preflight fetch, step 7.3–7.4).
 */
import { asciiLower, combinedValue, type HeaderList, isHttpTabOrSpace, isTokenAt } from './headers.ts';

export type ParsedList =
  /** `values`: each item once, in the order the server listed them. */
  | { readonly ok: true; readonly values: readonly string[]; readonly raw: string | null }
  | { readonly ok: false; readonly bad: string; readonly raw: string };

const EMPTY: ParsedList = { ok: true, values: [], raw: null };

/** The list a header holds (its lines combined, as the browser reads them). */
export function parseAllowList(headers: HeaderList, name: string, lowerCase: boolean): ParsedList {
  return parseList(combinedValue(headers, name), lowerCase);
}

/**
 * Walks the elements of a list as Fetch's "extract header list values" reads it — split on
 * commas, HTTP whitespace trimmed, empty elements skipped (`GET,,POST` is fine, as in Chromium's
 * ParseAccessControlAllowList) — calling `visit` with each element's bounds until it returns true.
 */
function someItem(raw: string, visit: (start: number, stop: number) => boolean): boolean {
  for (let at = 0; at <= raw.length; ) {
    let end = raw.indexOf(',', at);
    if (end < 0) end = raw.length;
    let start = at;
    let stop = end;
    at = end + 1;
    while (start < stop && isHttpTabOrSpace(raw.charCodeAt(start))) start++;
    while (stop > start && isHttpTabOrSpace(raw.charCodeAt(stop - 1))) stop--;
    if (start !== stop && visit(start, stop)) return true;
  }
  return false;
}

/**
 * The list's elements, each once, in order; every element must be a token, or the whole list
 * fails. `lowerCase` folds header names, which compare case-insensitively; methods do not.
 */
export function parseList(raw: string | null, lowerCase: boolean): ParsedList {
  if (raw === null) return EMPTY;
  const bad = firstBadItem(raw);
  if (bad !== null) return { ok: false, bad, raw };
  const values: string[] = [];
  someItem(raw, (start, stop) => {
    const item = raw.slice(start, stop);
    const value = lowerCase ? asciiLower(item) : item;
    if (!values.includes(value)) values.push(value);
    return false;
  });
  return { ok: true, values, raw };
}

/**
 * The first element of the list that is not a token, or null when the whole list is valid: the
 * validity half of parseList, without building the list.
 */
export function firstBadItem(raw: string): string | null {
  let bad: string | null = null;
  someItem(raw, (start, stop) => {
    if (isTokenAt(raw, start, stop)) return false;
    bad = raw.slice(start, stop);
    return true;
  });
  return bad;
}

/**
 * Whether a valid list holds `value`: byte for byte (methods, Fetch §4.9 step 7.5), or ignoring
 * ASCII case (header names, step 7.6). Reads the list in place, making nothing.
 */
export function listHas(raw: string, value: string, ignoreCase: boolean): boolean {
  return someItem(
    raw,
    (start, stop) => stop - start === value.length && regionEquals(raw, start, value, ignoreCase),
  );
}
function regionEquals(raw: string, start: number, value: string, ignoreCase: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const x = raw.charCodeAt(start + i);
    const y = value.charCodeAt(i);
    if (x === y) continue;
    if (!ignoreCase) return false;
    const lx = x >= 0x41 && x <= 0x5a ? x + 0x20 : x;
    const ly = y >= 0x41 && y <= 0x5a ? y + 0x20 : y;
    if (lx !== ly) return false;
  }
  return true;
}
