/**
 * From an exchange to a verdict: replays what the browser did, hop by hop (Fetch §4.1 main
 * fetch, §4.4 HTTP-redirect fetch, §4.8 HTTP fetch), and stops where it stopped.
 */
import { corsCheck, type Failure, isRedirect, preflightCheck } from './check.ts';
import type { CorsError } from './errors.ts';
import type { Exchange, Hop, ResponseRecord } from './exchange.ts';
import { corsErrorInfo, fillTemplate } from './explanations.ts';
import { asciiLower, byteLength, combinedValue, type HeaderList } from './headers.ts';
import { parseAllowList } from './lists.ts';
import { hasUrlCredentials, isHttpScheme, originOf, sameOrigin } from './origin.ts';
import {
  isForbiddenMethod,
  isForbiddenRequestHeaderName,
  normalizeMethod,
  type PreflightReason,
  preflightReasons,
} from './safelist.ts';
import type { Culprit, Finding, Outcome, Verdict } from './verdict.ts';

/** Values past this size are still checked, but the user is told (a 1 MB header is usually a bug). */
const HUGE_HEADER_BYTES = 8 * 1024;

/** Fetch §4.4 step 12: request-body-header names, dropped when a redirect turns the request into a GET. */
const REQUEST_BODY_HEADERS = new Set([
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
]);

interface State {
  method: string;
  headers: HeaderList;
  /** Fetch "tainted origin flag": set once the request went cross-origin and then elsewhere. */
  tainted: boolean;
  /** Response tainting became "cors": every later hop gets the CORS checks too. */
  corsFlag: boolean;
}

