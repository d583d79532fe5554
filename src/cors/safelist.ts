/**
 * Request-side rules: which methods and headers a cross-origin request may carry without a
 * preflight, and why one was sent when it was. Fetch §2.2.1 (methods), §2.2.2 (headers).
 */
import { MIMEType } from 'whatwg-mimetype';
import { asciiLower, asciiUpper, byteLength, type HeaderList } from './headers.ts';

/** Fetch §2.2.1: "A CORS-safelisted method is a method that is `GET`, `HEAD`, or `POST`." */
export function isCorsSafelistedMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'POST';
}

const NORMALIZED_METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

/**
 * Fetch §2.2.1 "normalize a method": only these six are upper-cased; `patch` stays `patch`,
 * and `Access-Control-Allow-Methods` is then compared case-sensitively against it.
 */
export function normalizeMethod(method: string): string {
  if (NORMALIZED_METHODS.includes(method)) return method;
  const upper = asciiUpper(method);
  return NORMALIZED_METHODS.includes(upper) ? upper : method;
}

/** Fetch §2.2.1 forbidden method: `fetch()` throws a TypeError before anything is sent. */
export function isForbiddenMethod(method: string): boolean {
  if (method.length !== 5 && method.length !== 7) return false;
  const upper = asciiUpper(method);
  return upper === 'CONNECT' || upper === 'TRACE' || upper === 'TRACK';
}

const FORBIDDEN_NAMES = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/**
 * Fetch §2.2.2 forbidden request-header: the browser drops these from author requests, so they
 * never take part in CORS. (The method-override headers are forbidden only with a forbidden
 * method value, which `fetch()` refuses anyway; we treat them by name as ordinary headers.)
 */
export function isForbiddenRequestHeaderName(name: string): boolean {
  return nameInfo(name).forbidden;
}

export interface NameInfo {
  readonly lower: string;
  readonly forbidden: boolean;
  /** Characters above U+00FF: no browser sends such a name, so something mangled it. */
  readonly nonLatin1: boolean;
  /** On the safelist by name (then its value decides). */
  readonly safelisted: boolean;
}

/**
 * What a header name is, kept per spelling: requests carry the same few dozen names again and
 * again, and the engine asks each of them twice (forbidden? safelisted?).
 */
const NAME_INFO_SIZE = 1024;
export const NON_LATIN1 = /[\u0100-\uffff]/;
const names = new Map<string, NameInfo>();

export function nameInfo(name: string): NameInfo {
  let info = names.get(name);
  if (info === undefined) {
    const lower = asciiLower(name);
    info = {
      lower,
      forbidden: FORBIDDEN_NAMES.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-'),
      nonLatin1: NON_LATIN1.test(name),
      safelisted: safelistedName(lower),
    };
    if (names.size >= NAME_INFO_SIZE) names.clear();
    names.set(name, info);
  }
  return info;
}

/** Fetch §2.2.2 CORS-unsafe request-header byte. */
export function isCorsUnsafeRequestHeaderByte(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09) ||
    code === 0x22 ||
    code === 0x28 ||
    code === 0x29 ||
    code === 0x3a ||
    code === 0x3c ||
    code === 0x3e ||
    code === 0x3f ||
    code === 0x40 ||
    code === 0x5b ||
    code === 0x5c ||
    code === 0x5d ||
    code === 0x7b ||
    code === 0x7d ||
    code === 0x7f ||
    code > 0xff
  );
}

function firstUnsafeByte(value: string): number | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isCorsUnsafeRequestHeaderByte(c)) return c;
  }
  return null;
}

/**
 * `type/subtype` written as tokens, then the end or `;`: for such a value WHATWG "parse a MIME
 * type" finds this essence whatever the parameters hold (a bad parameter is skipped, never a
 * failure), so the full parser is needed only for the rest.
 */
const PLAIN_ESSENCE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+\/[!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?:;|$)/;

/** The essence of a MIME type (WHATWG MIME Sniffing §4.4 "parse a MIME type"), or null when it does not parse. */
function mimeEssence(value: string): string | null {
  const plain = PLAIN_ESSENCE.exec(value);
  if (plain) return asciiLower(plain[1] as string);
  return MIMEType.parse(value)?.essence ?? null;
}

const LANGUAGE_BYTES = /^[0-9A-Za-z *,\-.;=]*$/;

