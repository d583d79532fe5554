/**
 * The two checks the browser applies to a server's answer: the CORS check of any response
 * (Fetch §4.10), and the extra checks of a preflight response (Fetch §4.9). Both return the
 * failure as Chrome names it, or null.
 */
import { type CorsHeaders, corsHeadersOf } from './cors-headers.ts';
import type { CorsError, FirefoxReason } from './errors.ts';
import type { HeaderList } from './headers.ts';
import { firstBadItem, listHas } from './lists.ts';
import { parsesAsUrl } from './origin.ts';
import { isRedirectStatus } from './redirect.ts';
import { isCorsSafelistedMethod } from './safelist.ts';
import type { Culprit } from './verdict.ts';

export interface Failure {
  readonly error: CorsError;
  /** Chrome's failedParameter text. */
  readonly param: string;
  readonly culprit: Culprit;
  /**
   * Firefox's reason where it depends on more than Chrome's error (measured in Firefox ESR 153):
   * otherwise the error's usual one applies.
   */
  readonly firefox?: FirefoxReason;
}

type Where = Culprit['where'];

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';

function failure(
  where: Where,
  error: CorsError,
  param: string,
  field: string,
  expected: string,
  received: string | null,
): Failure {
  return { error, param, culprit: { where, field, expected, received } };
}

/**
 * Fetch §4.10 CORS check, in Chromium's order (cors.cc CheckAccess), which also tells apart the
 * ways the origin can be wrong.
 */
export function corsCheck(
  headers: HeaderList,
  origin: string,
  withCredentials: boolean,
  where: Where,
): Failure | null {
  return checkAccess(corsHeadersOf(headers), origin, withCredentials, where);
}

/** The CORS check over headers already read (see cors-headers.ts). */
export function checkAccess(
  cors: CorsHeaders,
  origin: string,
  withCredentials: boolean,
  where: Where,
): Failure | null {
  const preflight = where === 'preflight';
  // Step 1–2: "Let origin be the result of getting `Access-Control-Allow-Origin`… If origin is null, return failure."
  const allowOrigin = cors.allowOrigin;
  if (allowOrigin === '*') {
    // Step 3: "If request's credentials mode is not "include" and origin is `*`, return success."
    if (!withCredentials) return null;
    return failure(
      where,
      preflight ? 'PreflightWildcardOriginNotAllowed' : 'WildcardOriginNotAllowed',
      '',
      ACAO,
      origin,
      '*',
    );
  }
  if (allowOrigin === null) {
    return failure(
      where,
      preflight ? 'PreflightMissingAllowOriginHeader' : 'MissingAllowOriginHeader',
      '',
      ACAO,
      withCredentials ? origin : `${origin} (or * without credentials)`,
      null,
    );
  }
  // Step 4: "If the result of byte-serializing a request origin with request is not origin, return failure."
  if (allowOrigin !== origin) {
    // Chromium looks for a space or comma first: two lines arrive joined as "a, b".
    if (/[ ,]/.test(allowOrigin)) {
      const multiple = failure(
        where,
        preflight ? 'PreflightMultipleAllowOriginValues' : 'MultipleAllowOriginValues',
        allowOrigin,
        ACAO,
        origin,
        allowOrigin,
      );
      // Firefox calls it "multiple" only for two header lines; one line holding a list just does not match.
      return cors.allowOriginLines > 1
        ? multiple
        : { ...multiple, firefox: 'CORSAllowOriginNotMatchingOrigin' };
    }
    const invalid = allowOrigin !== 'null' && !parsesAsUrl(allowOrigin);
    const plain = invalid ? 'InvalidAllowOriginValue' : 'AllowOriginMismatch';
    const pre = invalid ? 'PreflightInvalidAllowOriginValue' : 'PreflightAllowOriginMismatch';
    return failure(where, preflight ? pre : plain, allowOrigin, ACAO, origin, allowOrigin);
  }
  // Step 6–7: with credentials, `Access-Control-Allow-Credentials` must be `true` (case-sensitive).
  if (!withCredentials) return null;
  const allowCredentials = cors.allowCredentials;
  if (allowCredentials === 'true') return null;
  return failure(
    where,
    preflight ? 'PreflightInvalidAllowCredentials' : 'InvalidAllowCredentials',
    allowCredentials ?? '',
    ACAC,
    'true',
    allowCredentials,
  );
}