export function diagnose(exchange: Exchange): Verdict {
  const findings: Finding[] = [];
  const mode = exchange.mode ?? 'cors';
  const withCredentials = exchange.credentials === 'include';
  const pageOrigin = exchange.origin;

  if (isForbiddenMethod(exchange.method)) {
    findings.push({
      kind: 'forbidden-method',
      message: `fetch() refuses the method ${exchange.method}: nothing is sent.`,
    });
  }
  const headers = exchange.requestHeaders.filter((h) => {
    if (!isForbiddenRequestHeaderName(h.name)) return true;
    findings.push({
      kind: 'forbidden-header-dropped',
      message: `The browser drops "${h.name}" from script requests; it plays no part in CORS.`,
    });
    return false;
  });
  noteOddHeaders(exchange, findings);

  const state: State = {
    method: normalizeMethod(exchange.declared?.method ?? exchange.method),
    headers,
    tainted: false,
    corsFlag: false,
  };
  const firstReasons = requestReasons(state, exchange.declared?.headerNames);
  let preflightSeen = false;
  let preflightCached = false;

  const hops: Hop[] = [
    { url: exchange.url, preflight: exchange.preflight ?? null, response: exchange.response ?? null },
    ...(exchange.redirects ?? []),
  ];

  const result = (outcome: Outcome, hop: number, origin: string, failure?: Failure): Verdict => {
    const preflight = {
      required: firstReasons.length > 0,
      reasons: firstReasons,
      seen: preflightSeen,
      cached: preflightCached,
    };
    if (!failure) {
      return {
        outcome,
        blocked: false,
        corsError: null,
        failedParameter: null,
        firefoxReason: null,
        stage: null,
        hop,
        culprit: null,
        title: null,
        explanation: null,
        link: null,
        origin,
        preflight,
        findings,
      };
    }
    return blockedVerdict(failure, hop, origin, preflight, findings);
  };

  let url = exchange.url;
  for (let i = 0; i < hops.length; i++) {
    const hop = hops[i] as Hop;
    url = hop.url ?? url;
    const origin = state.tainted ? 'null' : pageOrigin;
    if (originOf(url) === null) {
      findings.push({ kind: 'malformed-url', message: `The URL cannot be parsed: ${truncate(url)}` });
      return result('incomplete', i, origin);
    }
    const crossOrigin = !sameOrigin(url, pageOrigin);

    // Fetch §4.1 main fetch step 12: "request's mode is "same-origin"" → network error.
    if (mode === 'same-origin' && crossOrigin) {
      return result('blocked', i, origin, requestFailure('DisallowedByMode', url, pageOrigin));
    }
    // Chrome refuses a cross-origin no-cors request that would not follow redirects (its
    // NoCorsRedirectModeNotFollow); Blink rejects it before it reaches the network.
    if (mode === 'no-cors' && crossOrigin && (exchange.redirectMode ?? 'follow') !== 'follow') {
      return result('blocked', i, origin, requestFailure('NoCorsRedirectModeNotFollow', url, pageOrigin));
    }
    if (mode === 'no-cors' || mode === 'navigate') return result('not-cors', i, origin);
    if (i === 0 && !isHttpScheme(url) && crossOrigin) {
      return result('blocked', i, origin, requestFailure('CorsDisabledScheme', url, pageOrigin));
    }
    // Fetch §4.1 step 12: same-origin with basic tainting needs no CORS; anything else sets the CORS flag.
    if (crossOrigin || state.tainted) state.corsFlag = true;
    if (!state.corsFlag) {
      const response = hop.response ?? null;
      if (response && isRedirect(response.status, response.headers)) {
        const next = followRedirect(exchange, state, url, response, i, hops, findings, pageOrigin);
        if (next.kind === 'stop') return result(next.outcome, i, origin, next.failure);
        url = next.url;
        continue;
      }
      return result(response ? 'not-cors' : 'incomplete', i, origin);
    }

    const reasons = i === 0 ? firstReasons : preflightReasons(state.method, state.headers);
    const unsafeHeaderNames = inRequestOrder(
      reasons.flatMap((r) => (r.kind === 'header' ? [r.name] : [])),
      state.headers,
    );
    if (hop.preflight) {
      if (i === 0) preflightSeen = true;
      const statusNote = preflightStatusNote(hop.preflight.status);
      if (statusNote) findings.push({ kind: 'preflight-status', message: statusNote });
      const failure = preflightCheck(hop.preflight.status, hop.preflight.headers, {
        origin,
        method: state.method,
        unsafeHeaderNames,
        withCredentials,
      });
      if (failure) return result('blocked', i, origin, failure);
      if (authorizationOnlyByWildcard(hop.preflight.headers, unsafeHeaderNames, withCredentials)) {
        findings.push({
          kind: 'authorization-wildcard',
          risk: true,
          link: 'https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name',
          message:
            '`Access-Control-Allow-Headers: *` lets `Authorization` through in Chrome today, but the Fetch standard ' +
            'excludes it from the wildcard and Chrome warns it will stop: list `Authorization` explicitly.',
        });
      }
    } else if (reasons.length > 0) {
      if (hop.response || exchange.preflightCached) {
        // The request went out without a preflight, so Chrome found one in its preflight cache.
        if (i === 0) preflightCached = true;
        findings.push({
          kind: 'preflight-cached',
          message:
            'No preflight was sent: the browser reused a cached preflight result (Access-Control-Max-Age, ' +
            'capped at 2 hours in Chrome). A server fix may not show until that cache expires.',
        });
      } else {
        findings.push({
          kind: 'missing-preflight',
          message: 'A preflight was needed but none was recorded.',
        });
        return result('incomplete', i, origin);
      }
    }

    const response = hop.response ?? null;
    if (!response) {
      findings.push({ kind: 'missing-response', message: 'No response was recorded for the request.' });
      return result('incomplete', i, origin);
    }
    // Fetch §4.8 HTTP fetch step 4.? : a CORS check applies to every response, redirects included.
    const redirect = isRedirect(response.status, response.headers);
    const access = corsCheck(response.headers, origin, withCredentials, redirect ? 'redirect' : 'response');
    if (access) return result('blocked', i, origin, access);
    if (!redirect) {
      lintAllowed(hop, response, origin, withCredentials, findings);
      return result('allowed', i, origin);
    }
    const next = followRedirect(exchange, state, url, response, i, hops, findings, pageOrigin);
    if (next.kind === 'stop') return result(next.outcome, i, origin, next.failure);
    url = next.url;
  }
  return result('incomplete', hops.length - 1, state.tainted ? 'null' : pageOrigin);
}

