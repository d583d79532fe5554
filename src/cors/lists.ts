/**
 * `Access-Control-Allow-Methods` and `-Headers`: Fetch §3.3.3 says both are `#method` /
 * `#field-name` lists, parsed with "extract header list values"; a value that is not a token
 * makes the whole header a failure (Fetch §4.9 CORS-preflight fetch, step 7.3–7.4).
 */
import { asciiLower, combinedValue, type HeaderList, isToken, trimHttpWhitespace } from './headers.ts';

export type ParsedList =
  | { readonly ok: true; readonly values: ReadonlySet<string>; readonly raw: string | null }
  | { readonly ok: false; readonly bad: string; readonly raw: string };

/**
 * Splits on commas, trims HTTP whitespace, skips empty elements (`GET,,POST` is fine, as in
 * Chromium's ParseAccessControlAllowList) and requires every element to be a token.
 * `lowerCase` folds header names, which compare case-insensitively; methods do not.
 */
export function parseAllowList(headers: HeaderList, name: string, lowerCase: boolean): ParsedList {
  const raw = combinedValue(headers, name);
  if (raw === null) return { ok: true, values: new Set(), raw };
  const values = new Set<string>();
  for (const part of raw.split(',')) {
    const item = trimHttpWhitespace(part);
    if (item === '') continue;
    if (!isToken(item)) return { ok: false, bad: item, raw };
    values.add(lowerCase ? asciiLower(item) : item);
  }
  return { ok: true, values, raw };
}
