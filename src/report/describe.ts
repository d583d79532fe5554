/**
 * One description of an entry, for every view: the panel's verdict card, the Markdown and HTML
 * exports and the command line all render this, so they say the same thing in the same order —
 * the headline, the names of the failure, the culprit, the explanation, why there was a preflight,
 * the findings, the fix for the chosen stack and the curl lines that reproduce it.
 */

import type { SourceLocation } from '../capture/record.ts';
import { cachedSeconds, preflightCacheOf } from '../cors/preflight-cache.ts';
import type { Culprit, Finding } from '../cors/verdict.ts';
import { DEFAULT_STACK, fixTextFor, guessStack, STACK_LABELS, type StackId } from '../fixes/index.ts';
import { curlPreflight, curlRequest } from './curl.ts';
import type { ReportEntry } from './entry.ts';
import { describeReason } from './reasons.ts';
import { redact } from './redact.ts';
import { type EntryKind, kindOf, oneLine } from './summary.ts';

export type Browser = 'chrome' | 'firefox';

export interface Link {
  readonly href: string;
  /** Where it goes, in words ("MDN: CORSMissingAllowOrigin"). */
  readonly label: string;
}

export interface EntryDescription {
  readonly kind: EntryKind;
  readonly method: string;
  readonly url: string;
  /** What happened, in one line. */
  readonly headline: string;
  /** The line of the page's code that made the request, when the source told. */
  readonly madeBy: SourceLocation | null;
  /**
   * Made by a shared or service worker, which belongs to no tab (the browser gives frame -1): said
   * so, since the page's own code did not make it. Null otherwise.
   */
  readonly madeByWorker: string | null;
  /** The failure's names, the browser the user is on first; null when nothing was blocked by name. */
  readonly names: {
    readonly lead: Browser;
    readonly chrome: { readonly error: string; readonly param: string | null } | null;
    readonly firefox: string | null;
  } | null;
  readonly culprit: Culprit | null;
  readonly explanation: string | null;
  readonly link: Link | null;
  /** Why there was a preflight: one sentence per reason; empty for a simple request. */
  readonly preflightReasons: readonly string[];
  readonly preflightCached: boolean;
  /** Which cached preflight it most likely reused, and until when the cache holds it (see ReportEntry). */
  readonly preflightCachedFrom: ReportEntry['preflightCachedFrom'];
  readonly preflightStatus: number | null;
  /** Configurations that work but are risky, and the rest worth knowing. */
  readonly risks: readonly (Finding & { readonly linkLabel: string | null })[];
  readonly notes: readonly Finding[];
  /** The fix for the stack the view shows, when there is one. */
  readonly fix: {
    readonly stack: StackId;
    readonly label: string;
    readonly text: string;
    /** The stack was guessed from the server's own headers, not chosen. */
    readonly guessed: boolean;
  } | null;
  /** curl lines for a blocked request, secrets redacted unless the view turned redaction off. */
  /** curl lines: the preflight (null when none went out) and the request. */
  readonly reproduce: { readonly preflight: string | null; readonly request: string } | null;
}

export interface DescribeOptions {
  /** The stack the user chose; otherwise the one guessed from the server, else DEFAULT_STACK. */
  readonly stack?: StackId | null;
  /** The browser whose name for the failure leads. */
  readonly browser?: Browser;
  /** Secrets out of the curl lines (default: on). */
  readonly redact?: boolean;
}

/** What the server said about itself, the response first: the stack a fix is guessed from. */
export function guessedStack(entry: ReportEntry): StackId | null {
  return guessStack([entry.response?.headers ?? [], entry.preflight?.responseHeaders ?? []]);
}

/** The stack a view shows a fix for, and whether it was guessed. */
export function stackFor(
  entry: ReportEntry,
  chosen: StackId | null | undefined,
): { stack: StackId; guessed: boolean } {
  if (chosen) return { stack: chosen, guessed: false };
  const guessed = guessedStack(entry);
  return guessed ? { stack: guessed, guessed: true } : { stack: DEFAULT_STACK, guessed: false };
}

const MDN_ERRORS = 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/';

/** A link's label says where it goes. */
export function linkLabel(href: string): string {
  if (href.startsWith(MDN_ERRORS)) return `MDN: ${href.slice(MDN_ERRORS.length)}`;
  if (href.startsWith('https://developer.mozilla.org/')) {
    return `MDN: ${href.split('/').filter(Boolean).at(-1) ?? 'reference'}`;
  }
  if (href.startsWith('https://fetch.spec.whatwg.org/')) {
    const anchor = href.split('#')[1];
    return anchor ? `Fetch standard: ${anchor.replaceAll('-', ' ')}` : 'Fetch standard';
  }
  if (href.startsWith('https://wicg.github.io/local-network-access/')) return 'Local Network Access (WICG)';
  if (href.startsWith('https://wicg.github.io/private-network-access/'))
    return 'Private Network Access (WICG)';
  if (href.startsWith('https://portswigger.net/')) return 'PortSwigger Web Security Academy: CORS';
  try {
    return new URL(href).host;
  } catch {
    return href;
  }
}

/** The status a list shows for an entry: the response's, else the preflight's, else a dash for a network error. */
export function statusText(e: ReportEntry): string {
  if (e.response) return String(e.response.status);
  if (e.preflight?.status != null) return `OPTIONS ${e.preflight.status}`;
  return e.networkError ? '—' : '';
}

/** "HeaderDisallowedByPreflightResponse (authorization)": Chrome's name with its failed parameter, when it has one. */
export function errorWithParameter(error: string | null, parameter: string | null): string {
  return `${error}${parameter ? ` (${parameter})` : ''}`;
}