type RedirectStep = { kind: 'next'; url: string } | { kind: 'stop'; outcome: Outcome; failure?: Failure };

/** Fetch §4.4 HTTP-redirect fetch: validates the Location, updates taint, method and headers. */
function followRedirect(
  exchange: Exchange,
  state: State,
  url: string,
  response: ResponseRecord,
  index: number,
  hops: readonly Hop[],
  findings: Finding[],
  pageOrigin: string,
): RedirectStep {
  const redirectMode = exchange.redirectMode ?? 'follow';
  // A manual redirect hands the page an opaque-redirect response; "error" is a network error, not CORS.
  if (redirectMode !== 'follow')
    return { kind: 'stop', outcome: redirectMode === 'manual' ? 'allowed' : 'incomplete' };
  const location = combinedValue(response.headers, 'Location') ?? '';
  let next: string;
  try {
    next = new URL(location, url).href;
  } catch {
    findings.push({
      kind: 'malformed-location',
      message: `The redirect Location cannot be parsed: ${truncate(location)}`,
    });
    return { kind: 'stop', outcome: 'incomplete' };
  }
  // Step 6: "If locationURL's scheme is not an HTTP(S) scheme, then return a network error."
  // Chrome fails it as net::ERR_UNSAFE_REDIRECT, which is not a CORS error.
  if (!isHttpScheme(next)) {
    findings.push({
      kind: 'unsafe-redirect',
      message: `The server redirected to ${truncate(next)}; browsers follow redirects only to http: and https: URLs.`,
    });
    return { kind: 'stop', outcome: 'network-error' };
  }
  // Step 7: credentials in the location URL, for a CORS request going cross-origin (or already tainted).
  if (
    (exchange.mode ?? 'cors') === 'cors' &&
    hasUrlCredentials(next) &&
    (state.tainted || !sameOrigin(pageOrigin, next) || state.corsFlag)
  ) {
    return {
      kind: 'stop',
      outcome: 'blocked',
      failure: {
        error: 'RedirectContainsCredentials',
        param: '',
        culprit: {
          where: 'redirect',
          field: 'Location',
          expected: 'a URL without user:password@',
          received: location,
        },
      },
    };
  }
  // Step 13 (tainted origin): "If request's current URL's origin is not same origin with
  // locationURL's origin and request's origin is not same origin with request's current URL's origin".
  if (!sameOrigin(url, next) && !sameOrigin(pageOrigin, url)) state.tainted = true;
  // Step 12: 301/302 turn POST into GET; 303 turns everything but GET/HEAD into GET; body headers go.
  const { status } = response;
  if (
    ((status === 301 || status === 302) && state.method === 'POST') ||
    (status === 303 && state.method !== 'GET' && state.method !== 'HEAD')
  ) {
    state.method = 'GET';
    state.headers = state.headers.filter((h) => !REQUEST_BODY_HEADERS.has(h.name.toLowerCase()));
  }
  const following = hops[index + 1];
  if (!following) {
    findings.push({
      kind: 'missing-redirect-hop',
      message: `The redirect to ${truncate(next)} was not recorded.`,
    });
    return { kind: 'stop', outcome: 'incomplete' };
  }
  return { kind: 'next', url: following.url ?? next };
}

/**
 * Why the first request needed a preflight. The browser's own declaration (the preflight's
 * Access-Control-Request-Headers) wins over our reading of captured headers, which may hold
 * headers the browser added itself; a name we also saw keeps its detailed reason.
 */
