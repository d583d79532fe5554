/**
 * Problems: blocked requests grouped by what went wrong — the same server, the same error, the same
 * culprit. A page making 300 blocked requests usually has three problems; the views count and list
 * those first, each expandable to its requests (Chrome's Issues panel groups the same way).
 */
import { isCorsError } from '../cors/errors.ts';
import { errorTexts } from '../cors/explanations.ts';
import { originOf } from '../cors/origin.ts';
import { errorWithParameter } from './describe.ts';
import type { ReportEntry } from './entry.ts';
import { kindOf } from './summary.ts';

export interface Problem {
  /** Stable while the log grows: server origin, error and failed parameter. */
  readonly key: string;
  /** The server's origin (`http://localhost:8000`). */
  readonly origin: string;
  /** Chrome's name; null for requests blocked while not recording (no headers, no name). */
  readonly corsError: string | null;
  /** Blocked while nothing recorded the requests' headers: what blocked them is not known. */
  readonly notRecorded: boolean;
  /** Chrome's failed parameter (`authorization`), or null. */
  readonly failedParameter: string | null;
  /** The header at fault (`Access-Control-Allow-Headers`), or null. */
  readonly culprit: string | null;
  readonly firefoxReason: string | null;
  /** How many requests have it. */
  readonly count: number;
  /** Those requests, oldest first. */
  readonly entryIds: readonly string[];
}

function serverOrigin(e: ReportEntry): string {
  return e.requirement?.apiOrigin ?? originOf(e.url) ?? e.url;
}

/** The problem an entry belongs to, or null when it was not blocked. */
export function problemKeyOf(e: ReportEntry): string | null {
  const kind = kindOf(e);
  if (kind !== 'blocked' && kind !== 'not-recorded') return null;
  const error = e.state === 'not-recorded' ? 'not-recorded' : (e.corsError ?? 'unnamed');
  return `${serverOrigin(e)} ${error} ${e.failedParameter ?? ''}`.trimEnd();
}

/** The blocked requests, grouped into problems, in the order each problem first appeared. */
export function problemsOf(entries: readonly ReportEntry[]): Problem[] {
  const byKey = new Map<string, { first: ReportEntry; ids: string[] }>();
  for (const e of entries) {
    const key = problemKeyOf(e);
    if (key === null) continue;
    const group = byKey.get(key);
    if (group) group.ids.push(e.id);
    else byKey.set(key, { first: e, ids: [e.id] });
  }
  return [...byKey].map(([key, { first, ids }]) => ({
    key,
    origin: serverOrigin(first),
    corsError: first.corsError,
    notRecorded: first.state === 'not-recorded',
    failedParameter: first.failedParameter,
    culprit: first.verdict?.culprit?.field ?? null,
    firefoxReason: first.firefoxReason,
    count: ids.length,
    entryIds: ids,
  }));
}

/** "HeaderDisallowedByPreflightResponse (authorization)", or what is known of a request not recorded. */
export function problemName(p: Problem, firefoxFirst = false): string {
  if (p.corsError === null) return p.notRecorded ? 'not recorded' : 'no CORS error named';
  const chrome = errorWithParameter(p.corsError, p.failedParameter);
  return firefoxFirst && p.firefoxReason ? `${p.firefoxReason} — Chrome: ${chrome}` : chrome;
}

/**
 * The problem in plain words, the way its card's headline says it (code marked with backticks):
 * "The request header `authorization` is not in `Access-Control-Allow-Headers`". Chrome's name
 * (problemName) comes second, for searching and for bug reports.
 */
export function problemTitle(p: Problem): string {
  if (p.notRecorded) return NOT_RECORDED_TITLE;
  if (p.corsError === null) return UNNAMED_TITLE;
  if (!isCorsError(p.corsError)) return problemName(p);
  return errorTexts(p.corsError, { origin: 'the page', param: p.failedParameter ?? '' }).title;
}

/** What is known of requests blocked while nothing recorded their headers. */
export const NOT_RECORDED_TITLE = 'Blocked before anything recorded its headers: reason not known';

/** Requests the browser blocked whose recorded headers break no CORS rule the engine knows. */
const UNNAMED_TITLE = 'Blocked by the browser; its headers break no CORS rule CORS Lens knows';

/** "3 problems · 300 requests": how the popup, the badge's tooltip and the reports count what was blocked. */
export function problemCount(problems: readonly Problem[]): string {
  const requests = problems.reduce((n, p) => n + p.count, 0);
  return `${problems.length} problem${problems.length === 1 ? '' : 's'} · ${requests} blocked request${requests === 1 ? '' : 's'}`;
}
