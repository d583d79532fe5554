/**
 * "What if the server answered this?" — the engine's verdict for every request to one server, had
 * the server sent another answer: a preflight status and the `Access-Control-*` headers of the
 * preflight and of the response. Pure: the captured requests are judged again from headers, and
 * nothing is sent. The panel's editor starts from what the server answered and can start from
 * what the merged fix would send; "Use as fix" renders an edited answer for each stack.
 */
import { exchangeOf } from '../capture/exchange.ts';
import { provesCredentials } from '../capture/judge.ts';
import type { CapturedRequest } from '../capture/record.ts';
import { diagnose } from '../cors/diagnose.ts';
import type { CredentialsMode, Exchange } from '../cors/exchange.ts';
import { combinedValue, type HeaderList, sameHeaderName } from '../cors/headers.ts';
import { parseList } from '../cors/lists.ts';
import { isRedirectStatus } from '../cors/redirect.ts';
import type { Culprit } from '../cors/verdict.ts';
import { type CorsRequirement, FIX_MAX_AGE, unique } from '../fixes/requirement.ts';
import { errorWithParameter } from './describe.ts';
import type { ReportEntry } from './entry.ts';

/** The headers of a preflight answer the editor offers, in the order a server usually sends them. */
export const PREFLIGHT_FIELDS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Max-Age',
] as const;

/** The headers of the request's own response the editor offers. */
export const RESPONSE_FIELDS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
] as const;

export type PreflightField = (typeof PREFLIGHT_FIELDS)[number];
export type ResponseField = (typeof RESPONSE_FIELDS)[number];

/** One answer of a server, as the editor holds it: null for a header it does not send. */
export interface ServerAnswer {
  readonly preflightStatus: number;
  readonly preflight: Readonly<Record<PreflightField, string | null>>;
  readonly response: Readonly<Record<ResponseField, string | null>>;
}

/** How a request to the server fares under an answer. */
export type WhatIfOutcome =
  | {
      readonly kind: 'allowed' | 'blocked' | 'undetermined';
      readonly corsError: string | null;
      readonly failedParameter: string | null;
      readonly culprit: Culprit | null;
    }
  /** The answer cannot be tried on it from headers alone; `reason` says why. */
  | { readonly kind: 'not-modelled'; readonly reason: string };

export interface WhatIfRow {
  readonly entry: ReportEntry;
  readonly outcome: WhatIfOutcome;
}

function fieldsOf<F extends string>(fields: readonly F[], headers: HeaderList): Record<F, string | null> {
  const out = {} as Record<F, string | null>;
  for (const f of fields) out[f] = combinedValue(headers, f);
  return out;
}

/**
 * What the server answers today, read from the requests to it: the preflight of the first one
 * that had one, the response of the first one that got one (the selected request first).
 */
export function capturedAnswer(selected: ReportEntry, others: readonly ReportEntry[]): ServerAnswer {
  const all = [selected, ...others];
  const preflight = all.find((e) => e.preflight?.status != null)?.preflight ?? null;
  const response = all.find((e) => e.response && !isRedirectStatus(e.response.status))?.response ?? null;
  return {
    preflightStatus: preflight?.status ?? 204,
    preflight: fieldsOf(PREFLIGHT_FIELDS, preflight?.responseHeaders ?? []),
    response: fieldsOf(RESPONSE_FIELDS, response?.headers ?? []),
  };
}

/**
 * What the merged fix makes the server send to a request from `origin`: its own origin echoed when
 * it is one the fix allows, the methods and headers listed by name, credentials when any needs them.
 */
export function answerOf(req: CorsRequirement, origin: string): ServerAnswer {
  const allowOrigin = req.origins.includes(origin) ? origin : req.origin;
  const credentials = req.credentials ? 'true' : null;
  return {
    preflightStatus: 204,
    preflight: {
      'Access-Control-Allow-Origin': allowOrigin,
      'Access-Control-Allow-Credentials': credentials,
      'Access-Control-Allow-Methods': req.methods.join(', '),
      'Access-Control-Allow-Headers': req.headers.length > 0 ? req.headers.join(', ') : null,
      'Access-Control-Max-Age': String(req.maxAge),
    },
    response: {
      'Access-Control-Allow-Origin': allowOrigin,
      'Access-Control-Allow-Credentials': credentials,
      'Access-Control-Expose-Headers': null,
    },
  };
}

/** The captured headers with the answer's `Access-Control-*` lines in place of the captured ones. */
function withAnswer(headers: HeaderList, answer: Readonly<Record<string, string | null>>): HeaderList {
  const names = Object.keys(answer);
  const kept = headers.filter((h) => !names.some((n) => sameHeaderName(n, h.name)));
  const added = Object.entries(answer).flatMap(([name, value]) => (value === null ? [] : [{ name, value }]));
  return [...kept, ...added];
}