function requestReasons(state: State, declared: readonly string[] | undefined): PreflightReason[] {
  const computed = preflightReasons(state.method, state.headers);
  if (!declared) return computed;
  const byName = new Map(computed.flatMap((r) => (r.kind === 'header' ? [[r.name, r] as const] : [])));
  const reasons: PreflightReason[] = computed.filter((r) => r.kind === 'method');
  for (const raw of declared) {
    const name = asciiLower(raw.trim());
    if (name === '') continue;
    reasons.push(
      byName.get(name) ?? { kind: 'header', name, value: '', why: { kind: 'declared-by-preflight' } },
    );
  }
  return reasons;
}

/**
 * Orders the unsafe names as the page set them, so that the header we name first is the one the
 * developer wrote first. (Chrome itself walks Blink's header hash map, whose order we cannot
 * reproduce: with X-Zeta and X-Alpha both missing, Chromium 156 names x-zeta in either order.)
 */
function inRequestOrder(names: readonly string[], headers: HeaderList): string[] {
  const position = new Map<string, number>();
  headers.forEach((h, index) => {
    const lower = asciiLower(h.name);
    if (!position.has(lower)) position.set(lower, index);
  });
  return [...names].sort((a, b) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity));
}

/**
 * Chromium 156 still lets `*` cover `Authorization` (only a deprecation warning), although Fetch
 * §4.9 step 7.7 makes Authorization a CORS non-wildcard request-header name. We follow Chrome's
 * verdict and tell the user.
 */
function authorizationOnlyByWildcard(
  preflight: HeaderList,
  unsafe: readonly string[],
  withCredentials: boolean,
): boolean {
  if (withCredentials || !unsafe.includes('authorization')) return false;
  const allowed = parseAllowList(preflight, 'Access-Control-Allow-Headers', true);
  return allowed.ok && allowed.values.has('*') && !allowed.values.has('authorization');
}

const CHROME_MAX_AGE = 7200;

/**
 * Configurations that work but are risky or fragile (issue: security lint). Each finding says the
 * risk and how to check or fix it; none of them blocks.
 */
function lintAllowed(
  hop: Hop,
  response: ResponseRecord,
  origin: string,
  withCredentials: boolean,
  findings: Finding[],
): void {
  const headers = response.headers;
  const allowOrigin = combinedValue(headers, 'Access-Control-Allow-Origin');
  const vary = (combinedValue(headers, 'Vary') ?? '').toLowerCase();
  if (allowOrigin === 'null') {
    findings.push({
      kind: 'null-origin-allowed',
      risk: true,
      message:
        'The server allows the origin "null". Sandboxed iframes, data: and file: pages all send "Origin: null", so any site can get the same access. Allow named origins only.',
      link: 'https://portswigger.net/web-security/cors#whitelisted-null-origin-value',
    });
  } else if (allowOrigin !== null && allowOrigin !== '*' && !/(^|,)\s*(origin|\*)\s*(,|$)/.test(vary)) {
    findings.push({
      kind: 'origin-without-vary',
      risk: true,
      message:
        'Access-Control-Allow-Origin names this origin but the response has no "Vary: Origin": a shared cache can hand this answer to another origin, or another origin\'s answer to this page. Add Vary: Origin.',
      link: 'https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches',
    });
  }
  if (withCredentials && allowOrigin === origin && origin !== 'null') {
    findings.push({
      kind: 'credentials-origin-check',
      risk: true,
      message:
        'Credentialed CORS is allowed for this origin. Make sure the server takes it from an allow-list and never echoes any Origin back: ' +
        `curl -s -D - -o /dev/null -H 'Origin: https://attacker.example' ${JSON.stringify(hop.url ?? '')} must not answer with that origin.`,
      link: 'https://portswigger.net/web-security/cors#server-generated-acao-header-from-client-specified-origin-header',
    });
  }
  const maxAge = Number(combinedValue(hop.preflight?.headers ?? [], 'Access-Control-Max-Age') ?? Number.NaN);
  if (Number.isFinite(maxAge) && maxAge > CHROME_MAX_AGE) {
    findings.push({
      kind: 'max-age-over-cap',
      risk: true,
      message: `Access-Control-Max-Age is ${maxAge} s, but Chrome keeps a preflight at most ${CHROME_MAX_AGE} s (2 h) and Firefox 86,400 s: the value is cut, and a long cache keeps a broken or revoked policy alive.`,
      link: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Max-Age',
    });
  }
}

