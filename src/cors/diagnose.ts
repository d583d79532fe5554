/**
 * From an exchange to a verdict: replays what the browser did, hop by hop (Fetch §4.1 main
 * fetch, §4.4 HTTP-redirect fetch, §4.8 HTTP fetch), and stops where it stopped.
 */

import { addressSpaceOf, permissionFor } from './address-space.ts';
import { checkAccess, checkPreflight, type Failure } from './check.ts';
import { type CorsHeaders, corsHeadersOf } from './cors-headers.ts';
import type { CorsError } from './errors.ts';
import type { Exchange, PreflightRecord, ResponseRecord } from './exchange.ts';
import { corsErrorInfo, errorTexts } from './explanations.ts';
import { asciiLower, byteLength, type HeaderList } from './headers.ts';
import { listHas } from './lists.ts';
import { hasUrlCredentials, isHttpScheme, originOf, sameOrigin } from './origin.ts';
import { CHROME_PREFLIGHT_CACHE, FIREFOX_PREFLIGHT_CACHE } from './preflight-cache.ts';
import { preflightStatusMeaning } from './preflight-status.ts';
import { isRedirectStatus, REQUEST_BODY_HEADERS, redirectBecomesGet } from './redirect.ts';
import {
  isForbiddenMethod,
  NON_LATIN1,
  nameInfo,
  normalizeMethod,
  type PreflightReason,
  preflightReasons,
} from './safelist.ts';
import type { Culprit, Finding, Outcome, PreflightSummary, Verdict } from './verdict.ts';

/** An http: or https: URL (`target` already says it parses). */
const HTTP_SCHEME = /^https?:/i;

/** Values past this size are still checked, but the user is told (a 1 MB header is usually a bug). */
const HUGE_HEADER_BYTES = 8 * 1024;

/** One walk of the engine over an exchange: where the request stands, and what was found on the way. */
interface Run {
  readonly exchange: Exchange;
  readonly findings: Finding[];
  /** Why the first hop needed a preflight. */
  readonly reasons: readonly PreflightReason[];
  readonly withCredentials: boolean;
  /** The credentials mode was not observed: the credentialed reading is followed alongside. */
  readonly unknownCredentials: boolean;
  method: string;
  headers: HeaderList;
  /** Fetch "tainted origin flag": set once the request went cross-origin and then elsewhere. */
  tainted: boolean;
  /** Response tainting became "cors": every later hop gets the CORS checks too. */
  corsFlag: boolean;
  preflightSeen: boolean;
  preflightCached: boolean;
  /** With credentials unknown: the verdict of the credentialed reading, once it differs. */
  credentialed: Verdict | undefined;
}

export function diagnose(exchange: Exchange): Verdict {
  const findings: Finding[] = [];
  if (isForbiddenMethod(exchange.method)) {
    const method = exchange.method;
    findings.push({
      kind: 'forbidden-method',
      message: `fetch() refuses the method ${method}: nothing is sent.`,
    });
  }
  const headers = requestHeadersOf(exchange.requestHeaders, findings);
  if (exchange.preflight) noteOddLines(exchange.preflight.headers, findings);
  if (exchange.response) noteOddLines(exchange.response.headers, findings);
  const method = normalizeMethod(exchange.declared?.method ?? exchange.method);
  const run: Run = {
    exchange,
    findings,
    reasons: requestReasons(method, headers, exchange.declared?.headerNames),
    withCredentials: exchange.credentials === 'include',
    unknownCredentials: exchange.credentials === 'unknown',
    method,
    headers,
    tainted: false,
    corsFlag: false,
    preflightSeen: false,
    preflightCached: false,
    credentialed: undefined,
  };
  return walk(run);
}