export interface PreflightRequest {
  readonly origin: string;
  /** Normalized method of the actual request (Access-Control-Request-Method). */
  readonly method: string;
  /** CORS-unsafe request-header names, lower case, in the order the page set them (Chrome reports the first missing). */
  readonly unsafeHeaderNames: readonly string[];
  readonly withCredentials: boolean;
}

/** Fetch §4.9 CORS-preflight fetch, steps 6–7, in the order Chromium applies them. */
export function preflightCheck(
  status: number,
  headers: HeaderList,
  request: PreflightRequest,
): Failure | null {
  return checkPreflight(status, corsHeadersOf(headers), request);
}

/** The preflight checks over headers already read (see cors-headers.ts). */
export function checkPreflight(status: number, cors: CorsHeaders, request: PreflightRequest): Failure | null {
  // Chromium's preflight loader refuses any redirect before looking at headers (Fetch §4.9 uses
  // redirect mode "error" for the preflight).
  if (isRedirectStatus(status) && cors.location !== null) {
    return {
      error: 'PreflightDisallowedRedirect',
      param: '',
      culprit: {
        where: 'preflight',
        field: 'status',
        expected: '2xx, answered directly',
        received: `${status} → ${cors.location}`,
      },
      // Firefox checks the redirect's CORS headers first: without them it reports those.
      ...(cors.allowOrigin === null ? { firefox: 'CORSMissingAllowOrigin' as const } : {}),
    };
  }
  // Step 7: "If a CORS check for request and response returns success and response's status is an ok status"
  // — Chromium runs the CORS check first, so a 404 without CORS headers reports the missing header.
  const access = checkAccess(cors, request.origin, request.withCredentials, 'preflight');
  if (access) return access;
  if (status < 200 || status > 299) {
    return {
      error: 'PreflightInvalidStatus',
      param: '',
      culprit: {
        where: 'preflight',
        field: 'status',
        expected: '2xx (200 or 204)',
        received: String(status),
      },
    };
  }
  // Step 7.1–7.4: extract the method and header-name lists; failure to parse is a network error.
  const methods = cors.allowMethods;
  if (methods !== null && firstBadItem(methods) !== null) {
    return {
      error: 'InvalidAllowMethodsPreflightResponse',
      param: '',
      culprit: {
        where: 'preflight',
        field: 'Access-Control-Allow-Methods',
        expected: 'a comma-separated list of method names',
        received: methods,
      },
    };
  }
  const headerNames = cors.allowHeaders;
  if (headerNames !== null && firstBadItem(headerNames) !== null) {
    return {
      error: 'InvalidAllowHeadersPreflightResponse',
      param: '',
      culprit: {
        where: 'preflight',
        field: 'Access-Control-Allow-Headers',
        expected: 'a comma-separated list of header names',
        received: headerNames,
      },
    };
  }
  // Step 7.5: the method must be listed (case-sensitively), safelisted, or covered by `*` without credentials.
  const { method } = request;
  const methodAllowed =
    isCorsSafelistedMethod(method) ||
    (methods !== null &&
      (listHas(methods, method, false) || (!request.withCredentials && listHas(methods, '*', false))));
  if (!methodAllowed) {
    return {
      error: 'MethodDisallowedByPreflightResponse',
      param: method,
      culprit: {
        where: 'preflight',
        field: 'Access-Control-Allow-Methods',
        expected: `a list containing ${method}`,
        received: methods,
      },
    };
  }
  // Step 7.6–7.7: every CORS-unsafe header must be listed; `*` covers the rest only without
  // credentials. The standard also keeps `Authorization` out of the wildcard, but Chromium does
  // not enforce that yet (a deprecation warning only), and we report what Chrome does.
  if (request.unsafeHeaderNames.length === 0) return null;
  if (headerNames !== null && !request.withCredentials && listHas(headerNames, '*', false)) return null;
  const missing: string[] = [];
  for (const name of request.unsafeHeaderNames) {
    if (headerNames === null || !listHas(headerNames, name, true)) missing.push(name);
  }
  const first = missing[0];
  if (first === undefined) return null;
  // With several missing, Chrome names the first in its internal header-map order (a hash order
  // we cannot reproduce); we name the first the page set, and the culprit lists them all.
  return {
    error: 'HeaderDisallowedByPreflightResponse',
    param: first,
    culprit: {
      where: 'preflight',
      field: 'Access-Control-Allow-Headers',
      expected: `a list containing ${missing.join(', ')}`,
      received: headerNames,
      missing,
    },
  };
}