/**
 * What a preflight's error status usually means on the server side: the bug hides there, not in
 * the CORS headers.
 */
function preflightStatusNote(status: number): string | null {
  if (status >= 200 && status <= 399) return null;
  if (status === 404 || status === 405 || status === 501) {
    return `The preflight got ${status}: nothing on the server answers OPTIONS for this route. Add an OPTIONS handler (or apply the CORS middleware to OPTIONS requests, before the routes).`;
  }
  if (status === 401 || status === 403) {
    return `The preflight got ${status}: authentication or authorization runs before CORS. Browsers never send credentials with a preflight, so let OPTIONS through before the auth check.`;
  }
  if (status >= 500) {
    return `The preflight got ${status}: the server failed while answering OPTIONS. Check its log for this route.`;
  }
  return `The preflight got ${status}; it must be answered with a 2xx status (200 or 204).`;
}

function requestFailure(error: CorsError, url: string, pageOrigin: string): Failure {
  return {
    error,
    param: '',
    culprit: {
      where: 'request',
      field: error === 'DisallowedByMode' ? 'mode' : 'URL',
      expected:
        error === 'DisallowedByMode' ? `an URL on ${pageOrigin}, or mode "cors"` : 'an http: or https: URL',
      received: truncate(url),
    },
  };
}

function blockedVerdict(
  failure: Failure,
  hop: number,
  origin: string,
  preflight: Verdict['preflight'],
  findings: readonly Finding[],
): Verdict {
  const info = corsErrorInfo(failure.error);
  const values = { origin, param: failure.param };
  return {
    outcome: 'blocked',
    blocked: true,
    corsError: failure.error,
    failedParameter: failure.param,
    firefoxReason: failure.firefox ?? info.firefox.reason,
    stage: failure.culprit.where === 'redirect' ? 'redirect' : info.stage,
    hop,
    culprit: failure.culprit satisfies Culprit,
    title: fillTemplate(info.title, values),
    explanation: fillTemplate(info.explanation, values),
    link: info.link,
    origin,
    preflight,
    findings,
  };
}

function noteOddHeaders(exchange: Exchange, findings: Finding[]): void {
  const all = [
    ...exchange.requestHeaders,
    ...(exchange.preflight?.headers ?? []),
    ...(exchange.response?.headers ?? []),
  ];
  for (const h of all) {
    // A value of n code units is at most 3n bytes: most are too short to need counting.
    const bytes = h.value.length * 3 > HUGE_HEADER_BYTES ? byteLength(h.value) : 0;
    if (bytes > HUGE_HEADER_BYTES) {
      findings.push({
        kind: 'huge-header',
        message: `The header "${truncate(h.name)}" is ${bytes} bytes long.`,
      });
    }
    if (hasNonLatin1(h.name) || hasNonLatin1(h.value)) {
      findings.push({
        kind: 'non-latin1-header',
        message: `The header "${truncate(h.name)}" holds characters outside Latin-1; browsers send bytes, so it was probably mangled.`,
      });
    }
  }
}

function truncate(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}

const NON_LATIN1 = /[\u0100-\uffff]/;

function hasNonLatin1(s: string): boolean {
  return NON_LATIN1.test(s);
}