function walk(run: Run): Verdict {
  const { exchange, findings } = run;
  // Local Network Access is checked when the browser connects: before any preflight or response.
  if (exchange.localNetworkDenied) {
    return verdictOf(run, 'blocked', 0, exchange.origin, localNetworkFailure(exchange.url, exchange.origin));
  }
  const mode = exchange.mode ?? 'cors';
  const pageOrigin = exchange.origin;
  // "null" (an opaque origin) is same-origin with nothing.
  const page = pageOrigin === 'null' ? null : (originOf(pageOrigin) ?? pageOrigin);
  const hops = 1 + (exchange.redirects?.length ?? 0);
  let url = exchange.url;
  for (let i = 0; i < hops; i++) {
    url = hopUrl(exchange, i) ?? url;
    const origin = run.tainted ? 'null' : pageOrigin;
    const target = originOf(url);
    if (target === null) {
      findings.push(malformedUrl(url));
      return verdictOf(run, 'incomplete', i, origin);
    }
    const crossOrigin = target === 'null' || target !== page;

    // Fetch §4.1 main fetch step 12: "request's mode is "same-origin"" → network error.
    if (mode === 'same-origin' && crossOrigin) {
      return verdictOf(run, 'blocked', i, origin, requestFailure('DisallowedByMode', url, pageOrigin));
    }
    // Chrome refuses a cross-origin no-cors request that would not follow redirects (its
    // NoCorsRedirectModeNotFollow); Blink rejects it before it reaches the network.
    if (mode === 'no-cors' && crossOrigin && (exchange.redirectMode ?? 'follow') !== 'follow') {
      return verdictOf(
        run,
        'blocked',
        i,
        origin,
        requestFailure('NoCorsRedirectModeNotFollow', url, pageOrigin),
      );
    }
    if (mode === 'no-cors' || mode === 'navigate') return verdictOf(run, 'not-cors', i, origin);
    if (i === 0 && crossOrigin && !HTTP_SCHEME.test(url.trimStart())) {
      return verdictOf(run, 'blocked', i, origin, requestFailure('CorsDisabledScheme', url, pageOrigin));
    }
    // Fetch §4.1 step 12: same-origin with basic tainting needs no CORS; anything else sets the CORS flag.
    if (crossOrigin || run.tainted) run.corsFlag = true;
    const response = hopResponse(exchange, i);
    const answer = response ? corsHeadersOf(response.headers) : null;
    const redirect = response !== null && isRedirectStatus(response.status) && answer?.location != null;
    if (!run.corsFlag) {
      if (response && redirect) {
        const next = followRedirect(run, url, response, answer as CorsHeaders, i, hops);
        if (typeof next !== 'string') return verdictOf(run, next.outcome, i, origin, next.failure);
        url = next;
        continue;
      }
      return verdictOf(run, response ? 'not-cors' : 'incomplete', i, origin);
    }

    const reasons = i === 0 ? run.reasons : preflightReasons(run.method, run.headers);
    const unsafeHeaderNames = unsafeNamesInRequestOrder(reasons, run.headers);
    const preflight = hopPreflight(exchange, i);
    const preflightAnswer = preflight ? corsHeadersOf(preflight.headers) : null;
    if (preflight && preflightAnswer) {
      if (i === 0) run.preflightSeen = true;
      const meaning = preflightStatusMeaning(preflight.status);
      if (meaning !== 'ok' && meaning !== 'redirect') findings.push(preflightStatusFinding(preflight.status));
      const request = { origin, method: run.method, unsafeHeaderNames, withCredentials: run.withCredentials };
      const failure = checkPreflight(preflight.status, preflightAnswer, request);
      if (run.unknownCredentials && run.credentialed === undefined) {
        const credentialed = checkPreflight(preflight.status, preflightAnswer, {
          ...request,
          withCredentials: true,
        });
        noteCredentialed(run, failure, credentialed, i, origin);
      }
      if (failure) return verdictOf(run, 'blocked', i, origin, failure);
      if (authorizationOnlyByWildcard(preflightAnswer, unsafeHeaderNames, run.withCredentials)) {
        findings.push(AUTHORIZATION_WILDCARD);
      }
    } else if (reasons.length > 0) {
      if (response || exchange.preflightCached) {
        // The request went out without a preflight, so Chrome found one in its preflight cache.
        if (i === 0) run.preflightCached = true;
        findings.push(PREFLIGHT_CACHED);
      } else {
        findings.push(MISSING_PREFLIGHT);
        return verdictOf(run, 'incomplete', i, origin);
      }
    }

    if (!response || !answer) {
      findings.push(MISSING_RESPONSE);
      return verdictOf(run, 'incomplete', i, origin);
    }
    // Fetch §4.8 HTTP fetch step 4.? : a CORS check applies to every response, redirects included.
    const where = redirect ? 'redirect' : 'response';
    const access = checkAccess(answer, origin, run.withCredentials, where);
    if (run.unknownCredentials && run.credentialed === undefined) {
      noteCredentialed(run, access, checkAccess(answer, origin, true, where), i, origin);
    }
    if (access) return verdictOf(run, 'blocked', i, origin, access);
    if (!redirect) {
      lintAllowed(url, preflightAnswer, answer, origin, run.withCredentials, findings);
      return verdictOf(run, 'allowed', i, origin);
    }
    const next = followRedirect(run, url, response, answer, i, hops);
    if (typeof next !== 'string') return verdictOf(run, next.outcome, i, origin, next.failure);
    url = next;
  }
  return verdictOf(run, 'incomplete', hops - 1, run.tainted ? 'null' : pageOrigin);
}