/**
 * The credentials mode the request was judged in: what its headers prove or the judgement inferred;
 * unknown only where the entry itself is undetermined (allowed without credentials, blocked with).
 * Where both readings blocked, the judgement took the one without, and so does the what-if.
 */
function credentialsOf(entry: ReportEntry): CredentialsMode | 'unknown' {
  if (provesCredentials(entry)) return 'include';
  if (entry.verdict?.findings.some((f) => f.kind === 'credentials-inferred')) return 'include';
  return entry.undetermined ? 'unknown' : 'same-origin';
}

/** A report entry (not redirected) as the capture record the exchange builder reads. */
function capturedOf(entry: ReportEntry): CapturedRequest {
  return {
    id: entry.id,
    tabId: entry.tabId,
    frameId: entry.frameId,
    documentId: null,
    initiator: entry.initiator,
    url: entry.url,
    method: entry.method,
    type: entry.type,
    time: entry.time,
    requestHeaders: entry.requestHeaders,
    currentUrl: entry.url,
    currentMethod: entry.method,
    hop: 0,
    hopSentHeaders: entry.response !== null,
    preflights: [
      entry.preflight
        ? {
            requestId: `${entry.id}-preflight`,
            requestHeaders: entry.preflight.requestHeaders,
            status: entry.preflight.status,
            responseHeaders: entry.preflight.responseHeaders,
          }
        : null,
    ],
    responses: entry.response ? [{ url: entry.url, ...entry.response }] : [],
    state: entry.state === 'pending' ? 'pending' : entry.state === 'completed' ? 'completed' : 'failed',
    error: entry.networkError,
    endTime: entry.time,
  };
}

/** The engine's verdict for one request had the server sent `answer`. */
export function whatIf(entry: ReportEntry, answer: ServerAnswer): WhatIfOutcome {
  if (!entry.verdict) {
    return { kind: 'not-modelled', reason: 'its headers were not captured' };
  }
  if (entry.redirects.length > 0 || (entry.response && isRedirectStatus(entry.response.status))) {
    return { kind: 'not-modelled', reason: 'it was redirected, and one answer cannot stand for each hop' };
  }
  // The exchange as capture builds it (one builder: mode, declared headers, the local-network flag),
  // then the edited answer in place of what the server sent.
  const captured = exchangeOf(
    capturedOf(entry),
    credentialsOf(entry),
    entry.verdict.stage === 'local-network',
  );
  const exchange: Exchange = {
    ...captured,
    // The answer stands for a fresh preflight, also where the browser's cache spared one.
    preflight: entry.verdict.preflight.required
      ? {
          status: answer.preflightStatus,
          headers: withAnswer(entry.preflight?.responseHeaders ?? [], answer.preflight),
        }
      : null,
    response: {
      status: entry.response?.status ?? 200,
      headers: withAnswer(entry.response?.headers ?? [], answer.response),
    },
  };
  const v = diagnose(exchange);
  const credentialedBlocked = v.credentialed?.blocked ?? false;
  return {
    kind: v.blocked ? 'blocked' : credentialedBlocked ? 'undetermined' : 'allowed',
    corsError: v.corsError ?? (credentialedBlocked ? (v.credentialed?.corsError ?? null) : null),
    failedParameter: v.failedParameter,
    culprit: v.culprit ?? v.credentialed?.culprit ?? null,
  };
}

/**
 * Outcomes already worked out, per entry and per answer: a view shows the same requests under the
 * same answer on every change of the log, and only the new requests need the engine. A few answers
 * are kept per entry (the merged fix's, the one being edited).
 */
const outcomes = new WeakMap<ReportEntry, Map<string, WhatIfOutcome>>();
const ANSWERS_KEPT = 4;

function remembered(entry: ReportEntry, key: string, work: () => WhatIfOutcome): WhatIfOutcome {
  let known = outcomes.get(entry);
  const hit = known?.get(key);
  if (hit) return hit;
  const outcome = work();
  if (!known) {
    known = new Map();
    outcomes.set(entry, known);
  }
  if (known.size >= ANSWERS_KEPT) known.delete(known.keys().next().value as string);
  known.set(key, outcome);
  return outcome;
}

/** Every request to a server, judged under one answer. */
export function whatIfAll(entries: readonly ReportEntry[], answer: ServerAnswer): WhatIfRow[] {
  const key = JSON.stringify(answer);
  return entries.map((entry) => ({ entry, outcome: remembered(entry, key, () => whatIf(entry, answer)) }));
}

/** The requests to a server under its merged fix: each answered as the fix answers its page origin. */
export function underMergedFix(entries: readonly ReportEntry[], req: CorsRequirement): WhatIfRow[] {
  const key = `merged ${JSON.stringify(req)}`;
  return entries.map((entry) => ({
    entry,
    outcome: remembered(entry, key, () => whatIf(entry, answerOf(req, entry.initiator))),
  }));
}

