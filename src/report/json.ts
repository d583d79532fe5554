/**
 * The JSON export: a versioned document that re-reads into the same entries.
 *
 * Schema, version 1:
 *   { format: "cors-lens-report", version: 1, generatedAt: ISO date, tabId: number | null,
 *     redacted: boolean, summary: ReportSummary, dropped: number, entries: ReportEntry[],
 *     servers: [{ origin, entryIds, blocked, requirement, fixes, notes }],
 *     problems: [{ key, origin, corsError, failedParameter, culprit, firefoxReason, count, entryIds }] }
 * A new field is a minor change; removing or changing one bumps `version`.
 */

import type { SourceLocation } from '../capture/record.ts';
import type { StackId } from '../fixes/fix.ts';
import { fixTexts } from '../fixes/index.ts';
import type { Browser } from './describe.ts';
import type { ReportEntry } from './entry.ts';
import { type Problem, problemsOf } from './problems.ts';
import { redact } from './redact.ts';
import { type ServerFix, serversOf } from './servers.ts';
import { type ReportSummary, summarize } from './summary.ts';

export const REPORT_FORMAT = 'cors-lens-report';
export const REPORT_VERSION = 1;

export interface JsonReport {
  readonly format: typeof REPORT_FORMAT;
  readonly version: typeof REPORT_VERSION;
  readonly generatedAt: string;
  readonly tabId: number | null;
  /** The origins of the pages that made the requests, from the requests themselves. */
  readonly pages?: readonly string[];
  /** The browser that captured them, with its version ("Chrome 156.0.8078.114"), when known. */
  readonly capturedBy?: string | null;
  readonly redacted: boolean;
  readonly summary: ReportSummary;
  readonly dropped: number;
  readonly entries: readonly ReportEntry[];
  /** One merged fix per server with a blocked request (see src/fixes/merge.ts). */
  readonly servers: readonly ServerFix[];
  /** The blocked requests grouped by server, error and culprit (see problems.ts). */
  readonly problems: readonly Problem[];
}

export interface ExportOptions {
  /** On unless the user turns it off, knowing what it means. */
  readonly redact?: boolean;
  readonly tabId?: number | null;
  readonly dropped?: number;
  readonly now?: Date;
  /** The stack whose fix Markdown and HTML show (JSON keeps them all); else each entry's guessed or default one. */
  readonly stack?: StackId | null;
  /** The browser whose name for a failure leads (Markdown, HTML). */
  readonly browser?: Browser;
  /** The browser and its version, as the exporting page knows them ("Chrome 156.0.8078.114"). */
  readonly capturedBy?: string | null;
}

export function toJsonReport(entries: readonly ReportEntry[], options: ExportOptions = {}): JsonReport {
  const redacted = options.redact ?? true;
  const kept = redacted ? redact(entries) : entries;
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    generatedAt: (options.now ?? new Date()).toISOString(),
    tabId: options.tabId ?? null,
    pages: pagesOf(entries),
    capturedBy: options.capturedBy ?? null,
    redacted,
    summary: summarize(kept),
    dropped: options.dropped ?? 0,
    // Every stack's fix, for readers of the file (live messages leave them out: see ReportEntry.fixes).
    entries: kept.map((e) => ({
      ...e,
      fixes: e.blocked && e.requirement ? fixTexts(e.requirement) : null,
    })),
    servers: serversOf(kept),
    problems: problemsOf(kept),
  };
}

export function renderJson(entries: readonly ReportEntry[], options: ExportOptions = {}): string {
  return `${JSON.stringify(toJsonReport(entries, options), null, 2)}\n`;
}

export type ReadResult =
  | { readonly ok: true; readonly report: JsonReport }
  | { readonly ok: false; readonly error: string };

/** Reads a JSON export back; a file that is not one gets a message that says what is wrong. */
export function readJsonReport(text: string): ReadResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not JSON: ${(err as Error).message}` };
  }
  const doc = data as Partial<JsonReport> | null;
  if (typeof doc !== 'object' || doc === null || doc.format !== REPORT_FORMAT) {
    return { ok: false, error: 'Not a CORS Lens report (no "format": "cors-lens-report").' };
  }
  if (doc.version !== REPORT_VERSION)
    return { ok: false, error: `Unsupported report version ${String(doc.version)}.` };
  if (!Array.isArray(doc.entries)) return { ok: false, error: 'The report has no "entries" list.' };
  const bad = doc.entries.findIndex((e) => typeof e?.id !== 'string' || typeof e?.url !== 'string');
  if (bad >= 0) return { ok: false, error: `Entry ${bad} has no id or url.` };
  // The file's rendered fixes are for its readers; read back, an entry is as live capture makes it.
  // Fields the views print as they are, checked: a file may hold anything there.
  const entries = doc.entries.map(({ fixes: _fixes, ...entry }) => ({
    ...entry,
    initiator: typeof entry.initiator === 'string' ? entry.initiator : 'null',
    initiatorLocation: isLocation(entry.initiatorLocation) ? entry.initiatorLocation : null,
  }));
  return { ok: true, report: { ...(doc as JsonReport), entries } };
}

/** The pages behind the requests: each request's initiator origin, first seen first. */
export function pagesOf(entries: readonly ReportEntry[]): string[] {
  const origins = entries.map((e) => e.initiator as unknown);
  return [...new Set(origins.filter((o): o is string => typeof o === 'string' && o !== '' && o !== 'null'))];
}

function isLocation(v: unknown): v is SourceLocation {
  const l = v as SourceLocation | null;
  return (
    typeof l === 'object' &&
    l !== null &&
    typeof l.url === 'string' &&
    Number.isSafeInteger(l.line) &&
    Number.isSafeInteger(l.column) &&
    typeof l.functionName === 'string'
  );
}

/**
 * What a report's first line says, in parts its renderer escapes in its own way: the pages behind
 * the requests (untrusted: origins from the requests), the browser, and the time (UTC).
 */
export function contextOf(report: JsonReport): {
  readonly pagesLabel: string;
  readonly pages: readonly string[];
  readonly capturedBy: string | null;
  readonly when: string;
} {
  const pages = report.pages ?? [];
  return {
    pagesLabel: pages.length === 1 ? 'Page' : 'Pages',
    pages,
    capturedBy: report.capturedBy ?? null,
    when: `${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC`,
  };
}

/** The context line as plain text: "Page http://localhost:3000 · Chrome 156 · 2026-12-06 04:40 UTC". */
export function contextLine(report: JsonReport): string {
  const c = contextOf(report);
  return [c.pages.length > 0 ? `${c.pagesLabel} ${c.pages.join(', ')}` : null, c.capturedBy, c.when]
    .filter((x): x is string => x !== null)
    .join(' · ');
}