/** The hops of an exchange without building a list of them: 0 is the first URL, then each redirect. */
function hopUrl(x: Exchange, i: number): string | undefined {
  return i === 0 ? x.url : x.redirects?.[i - 1]?.url;
}

function hopPreflight(x: Exchange, i: number): PreflightRecord | null {
  return (i === 0 ? x.preflight : x.redirects?.[i - 1]?.preflight) ?? null;
}

function hopResponse(x: Exchange, i: number): ResponseRecord | null {
  return (i === 0 ? x.response : x.redirects?.[i - 1]?.response) ?? null;
}

/**
 * With the credentials mode unknown, both readings walk the same path until a check tells them
 * apart; the credentialed one can only fail earlier (it is the stricter), so the first check where
 * its failure differs is where it stops.
 */
function noteCredentialed(
  run: Run,
  plain: Failure | null,
  credentialed: Failure | null,
  hop: number,
  origin: string,
): void {
  if (!credentialed || plain?.error === credentialed.error) return;
  run.credentialed = blockedVerdict(credentialed, hop, origin, summary(run), run.findings.slice(), undefined);
}

function summary(run: Run): PreflightSummary {
  return {
    required: run.reasons.length > 0,
    reasons: run.reasons,
    seen: run.preflightSeen,
    cached: run.preflightCached,
  };
}

function verdictOf(run: Run, outcome: Outcome, hop: number, origin: string, failure?: Failure): Verdict {
  if (failure) return blockedVerdict(failure, hop, origin, summary(run), run.findings, run.credentialed);
  const verdict: { -readonly [K in keyof Verdict]: Verdict[K] } = {
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
    preflight: summary(run),
    findings: run.findings,
  };
  if (run.credentialed) verdict.credentialed = run.credentialed;
  return verdict;
}

type RedirectStop = { outcome: Outcome; failure?: Failure };