/** A line or column number from the data: a number, or '?' (an opened report may hold anything there). */
export function numberText(n: unknown): string {
  return Number.isSafeInteger(n) ? String(n) : '?';
}

/** "loadOrders() in http://localhost:3000/app.js, line 42, column 13": a call site in words. */
export function locationWords(l: SourceLocation): string {
  return `${l.functionName ? `${l.functionName}() in ` : ''}${l.url}, line ${numberText(l.line)}, column ${numberText(l.column)}`;
}

/**
 * The order every report numbers requests in: blocked first (the reason to open it), then the
 * rest, each group in time order. Markdown, HTML and the terminal share it, so "request 3" is the
 * same request in each.
 */
export function reportOrder(described: readonly { readonly kind: string }[]): number[] {
  const bad = (i: number) => described[i]?.kind === 'blocked' || described[i]?.kind === 'not-recorded';
  const index = described.map((_d, i) => i);
  return [...index.filter(bad), ...index.filter((i) => !bad(i))];
}

/** "loadOrders() at http://localhost:3000/app.js:42:13": a call site as a person writes it. */
export function locationText(l: SourceLocation): string {
  return `${l.functionName ? `${l.functionName}() at ` : ''}${l.url}:${l.line}:${l.column}`;
}

/** The culprit in one line: which header, what was expected, what came. */
export function culpritText(c: Culprit): string {
  return `${c.field}: expected ${c.expected}, got ${c.received === null ? 'nothing' : JSON.stringify(c.received)}`;
}

export function describeEntry(entry: ReportEntry, options: DescribeOptions = {}): EntryDescription {
  const kind = kindOf(entry);
  const v = entry.verdict;
  const findings = v?.findings ?? [];
  const link = v?.link ?? null;
  const shown = options.redact === false ? entry : redact(entry);
  // Rendered here, for the one stack shown: entries do not carry every stack's text.
  const requirement = entry.blocked ? entry.requirement : null;
  const chosen = requirement ? stackFor(entry, options.stack) : null;
  return {
    kind,
    method: entry.method,
    url: entry.url,
    headline: oneLine(entry),
    madeBy: entry.initiatorLocation ?? null,
    madeByWorker:
      entry.frameId === -1
        ? `Made by a shared or service worker of ${entry.initiator} (it belongs to no tab; listed with this one, on the same origin)`
        : null,
    names: entry.corsError
      ? {
          lead: options.browser ?? 'chrome',
          chrome: { error: entry.corsError, param: entry.failedParameter || null },
          firefox: entry.firefoxReason,
        }
      : null,
    culprit: v?.culprit ?? null,
    explanation: entry.explanation,
    link: link ? { href: link, label: linkLabel(link) } : null,
    preflightReasons: (v?.preflight.reasons ?? []).map(describeReason),
    preflightCached: entry.preflightCached,
    preflightCachedFrom: entry.preflightCachedFrom,
    preflightStatus: entry.preflight?.status ?? null,
    risks: findings
      .filter((f) => f.risk)
      .map((f) => ({ ...f, linkLabel: f.link ? linkLabel(f.link) : null })),
    notes: findings.filter((f) => !f.risk),
    fix:
      requirement && chosen
        ? {
            stack: chosen.stack,
            label: STACK_LABELS[chosen.stack],
            text: fixTextFor(requirement, chosen.stack),
            guessed: chosen.guessed,
          }
        : null,
    reproduce:
      kind === 'blocked'
        ? { preflight: curlPreflight(shown), request: curlRequest(shown, shown.requestHeaders) }
        : null,
  };
}

/** A time of day as reports print it: UTC, to the second. */
function utcClock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/**
 * Why no preflight went out, and — when the preflight Chrome most likely reused was seen — since
 * when the cache holds it and until when, so a failure from before a server fix is recognized.
 */
export function cacheSentence(
  from: ReportEntry['preflightCachedFrom'],
  clock = utcClock,
  browser: Browser = 'chrome',
): string {
  const rules = preflightCacheOf(browser);
  const longest = `${rules.browser} keeps one at most ${durationText(rules.maxSeconds)}`;
  if (!from) {
    return (
      `No preflight went out: the browser reused a cached preflight answer (Access-Control-Max-Age; ${longest}). ` +
      'A server fix may not show until it expires.'
    );
  }
  // Reports written before the header was kept hold Chrome's reading only.
  const header = from.maxAgeHeader;
  const seconds = header === undefined ? from.maxAgeSeconds : cachedSeconds(rules, header);
  const invalid = typeof header === 'string' && !/^\d+$/.test(header.trim());
  if (seconds === 0) {
    return (
      `No preflight went out, but ${rules.browser} keeps no answer like the one at ${clock(from.time)} ` +
      `(Access-Control-Max-Age ${JSON.stringify(header ?? '0')}${invalid ? ' is not a number of seconds' : ''}): ` +
      'an earlier answer was still cached, or the request needed no preflight in this browser.'
    );
  }
  const age = invalid
    ? `Access-Control-Max-Age ${JSON.stringify(header)} is not a number of seconds: ${rules.browser} keeps it ${seconds} s`
    : seconds === rules.maxSeconds
      ? longest
      : header === null
        ? `no Access-Control-Max-Age: ${rules.defaultSeconds} s is the default`
        : `Access-Control-Max-Age ${seconds} s${header === undefined && seconds === rules.defaultSeconds ? `, or none: ${rules.defaultSeconds} s is the default` : ''}`;
  return (
    `No preflight went out: ${rules.browser} most likely reused the preflight answered at ${clock(from.time)} ` +
    `(${age}), cached until ${clock(from.time + seconds * 1000)}. A server change made after ${clock(from.time)} ` +
    'does not show in this request before then.'
  );
}

/** "2 hours", "24 hours", "90 s". */
function durationText(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${seconds} s`;
}
