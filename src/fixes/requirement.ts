/**
 * What the server must send, computed once from a blocked request (expressjs/cors's habit:
 * compute the header descriptors, then apply them — here, render them per stack). Built from the
 * engine's exchange and verdict: nothing here knows the report.
 */
import { familyOf } from '../cors/errors.ts';
import type { Exchange, ResponseRecord } from '../cors/exchange.ts';
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { parseAllowList } from '../cors/lists.ts';
import { preflightStatusMeaning } from '../cors/preflight-status.ts';
import { isCorsSafelistedMethod } from '../cors/safelist.ts';
import type { Verdict } from '../cors/verdict.ts';

/** Mistakes in how the server is put together, which headers alone do not fix. */
export type StructuralProblem =
  /** The preflight got 404/405/501: nothing answers OPTIONS on that route (CORS mounted after it). */
  | { readonly kind: 'no-options-handler'; readonly status: number; readonly path?: string }
  /** The preflight got 401/403: an authentication check runs before CORS. */
  | { readonly kind: 'auth-before-cors'; readonly status: number }
  /** The preflight got 5xx. */
  | { readonly kind: 'preflight-crashed'; readonly status: number; readonly path?: string }
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
  /** The page's origin, exactly. Never a reflected "any origin". The first of `origins`. */
  readonly origin: string;
  /**
   * Every page origin the server must allow (one server, several front ends): each named exactly,
   * the one in the request's Origin echoed back only when it is among them.
   */
  readonly origins: readonly string[];
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

/** The values without repeats (by `key`) or empty ones, first spelling kept, in order. */
export function unique(values: Iterable<string>, key: (s: string) => string = (s) => s): string[] {
  const seen = new Map<string, string>();
  for (const v of values) if (v && !seen.has(key(v))) seen.set(key(v), v);
  return [...seen.values()];
}

/** The last response the request got: a redirect's, when it stopped there. */
function lastResponse(exchange: Exchange): ResponseRecord | null {
  const hops = exchange.redirects ?? [];
  for (let i = hops.length - 1; i >= 0; i--) {
    const response = hops[i]?.response;
    if (response) return response;
  }
  return exchange.response ?? null;
}

/** The server problem a preflight status points at (preflight-status.ts reads the status). */
function preflightProblem(status: number): StructuralProblem | null {
  switch (preflightStatusMeaning(status)) {
    case 'redirect':
      return { kind: 'preflight-redirect' };
    case 'no-options-handler':
      return { kind: 'no-options-handler', status };
    case 'auth-before-cors':
      return { kind: 'auth-before-cors', status };
    case 'server-error':
      return { kind: 'preflight-crashed', status };
    case 'ok':
    case 'not-ok':
      return null;
  }
}

/**
 * What the server must send for this exchange to pass, from the exchange as judged and the
 * verdict (the credentials mode the judgement read is the one the fix serves).
 */
export function requirementOf(exchange: Exchange, verdict: Verdict): CorsRequirement {
  // The route to fix is the one the page called; after a redirect its target is named in the notes.
  let apiOrigin = '';
  let path = '/';
  try {
    const u = new URL(exchange.url);
    apiOrigin = u.origin;
    path = u.pathname;
  } catch {
    // keep the defaults
  }
  const preflightAnswer = exchange.preflight?.headers ?? [];
  const last = lastResponse(exchange);
  const requestedMethod = exchange.declared?.method ?? exchange.method;
  // The first hop's reasons: the preflight's own Access-Control-Request-Headers when it was seen.
  const requestedHeaders = verdict.preflight.reasons.flatMap((r) => (r.kind === 'header' ? [r.name] : []));

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
  // Credentials when the request carried them; when it passes without them, fails with them, and
  // nothing recorded says which it was (the browser may have blocked it: allowing credentials for
  // the exact origin passes either way); or when the server already allows them: a fix never takes
  // away what works today. A request blocked either way stays served as judged (see merge.ts).
  const credentials =
    exchange.credentials === 'include' ||
    (!verdict.blocked && verdict.findings.some((f) => f.kind === 'credentials-undetermined')) ||
    combinedValue(preflightAnswer, 'Access-Control-Allow-Credentials') === 'true' ||
    combinedValue(last?.headers ?? [], 'Access-Control-Allow-Credentials') === 'true';

  const problems: StructuralProblem[] = [];
  const fromPreflight = exchange.preflight ? preflightProblem(exchange.preflight.status) : null;
  // The route named, so a fix merged for several routes still says which one had no OPTIONS.
  if (fromPreflight)
    problems.push(
      fromPreflight.kind === 'no-options-handler' || fromPreflight.kind === 'preflight-crashed'
        ? { ...fromPreflight, path }
        : fromPreflight,
    );
  if (last && last.status >= 400 && combinedValue(last.headers, 'Access-Control-Allow-Origin') === null) {
    problems.push({ kind: 'error-without-cors', status: last.status });
  }
  const family = verdict.corsError ? familyOf(verdict.corsError) : null;
  if (family === 'wildcard-with-credentials') problems.push({ kind: 'wildcard-with-credentials' });
  if (family === 'multiple-allow-origin') problems.push({ kind: 'duplicate-header' });
  if (verdict.origin === 'null' && exchange.origin !== 'null')
    problems.push({ kind: 'cross-origin-redirect' });
  if (requestedMethod !== asciiUpper(requestedMethod))
    problems.push({ kind: 'lowercase-method', method: requestedMethod });

  return {
    origin: exchange.origin,
    origins: [exchange.origin],
    apiOrigin,
    path,
    methods,
    headers,
    credentials,
    maxAge: FIX_MAX_AGE,
    problems,
  };
}