/** Fetch §4.4 HTTP-redirect fetch: validates the Location, updates taint, method and headers. */
function followRedirect(
  run: Run,
  url: string,
  response: ResponseRecord,
  answer: CorsHeaders,
  index: number,
  hops: number,
): string | RedirectStop {
  const { exchange, findings } = run;
  const pageOrigin = exchange.origin;
  const redirectMode = exchange.redirectMode ?? 'follow';
  // A manual redirect hands the page an opaque-redirect response; "error" is a network error, not CORS.
  if (redirectMode !== 'follow') return { outcome: redirectMode === 'manual' ? 'allowed' : 'incomplete' };
  const location = answer.location ?? '';
  let next: string;
  try {
    next = new URL(location, url).href;
  } catch {
    findings.push({
      kind: 'malformed-location',
      message: `The redirect Location cannot be parsed: ${truncate(location)}`,
    });
    return { outcome: 'incomplete' };
  }
  // Step 6: "If locationURL's scheme is not an HTTP(S) scheme, then return a network error."
  // Chrome fails it as net::ERR_UNSAFE_REDIRECT, which is not a CORS error.
  if (!isHttpScheme(next)) {
    findings.push({
      kind: 'unsafe-redirect',
      message: `The server redirected to ${truncate(next)}; browsers follow redirects only to http: and https: URLs.`,
    });
    return { outcome: 'network-error' };
  }
  // Step 7: credentials in the location URL, for a CORS request going cross-origin (or already tainted).
  if (
    (exchange.mode ?? 'cors') === 'cors' &&
    hasUrlCredentials(next) &&
    (run.tainted || !sameOrigin(pageOrigin, next) || run.corsFlag)
  ) {
    return {
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
  if (!sameOrigin(url, next) && !sameOrigin(pageOrigin, url)) run.tainted = true;
  // Step 12: the method may become GET, and the body's headers go with the body.
  if (redirectBecomesGet(response.status, run.method)) {
    run.method = 'GET';
    run.headers = run.headers.filter((h) => !REQUEST_BODY_HEADERS.has(asciiLower(h.name)));
  }
  if (index + 1 >= hops) {
    findings.push({
      kind: 'missing-redirect-hop',
      message: `The redirect to ${truncate(next)} was not recorded.`,
    });
    return { outcome: 'incomplete' };
  }
  return hopUrl(exchange, index + 1) ?? next;
}

/**
 * The page's headers without those the browser drops from script requests (Fetch §2.2.2
 * forbidden), noting those and any odd line on the way.
 */
function requestHeadersOf(headers: HeaderList, findings: Finding[]): HeaderList {
  let kept: HeaderLine[] | null = null;
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as HeaderLine;
    const info = nameInfo(h.name);
    noteOddLine(h, info.nonLatin1, findings);
    if (!info.forbidden) {
      kept?.push(h);
      continue;
    }
    kept ??= headers.slice(0, i);
    findings.push({
      kind: 'forbidden-header-dropped',
      message: `The browser drops "${h.name}" from script requests; it plays no part in CORS.`,
    });
  }
  return kept ?? headers;
}

type HeaderLine = HeaderList[number];

/**
 * Why the first request needed a preflight. The browser's own declaration (the preflight's
 * Access-Control-Request-Headers) wins over our reading of captured headers, which may hold
 * headers the browser added itself; a name we also saw keeps its detailed reason.
 */
function requestReasons(
  method: string,
  headers: HeaderList,
  declared: readonly string[] | undefined,
): PreflightReason[] {
  const computed = preflightReasons(method, headers);
  if (!declared) return computed;
  const reasons: PreflightReason[] = computed.filter((r) => r.kind === 'method');
  for (const raw of declared) {
    const name = asciiLower(raw.trim());
    if (name === '') continue;
    const seen = computed.find((r) => r.kind === 'header' && r.name === name);
    reasons.push(seen ?? { kind: 'header', name, value: '', why: { kind: 'declared-by-preflight' } });
  }
  return reasons;
}

/**
 * The unsafe header names, ordered as the page set them, so that the header we name first is the
 * one the developer wrote first. (Chrome itself walks Blink's header hash map, whose order we
 * cannot reproduce: with X-Zeta and X-Alpha both missing, Chromium 156 names x-zeta in either order.)
 */
function unsafeNamesInRequestOrder(reasons: readonly PreflightReason[], headers: HeaderList): string[] {
  const names: string[] = [];
  for (const r of reasons) if (r.kind === 'header') names.push(r.name);
  if (names.length < 2) return names;
  const positions = names.map((name) => {
    const at = headers.findIndex((h) => asciiLower(h.name) === name);
    return at < 0 ? Infinity : at;
  });
  return names
    .map((name, i) => ({ name, at: positions[i] as number }))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.name);
}

/**
 * Chromium 156 still lets `*` cover `Authorization` (only a deprecation warning), although Fetch
 * §4.9 step 7.7 makes Authorization a CORS non-wildcard request-header name. We follow Chrome's
 * verdict and tell the user.
 */
function authorizationOnlyByWildcard(
  preflight: CorsHeaders,
  unsafe: readonly string[],
  withCredentials: boolean,
): boolean {
  const allowed = preflight.allowHeaders;
  if (withCredentials || allowed === null || !unsafe.includes('authorization')) return false;
  return listHas(allowed, '*', false) && !listHas(allowed, 'authorization', true);
}

const AUTHORIZATION_WILDCARD: Finding = {
  kind: 'authorization-wildcard',
  risk: true,
  link: 'https://fetch.spec.whatwg.org/#cors-non-wildcard-request-header-name',
  message:
    '`Access-Control-Allow-Headers: *` lets `Authorization` through in Chrome today, but the Fetch standard ' +
    'excludes it from the wildcard and Chrome warns it will stop: list `Authorization` explicitly.',
};

