/**
 * The two checks the browser applies to a server's answer: the CORS check of any response
 * (Fetch §4.10), and the extra checks of a preflight response (Fetch §4.9). Both return the
 * failure as Chrome names it, or null.
 */
import type { CorsError, FirefoxReason } from './errors.ts';
import { combinedValue, type HeaderList, headerLines } from './headers.ts';
import { parseAllowList } from './lists.ts';
import { parsesAsUrl } from './origin.ts';
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
  const preflight = where === 'preflight';
  const fail = (
    plain: CorsError,
    pre: CorsError,
    param: string,
    culprit: Omit<Culprit, 'where'>,
  ): Failure => ({
    error: preflight ? pre : plain,
    param,
    culprit: { where, ...culprit },
  });
  // Step 1–2: "Let origin be the result of getting `Access-Control-Allow-Origin`… If origin is null, return failure."
  const allowOrigin = combinedValue(headers, ACAO);
  if (allowOrigin === '*') {
    // Step 3: "If request's credentials mode is not "include" and origin is `*`, return success."
    if (withCredentials) {
      return fail('WildcardOriginNotAllowed', 'PreflightWildcardOriginNotAllowed', '', {
        field: ACAO,
        expected: origin,
        received: '*',
      });
    }
    return null;
  }
  if (allowOrigin === null) {
    return fail('MissingAllowOriginHeader', 'PreflightMissingAllowOriginHeader', '', {
      field: ACAO,
      expected: withCredentials ? origin : `${origin} (or * without credentials)`,
      received: null,
    });
  }
  // Step 4: "If the result of byte-serializing a request origin with request is not origin, return failure."
  if (allowOrigin !== origin) {
    const culprit = { field: ACAO, expected: origin, received: allowOrigin };
    // Chromium looks for a space or comma first: two lines arrive joined as "a, b".
    if (/[ ,]/.test(allowOrigin)) {
      const multiple = fail(
        'MultipleAllowOriginValues',
        'PreflightMultipleAllowOriginValues',
        allowOrigin,
        culprit,
      );
      // Firefox calls it "multiple" only for two header lines; one line holding a list just does not match.
      return headerLines(headers, ACAO).length > 1
        ? multiple
        : { ...multiple, firefox: 'CORSAllowOriginNotMatchingOrigin' };
    }
    if (allowOrigin !== 'null' && !parsesAsUrl(allowOrigin)) {
      return fail('InvalidAllowOriginValue', 'PreflightInvalidAllowOriginValue', allowOrigin, culprit);
    }
    return fail('AllowOriginMismatch', 'PreflightAllowOriginMismatch', allowOrigin, culprit);
  }
  // Step 6–7: with credentials, `Access-Control-Allow-Credentials` must be `true` (case-sensitive).
  if (withCredentials) {
    const allowCredentials = combinedValue(headers, ACAC);
    if (allowCredentials !== 'true') {
      return fail('InvalidAllowCredentials', 'PreflightInvalidAllowCredentials', allowCredentials ?? '', {
        field: ACAC,
        expected: 'true',
        received: allowCredentials,
      });
    }
  }
  return null;
}

const REDIRECT_STATUSES = new Set([300, 301, 302, 303, 307, 308]);

/** A response the network stack treats as a redirect: a redirect status with a `Location`. */
export function isRedirect(status: number, headers: HeaderList): boolean {
  return REDIRECT_STATUSES.has(status) && combinedValue(headers, 'Location') !== null;
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
  // Chromium's preflight loader refuses any redirect before looking at headers (Fetch §4.9 uses
  // redirect mode "error" for the preflight).
  if (isRedirect(status, headers)) {
    return {
      error: 'PreflightDisallowedRedirect',
      param: '',
      culprit: {
        where: 'preflight',
        field: 'status',
        expected: '2xx, answered directly',
        received: `${status} → ${combinedValue(headers, 'Location')}`,
      },
      // Firefox checks the redirect's CORS headers first: without them it reports those.
      ...(combinedValue(headers, ACAO) === null ? { firefox: 'CORSMissingAllowOrigin' as const } : {}),
    };
  }
  // Step 7: "If a CORS check for request and response returns success and response's status is an ok status"
  // — Chromium runs the CORS check first, so a 404 without CORS headers reports the missing header.
  const access = corsCheck(headers, request.origin, request.withCredentials, 'preflight');
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
  const methods = parseAllowList(headers, 'Access-Control-Allow-Methods', false);
  if (!methods.ok) {
    return {
      error: 'InvalidAllowMethodsPreflightResponse',
      param: '',
      culprit: {
        where: 'preflight',
        field: 'Access-Control-Allow-Methods',
        expected: 'a comma-separated list of method names',
        received: methods.raw,
      },
    };
  }
  const headerNames = parseAllowList(headers, 'Access-Control-Allow-Headers', true);
  if (!headerNames.ok) {
    return {
      error: 'InvalidAllowHeadersPreflightResponse',
      param: '',
      culprit: {
        where: 'preflight',
        field: 'Access-Control-Allow-Headers',
        expected: 'a comma-separated list of header names',
        received: headerNames.raw,
      },
    };
  }
  // Step 7.5: the method must be listed (case-sensitively), safelisted, or covered by `*` without credentials.
  const { method } = request;
  const methodAllowed =
    methods.values.has(method) ||
    method === 'GET' ||
    method === 'HEAD' ||
    method === 'POST' ||
    (!request.withCredentials && methods.values.has('*'));
  if (!methodAllowed) {
    return {
      error: 'MethodDisallowedByPreflightResponse',
      param: method,
      culprit: {
        where: 'preflight',
        field: 'Access-Control-Allow-Methods',
        expected: `a list containing ${method}`,
        received: methods.raw,
      },
    };
  }
  // Step 7.6–7.7: every CORS-unsafe header must be listed; `*` covers the rest only without
  // credentials. The standard also keeps `Authorization` out of the wildcard, but Chromium does
  // not enforce that yet (a deprecation warning only), and we report what Chrome does.
  const wildcard = !request.withCredentials && headerNames.values.has('*');
  const missing = wildcard ? [] : request.unsafeHeaderNames.filter((name) => !headerNames.values.has(name));
  const [first] = missing;
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
      received: headerNames.raw,
      missing,
    },
  };
}