const SAFELISTED_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Fetch §2.2.2 "simple range header value" with allowWhitespace false, plus the safelist's own
 * rule that the range start is not null: exactly `bytes=N-` or `bytes=N-M`.
 */
const SIMPLE_RANGE = /^bytes=([0-9]+)-([0-9]*)$/;

function isSimpleRange(value: string): boolean {
  const m = SIMPLE_RANGE.exec(value);
  if (!m) return false;
  // Fetch §2.2.2 simple range step 12: start after end is not a valid range.
  return m[2] === '' || Number(m[1]) <= Number(m[2]);
}

/**
 * Client hints that Chromium treats as safelisted although Fetch does not list them
 * (services/network/public/cpp/cors/cors.cc IsCorsSafelistedHeader). Chrome sends no preflight
 * for them when their value has the expected shape; Firefox does.
 */
const CHROME_CLIENT_HINTS = new Map<string, (v: string) => boolean>(
  Object.entries({
    'device-memory': (v) => /^[0-9]+(\.[0-9]+)?$/.test(v),
    dpr: (v) => /^[0-9]+(\.[0-9]+)?$/.test(v),
    downlink: (v) => /^[0-9]+(\.[0-9]+)?$/.test(v),
    width: (v) => /^[0-9]+$/.test(v),
    'viewport-width': (v) => /^[0-9]+$/.test(v),
    rtt: (v) => /^[0-9]+$/.test(v),
    ect: (v) => ['slow-2g', '2g', '3g', '4g'].includes(v),
    'save-data': (v: string) => asciiLower(v) === 'on',
  }),
);

/** Why one request header is not CORS-safelisted. */
export type UnsafeHeaderWhy =
  | { kind: 'name-not-safelisted' }
  | { kind: 'value-too-long'; length: number }
  | { kind: 'unsafe-byte'; byte: number }
  | { kind: 'content-type-not-simple'; essence: string | null }
  | { kind: 'language-bytes' }
  | { kind: 'range-not-simple' }
  | { kind: 'client-hint-value' }
  | { kind: 'safelisted-total-too-long'; total: number }
  /** Only the preflight's Access-Control-Request-Headers was seen: the browser found it unsafe. */
  | { kind: 'declared-by-preflight' };

/**
 * Fetch §2.2.2 "CORS-safelisted request-header": null when the header is safelisted, otherwise
 * the first reason it is not, in the order the standard tests them.
 */
export function unsafeHeaderReason(name: string, value: string): UnsafeHeaderWhy | null {
  return unsafeReasonOf(asciiLower(name), value);
}

/** Reasons that carry no value of their own, made once: most unsafe headers are simply not safelisted. */
const NOT_SAFELISTED: UnsafeHeaderWhy = { kind: 'name-not-safelisted' };
const LANGUAGE_BYTES_WHY: UnsafeHeaderWhy = { kind: 'language-bytes' };
const RANGE_NOT_SIMPLE: UnsafeHeaderWhy = { kind: 'range-not-simple' };
const CLIENT_HINT_VALUE: UnsafeHeaderWhy = { kind: 'client-hint-value' };

/** Whether a lower-case name is on the safelist at all, whatever its value (Fetch §2.2.2, and Chrome's hints). */
function safelistedName(lower: string): boolean {
  return (
    lower === 'accept' ||
    lower === 'accept-language' ||
    lower === 'content-language' ||
    lower === 'content-type' ||
    lower === 'range' ||
    // A Map, not an object: a header named "__proto__" or "constructor" must not find anything.
    CHROME_CLIENT_HINTS.has(lower)
  );
}

function unsafeReasonOf(lower: string, value: string): UnsafeHeaderWhy | null {
  return safelistedName(lower) ? safelistedValueReason(lower, value) : NOT_SAFELISTED;
}

/** Why the value of a safelisted name still makes it unsafe, in the order the standard tests. */
function safelistedValueReason(lower: string, value: string): UnsafeHeaderWhy | null {
  // Step 1: "If value's length is greater than 128, then return false."
  const length = byteLength(value);
  if (length > 128) return { kind: 'value-too-long', length };
  switch (lower) {
    case 'accept': {
      const byte = firstUnsafeByte(value);
      return byte === null ? null : { kind: 'unsafe-byte', byte };
    }
    case 'accept-language':
    case 'content-language':
      return LANGUAGE_BYTES.test(value) ? null : LANGUAGE_BYTES_WHY;
    case 'content-type': {
      const byte = firstUnsafeByte(value);
      if (byte !== null) return { kind: 'unsafe-byte', byte };
      const essence = mimeEssence(value);
      if (essence === null) return { kind: 'content-type-not-simple', essence: null };
      return SAFELISTED_CONTENT_TYPES.includes(essence) ? null : { kind: 'content-type-not-simple', essence };
    }
    case 'range':
      return isSimpleRange(value) ? null : RANGE_NOT_SIMPLE;
    default:
      return CHROME_CLIENT_HINTS.get(lower)?.(value) ? null : CLIENT_HINT_VALUE;
  }
}

