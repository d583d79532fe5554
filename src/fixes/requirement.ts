/**
 * What the server must send, computed once from a blocked request (expressjs/cors's habit:
 * compute the header descriptors, then apply them — here, render them per stack).
 */
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { parseAllowList } from '../cors/lists.ts';
import { isCorsSafelistedMethod } from '../cors/safelist.ts';
import type { ReportEntry } from '../report/entry.ts';

/** Mistakes in how the server is put together, which headers alone do not fix. */
export type StructuralProblem =
  /** The preflight got 404/405/501: nothing answers OPTIONS on that route (CORS mounted after it). */
  | { readonly kind: 'no-options-handler'; readonly status: number }
  /** The preflight got 401/403: an authentication check runs before CORS. */
  | { readonly kind: 'auth-before-cors'; readonly status: number }
  /** The preflight got 5xx. */
  | { readonly kind: 'preflight-crashed'; readonly status: number }
  /** The preflight was redirected (trailing slash, http→https, login). */
  | { readonly kind: 'preflight-redirect' }
  /** The response is an error that lacks the CORS headers (an error handler answered before CORS). */
  | { readonly kind: 'error-without-cors'; readonly status: number }
  /** `*` was sent to a request with credentials. */
  | { readonly kind: 'wildcard-with-credentials' }
  /** The header came twice: set by the app and again by a proxy. */
  | { readonly kind: 'duplicate-header' }
  /** A redirect to another origin turned the request's origin into "null". */
  | { readonly kind: 'cross-origin-redirect' }
  /**
   * The page wrote the method in lower case (`patch`): fetch() upper-cases only the six standard
   * methods, so it goes out as written, and many servers (Node's parser among them) refuse it.
   */
  | { readonly kind: 'lowercase-method'; readonly method: string };

export interface CorsRequirement {
  /** The page's origin, exactly. Never a reflected "any origin". */
  readonly origin: string;
  /** The API's origin and the path that must answer, OPTIONS included. */
  readonly apiOrigin: string;
  readonly path: string;
  /** Methods to allow: what the server already allowed, plus what the request needs. */
  readonly methods: readonly string[];
  /** Request headers to allow, in their usual capitalization. */
  readonly headers: readonly string[];
  readonly credentials: boolean;
  /** Long enough to spare repeated preflights, short enough that a change shows soon. */
  readonly maxAge: number;
  readonly problems: readonly StructuralProblem[];
}

export const FIX_MAX_AGE = 600;

/** content-type → Content-Type, x-api-key → X-Api-Key. */
export function headerCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

function unique(values: Iterable<string>, key: (s: string) => string = (s) => s): string[] {
  const seen = new Map<string, string>();
  for (const v of values) if (v && !seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

const CREDENTIAL_ERRORS = new Set([
  'WildcardOriginNotAllowed',
  'PreflightWildcardOriginNotAllowed',
  'InvalidAllowCredentials',
  'PreflightInvalidAllowCredentials',
]);

export function requirementOf(entry: ReportEntry): CorsRequirement {
  const v = entry.verdict;
  // The route to fix is the one the page called; after a redirect its target is named in the notes.
  const failingUrl = entry.url;
  let apiOrigin = '';
  let path = '/';
  try {
    const u = new URL(failingUrl);
    apiOrigin = u.origin;
    path = u.pathname;
  } catch {
    // keep the defaults
  }
  const preflightSent = entry.preflight?.requestHeaders ?? [];
  const preflightAnswer = entry.preflight?.responseHeaders ?? [];
  const responseHeaders = entry.response?.headers ?? [];
  const requestedMethod = combinedValue(preflightSent, 'Access-Control-Request-Method') ?? entry.method;
  const requestedHeaders =
    combinedValue(preflightSent, 'Access-Control-Request-Headers')
      ?.split(',')
      .map((h) => h.trim())
      .filter(Boolean) ?? (v?.preflight.reasons ?? []).flatMap((r) => (r.kind === 'header' ? [r.name] : []));

  const existingMethods = parseAllowList(preflightAnswer, 'Access-Control-Allow-Methods', false);
  const existingHeaders = parseAllowList(preflightAnswer, 'Access-Control-Allow-Headers', true);
  const methods = unique(
    [
      'GET',
      'POST',
      ...(existingMethods.ok ? existingMethods.values : []),
      ...(isCorsSafelistedMethod(requestedMethod) ? [] : [asciiUpper(requestedMethod)]),
    ].filter((m) => m !== '*'),
  );
  const headers = unique(
    [...(existingHeaders.ok ? existingHeaders.values : []), ...requestedHeaders]
      .filter((h) => h !== '*')
      .map((h) => headerCase(h.toLowerCase())),
    (h) => h.toLowerCase(),
  );
  const credentials =
    CREDENTIAL_ERRORS.has(entry.corsError ?? '') ||
    (v?.findings.some((f) => f.kind === 'credentials-inferred') ?? false) ||
    (entry.requestHeaders !== null && combinedValue(entry.requestHeaders, 'Cookie') !== null) ||
    combinedValue(preflightAnswer, 'Access-Control-Allow-Credentials') === 'true' ||
    combinedValue(responseHeaders, 'Access-Control-Allow-Credentials') === 'true';

  const problems: StructuralProblem[] = [];
  const preflightStatus = entry.preflight?.status ?? null;
  if (preflightStatus !== null) {
    if (preflightStatus >= 300 && preflightStatus < 400) problems.push({ kind: 'preflight-redirect' });
    else if ([404, 405, 501].includes(preflightStatus))
      problems.push({ kind: 'no-options-handler', status: preflightStatus });
    else if (preflightStatus === 401 || preflightStatus === 403)
      problems.push({ kind: 'auth-before-cors', status: preflightStatus });
    else if (preflightStatus >= 500) problems.push({ kind: 'preflight-crashed', status: preflightStatus });
  }
  const status = entry.response?.status ?? null;
  if (
    status !== null &&
    status >= 400 &&
    combinedValue(responseHeaders, 'Access-Control-Allow-Origin') === null
  ) {
    problems.push({ kind: 'error-without-cors', status });
  }
  if (
    entry.corsError === 'WildcardOriginNotAllowed' ||
    entry.corsError === 'PreflightWildcardOriginNotAllowed'
  ) {
    problems.push({ kind: 'wildcard-with-credentials' });
  }
  if (
    entry.corsError === 'MultipleAllowOriginValues' ||
    entry.corsError === 'PreflightMultipleAllowOriginValues'
  ) {
    problems.push({ kind: 'duplicate-header' });
  }
  if (v?.origin === 'null' && entry.initiator !== 'null') problems.push({ kind: 'cross-origin-redirect' });
  if (requestedMethod !== asciiUpper(requestedMethod))
    problems.push({ kind: 'lowercase-method', method: requestedMethod });

  return {
    origin: entry.initiator,
    apiOrigin,
    path,
    methods,
    headers,
    credentials,
    maxAge: FIX_MAX_AGE,
    problems,
  };
}
