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
  const upper = asciiUpper(method);
  return NORMALIZED_METHODS.includes(upper) ? upper : method;
}

/** Fetch §2.2.1 forbidden method: `fetch()` throws a TypeError before anything is sent. */
export function isForbiddenMethod(method: string): boolean {
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
  const lower = asciiLower(name);
  return FORBIDDEN_NAMES.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-');
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
  const lower = asciiLower(name);
  const length = byteLength(value);
  // A Map, not an object: a header named "__proto__" or "constructor" must not find anything.
  const hint = CHROME_CLIENT_HINTS.get(lower);
  const known =
    lower === 'accept' ||
    lower === 'accept-language' ||
    lower === 'content-language' ||
    lower === 'content-type' ||
    lower === 'range' ||
    hint !== undefined;
  if (!known) return { kind: 'name-not-safelisted' };
  // Step 1: "If value's length is greater than 128, then return false."
  if (length > 128) return { kind: 'value-too-long', length };
  switch (lower) {
    case 'accept': {
      const byte = firstUnsafeByte(value);
      return byte === null ? null : { kind: 'unsafe-byte', byte };
    }
    case 'accept-language':
    case 'content-language':
      return LANGUAGE_BYTES.test(value) ? null : { kind: 'language-bytes' };
    case 'content-type': {
      const byte = firstUnsafeByte(value);
      if (byte !== null) return { kind: 'unsafe-byte', byte };
      const mime = MIMEType.parse(value);
      if (mime === null) return { kind: 'content-type-not-simple', essence: null };
      return SAFELISTED_CONTENT_TYPES.includes(mime.essence)
        ? null
        : { kind: 'content-type-not-simple', essence: mime.essence };
    }
    case 'range':
      return isSimpleRange(value) ? null : { kind: 'range-not-simple' };
    default:
      return hint?.(value) ? null : { kind: 'client-hint-value' };
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
  const unsafe = new Map<string, PreflightReason>();
  const potentiallyUnsafe: PreflightReason[] = [];
  let safelistValueSize = 0;
  for (const { name, value } of headers) {
    if (isForbiddenRequestHeaderName(name)) continue;
    const lower = asciiLower(name);
    const why = unsafeHeaderReason(name, value);
    if (why) {
      if (!unsafe.has(lower)) unsafe.set(lower, { kind: 'header', name: lower, value, why });
    } else {
      safelistValueSize += byteLength(value);
      potentiallyUnsafe.push({
        kind: 'header',
        name: lower,
        value,
        why: { kind: 'safelisted-total-too-long', total: 0 },
      });
    }
  }
  if (safelistValueSize > 1024) {
    for (const reason of potentiallyUnsafe) {
      if (reason.kind !== 'header' || unsafe.has(reason.name)) continue;
      unsafe.set(reason.name, {
        ...reason,
        why: { kind: 'safelisted-total-too-long', total: safelistValueSize },
      });
    }
  }
  return [...unsafe.values()].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
}

const nameOf = (r: PreflightReason): string => (r.kind === 'header' ? r.name : '');

/**
 * Every reason the request needs a CORS preflight (Fetch §4.1 main fetch, step "use-CORS-preflight
 * flag" / §4.8 HTTP fetch step 5.1: method not in the method cache or not safelisted, or any
 * CORS-unsafe request-header name). Empty means a simple request.
 */
export function preflightReasons(method: string, headers: HeaderList): PreflightReason[] {
  const reasons: PreflightReason[] = [];
  const normalized = normalizeMethod(method);
  if (!isCorsSafelistedMethod(normalized)) reasons.push({ kind: 'method', method: normalized });
  reasons.push(...corsUnsafeRequestHeaders(headers));
  return reasons;
}

/** The `Access-Control-Request-Headers` value a browser sends for these request headers. */
export function accessControlRequestHeaders(headers: HeaderList): string {
  return corsUnsafeRequestHeaders(headers).map(nameOf).join(',');
}