/** One reason a request is not "simple", i.e. why the browser sent a preflight for it. */
export type PreflightReason =
  | { kind: 'method'; method: string }
  | { kind: 'header'; name: string; value: string; why: UnsafeHeaderWhy };

/**
 * Fetch §2.2.2 "CORS-unsafe request-header names", with the reason for each name: headers that
 * are not safelisted, plus every safelisted one once their values together exceed 1024 bytes.
 * Names come back lower-cased, sorted and unique, as the preflight's
 * `Access-Control-Request-Headers` lists them. Forbidden headers are skipped: the browser
 * never sends them from script.
 */
export function corsUnsafeRequestHeaders(headers: HeaderList): PreflightReason[] {
  return unsafeHeaders(headers, []);
}

/** The unsafe-header reasons of `headers`, appended to `reasons` in name order. */
function unsafeHeaders(headers: HeaderList, reasons: PreflightReason[]): PreflightReason[] {
  const from = reasons.length;
  let safelistValueSize = 0;
  for (const { name, value } of headers) {
    const { lower, forbidden, safelisted } = nameInfo(name);
    if (forbidden) continue;
    const why = safelisted ? safelistedValueReason(lower, value) : NOT_SAFELISTED;
    if (!why) safelistValueSize += byteLength(value);
    else if (!hasHeaderReason(reasons, from, lower))
      reasons.push({ kind: 'header', name: lower, value, why });
  }
  // Fetch §2.2.2 CORS-unsafe request-header names, step 5: safelisted values over 1024 bytes in
  // all make every safelisted header unsafe too.
  if (safelistValueSize > 1024) {
    for (const { name, value } of headers) {
      const { lower, forbidden } = nameInfo(name);
      if (forbidden || hasHeaderReason(reasons, from, lower) || unsafeReasonOf(lower, value)) continue;
      reasons.push({
        kind: 'header',
        name: lower,
        value,
        why: { kind: 'safelisted-total-too-long', total: safelistValueSize },
      });
    }
  }
  if (reasons.length - from > 1) sortHeaderReasons(reasons, from);
  return reasons;
}

function hasHeaderReason(reasons: readonly PreflightReason[], from: number, name: string): boolean {
  for (let i = from; i < reasons.length; i++) if (nameOf(reasons[i] as PreflightReason) === name) return true;
  return false;
}

/** Insertion sort of `reasons[from…]` by name: the lists are short, and it keeps equal names in order. */
function sortHeaderReasons(reasons: PreflightReason[], from: number): void {
  for (let i = from + 1; i < reasons.length; i++) {
    const r = reasons[i] as PreflightReason;
    let j = i - 1;
    while (j >= from && nameOf(reasons[j] as PreflightReason) > nameOf(r)) {
      reasons[j + 1] = reasons[j] as PreflightReason;
      j--;
    }
    reasons[j + 1] = r;
  }
}

const nameOf = (r: PreflightReason): string => (r.kind === 'header' ? r.name : '');

/**
 * Every reason the request needs a CORS preflight (Fetch §4.1 main fetch, step "use-CORS-preflight
 * flag" / §4.8 HTTP fetch step 5.1: method not in the method cache or not safelisted, or any
 * CORS-unsafe request-header name). Empty means a simple request.
 */
export function preflightReasons(method: string, headers: HeaderList): PreflightReason[] {
  const normalized = normalizeMethod(method);
  const reasons: PreflightReason[] = isCorsSafelistedMethod(normalized)
    ? []
    : [{ kind: 'method', method: normalized }];
  return unsafeHeaders(headers, reasons);
}

/** The `Access-Control-Request-Headers` value a browser sends for these request headers. */
export function accessControlRequestHeaders(headers: HeaderList): string {
  return corsUnsafeRequestHeaders(headers).map(nameOf).join(',');
}