const PREFLIGHT_CACHED: Finding = {
  kind: 'preflight-cached',
  message:
    'No preflight was sent: the browser reused a cached preflight result (Access-Control-Max-Age, ' +
    'capped at 2 hours in Chrome). A server fix may not show until that cache expires.',
};

const MISSING_PREFLIGHT: Finding = {
  kind: 'missing-preflight',
  message: 'A preflight was needed but none was recorded.',
};

const MISSING_RESPONSE: Finding = {
  kind: 'missing-response',
  message: 'No response was recorded for the request.',
};

const NULL_ORIGIN_ALLOWED: Finding = {
  kind: 'null-origin-allowed',
  risk: true,
  message:
    'The server allows the origin "null". Sandboxed iframes, data: and file: pages all send "Origin: null", so any site can get the same access. Allow named origins only.',
  link: 'https://portswigger.net/web-security/cors#whitelisted-null-origin-value',
};

const ORIGIN_WITHOUT_VARY: Finding = {
  kind: 'origin-without-vary',
  risk: true,
  message:
    'Access-Control-Allow-Origin names this origin but the response has no "Vary: Origin": a shared cache can hand this answer to another origin, or another origin\'s answer to this page. Add Vary: Origin.',
  link: 'https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches',
};

const CHROME_MAX_AGE = CHROME_PREFLIGHT_CACHE.maxSeconds;

/**
 * Configurations that work but are risky or fragile (issue: security lint). Each finding says the
 * risk and how to check or fix it; none of them blocks.
 */
function lintAllowed(
  url: string,
  preflight: CorsHeaders | null,
  response: CorsHeaders,
  origin: string,
  withCredentials: boolean,
  findings: Finding[],
): void {
  const allowOrigin = response.allowOrigin;
  if (allowOrigin === 'null') {
    findings.push(NULL_ORIGIN_ALLOWED);
  } else if (allowOrigin !== null && allowOrigin !== '*' && !varyCoversOrigin(response.vary)) {
    findings.push(ORIGIN_WITHOUT_VARY);
  }
  if (withCredentials && allowOrigin === origin && origin !== 'null') {
    findings.push({
      kind: 'credentials-origin-check',
      risk: true,
      message:
        'Credentialed CORS is allowed for this origin. Make sure the server takes it from an allow-list and never echoes any Origin back: ' +
        `curl -s -D - -o /dev/null -H 'Origin: https://attacker.example' ${JSON.stringify(url)} must not answer with that origin.`,
      link: 'https://portswigger.net/web-security/cors#server-generated-acao-header-from-client-specified-origin-header',
    });
  }
  const maxAgeValue = preflight?.maxAge ?? null;
  const maxAge = maxAgeValue === null ? Number.NaN : Number(maxAgeValue);
  if (Number.isFinite(maxAge) && maxAge > CHROME_MAX_AGE) {
    findings.push({
      kind: 'max-age-over-cap',
      risk: true,
      message: `Access-Control-Max-Age is ${maxAge} s, but Chrome keeps a preflight at most ${CHROME_MAX_AGE} s (2 h) and Firefox ${FIREFOX_PREFLIGHT_CACHE.maxSeconds.toLocaleString('en-US')} s: the value is cut, and a long cache keeps a broken or revoked policy alive.`,
      link: 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Access-Control-Max-Age',
    });
  }
}

/** `Vary: Origin` (or `*`), in any of the response's Vary lines. */
function varyCoversOrigin(vary: string | null): boolean {
  return vary !== null && /(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary);
}

/** What a preflight's error status says about the server: the bug hides there, not in the CORS headers. */
function preflightStatusFinding(status: number): Finding {
  return { kind: 'preflight-status', message: preflightStatusNote(status) };
}

function preflightStatusNote(status: number): string {
  switch (preflightStatusMeaning(status)) {
    case 'no-options-handler':
      return `The preflight got ${status}: nothing on the server answers OPTIONS for this route. Add an OPTIONS handler (or apply the CORS middleware to OPTIONS requests, before the routes).`;
    case 'auth-before-cors':
      return `The preflight got ${status}: authentication or authorization runs before CORS. Browsers never send credentials with a preflight, so let OPTIONS through before the auth check.`;
    case 'server-error':
      return `The preflight got ${status}: the server failed while answering OPTIONS. Check its log for this route.`;
    default:
      return `The preflight got ${status}; it must be answered with a 2xx status (200 or 204).`;
  }
}