function listOf(value: string | null): string[] {
  const parsed = parseList(value, false);
  return parsed.ok ? parsed.values.filter((v) => v !== '*') : [];
}

/** Whether a list header holds `*`. */
function hasStar(value: string | null): boolean {
  const parsed = parseList(value, false);
  return parsed.ok && parsed.values.includes('*');
}

/**
 * "Use as fix": the requirement an edited answer states, to render per stack. Origins, methods and
 * headers come from the answer (a `*` stands for the page origins seen: the fixes name origins);
 * never an empty method list, which would refuse what browsers allow without one.
 */
export function requirementOfAnswer(answer: ServerAnswer, base: CorsRequirement): CorsRequirement {
  const origin =
    answer.preflight['Access-Control-Allow-Origin'] ?? answer.response['Access-Control-Allow-Origin'];
  const named = origin !== null && origin.trim() !== '*' && origin.trim() !== '' ? [origin.trim()] : [];
  const origins = named.length > 0 ? named : base.origins;
  const maxAge = Number(answer.preflight['Access-Control-Max-Age']?.trim());
  return {
    ...base,
    origin: origins[0] ?? base.origin,
    origins,
    // A `*` is written as the names these requests use: fixes name them (a `*` covers nothing
    // with credentials, and never Authorization).
    methods: unique(
      [
        'GET',
        'POST',
        ...listOf(answer.preflight['Access-Control-Allow-Methods']),
        ...(hasStar(answer.preflight['Access-Control-Allow-Methods']) ? base.methods : []),
      ],
      (m) => m.toUpperCase(),
    ),
    headers: unique(
      [
        ...listOf(answer.preflight['Access-Control-Allow-Headers']),
        ...(hasStar(answer.preflight['Access-Control-Allow-Headers']) ? base.headers : []),
      ],
      (h) => h.toLowerCase(),
    ),
    credentials:
      answer.preflight['Access-Control-Allow-Credentials']?.trim() === 'true' ||
      answer.response['Access-Control-Allow-Credentials']?.trim() === 'true',
    maxAge: Number.isInteger(maxAge) && maxAge >= 0 ? maxAge : FIX_MAX_AGE,
  };
}

/**
 * What a fix rendered from `answer` sends that the answer did not say, each as a sentence: a fix
 * adds nothing silently. Methods GET and POST are always listed (the CORS-safelisted ones a
 * simple request uses); an unsent Access-Control-Max-Age becomes FIX_MAX_AGE seconds.
 */
export function additionsOf(answer: ServerAnswer): string[] {
  const out: string[] = [];
  const methods = listOf(answer.preflight['Access-Control-Allow-Methods']).map((m) => m.toUpperCase());
  const missing = ['GET', 'POST'].filter((m) => !methods.includes(m));
  if (missing.length > 0)
    out.push(`Allows ${missing.join(' and ')} too: a fix lists the methods a simple request uses.`);
  for (const name of ['Access-Control-Allow-Methods', 'Access-Control-Allow-Headers'] as const) {
    if (hasStar(answer.preflight[name]))
      out.push(`The * in ${name} is written as the names these requests use: a fix names them.`);
  }
  const typed = answer.preflight['Access-Control-Max-Age'];
  const maxAge = Number(typed?.trim());
  if (!(Number.isInteger(maxAge) && maxAge >= 0))
    out.push(
      `Access-Control-Max-Age ${typed === null ? 'was left unsent' : 'is not a number of seconds'}: the fix sends ${FIX_MAX_AGE}, so the browser asks once per ${FIX_MAX_AGE / 60} minutes instead of before every request.`,
    );
  return out;
}

/** How a request fares, in a few words: "passes", "blocked: HeaderDisallowedByPreflightResponse (authorization)". */
export function outcomeText(outcome: WhatIfOutcome): string {
  switch (outcome.kind) {
    case 'allowed':
      return 'passes';
    case 'blocked':
      return `blocked: ${errorWithParameter(outcome.corsError, outcome.failedParameter)}`;
    case 'undetermined':
      return `passes without credentials; with them, blocked: ${outcome.corsError}`;
    case 'not-modelled':
      return `not tried: ${outcome.reason}`;
  }
}

/**
 * "6 of 7 pass": how many requests an answer lets through, out of those it could be tried on, and
 * how many more it lets through only if they carried no credentials.
 */
export function outcomeCounts(rows: readonly WhatIfRow[]): {
  readonly pass: number;
  readonly withoutCredentials: number;
  readonly tried: number;
} {
  const tried = rows.filter((r) => r.outcome.kind !== 'not-modelled');
  const count = (kind: WhatIfOutcome['kind']) => tried.filter((r) => r.outcome.kind === kind).length;
  return { pass: count('allowed'), withoutCredentials: count('undetermined'), tried: tried.length };
}