/** The page may not reach the URL's address space without the user's permission. */
function localNetworkFailure(url: string, pageOrigin: string): Failure {
  const space = addressSpaceOf(url);
  const where = space === 'unknown' ? 'a local address' : `a ${space} address`;
  return {
    error: 'LocalNetworkAccessPermissionDenied',
    param: '',
    culprit: {
      where: 'request',
      field: 'Local Network Access permission',
      expected: `"${permissionFor(space)}" allowed for ${pageOrigin}`,
      received: `not allowed: ${truncate(url)} is ${where}`,
    },
  };
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
  preflight: PreflightSummary,
  findings: readonly Finding[],
  credentialed: Verdict | undefined,
): Verdict {
  const info = corsErrorInfo(failure.error);
  const param = failure.param;
  const texts = errorTexts(failure.error, { origin, param });
  const missing = failure.culprit.missing ?? [];
  const verdict: { -readonly [K in keyof Verdict]: Verdict[K] } = {
    outcome: 'blocked',
    blocked: true,
    corsError: failure.error,
    failedParameter: param,
    firefoxReason: failure.firefox ?? info.firefox.reason,
    stage: failure.culprit.where === 'redirect' ? 'redirect' : info.stage,
    hop,
    culprit: failure.culprit satisfies Culprit,
    title: texts.title,
    explanation:
      missing.length > 1 ? `${texts.explanation} ${severalMissing(missing, null)}` : texts.explanation,
    link: info.link,
    origin,
    preflight,
    findings,
  };
  if (credentialed) verdict.credentialed = credentialed;
  return verdict;
}

/**
 * Several headers missing from Access-Control-Allow-Headers: all must be listed, and Chrome's
 * message names only one, picked in an order of its own (`pick`, when Chrome's word is at hand).
 */
function severalMissing(missing: readonly string[], pick: string | null): string {
  const names = missing.map((m) => `\`${m}\``).join(', ');
  return (
    `The server listed none of ${names}: all of them must be in \`Access-Control-Allow-Headers\`. ` +
    (pick === null
      ? "Chrome's message names one of them, in an order of its own."
      : `Chrome's message names \`${pick}\`.`)
  );
}

/**
 * The verdict as Chrome worded it, when its own failedParameter is known (CDP's corsErrorStatus)
 * and is one of several the engine found missing: Chrome's pick leads, the others still listed.
 */
export function withChromePick(verdict: Verdict, failedParameter: string): Verdict {
  const missing = verdict.culprit?.missing ?? [];
  if (!verdict.blocked || verdict.corsError === null || missing.length < 2) return verdict;
  if (!missing.includes(failedParameter)) return verdict;
  const texts = errorTexts(verdict.corsError, { origin: verdict.origin, param: failedParameter });
  return {
    ...verdict,
    failedParameter,
    title: texts.title,
    explanation: `${texts.explanation} ${severalMissing(missing, failedParameter)}`,
  };
}

function malformedUrl(url: string): Finding {
  return {
    kind: 'malformed-url',
    message: `The URL cannot be parsed: ${truncate(url)}`,
  };
}

function noteOddLines(headers: HeaderList, findings: Finding[]): void {
  for (const h of headers) noteOddLine(h, NON_LATIN1.test(h.name), findings);
}

function noteOddLine(h: HeaderLine, nonLatin1Name: boolean, findings: Finding[]): void {
  // A value of n code units is at most 3n bytes: most are too short to need counting.
  if (h.value.length * 3 > HUGE_HEADER_BYTES) {
    const bytes = byteLength(h.value);
    if (bytes > HUGE_HEADER_BYTES) {
      findings.push({
        kind: 'huge-header',
        message: `The header "${truncate(h.name)}" is ${bytes} bytes long.`,
      });
    }
  }
  if (nonLatin1Name || NON_LATIN1.test(h.value)) {
    findings.push({
      kind: 'non-latin1-header',
      message: `The header "${truncate(h.name)}" holds characters outside Latin-1; browsers send bytes, so it was probably mangled.`,
    });
  }
}

function truncate(s: string, max = 200): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}
