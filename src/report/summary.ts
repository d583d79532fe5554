/** Counts and one-line labels shared by every view of a report. */
import type { ReportEntry } from './entry.ts';

export type EntryKind =
  | 'blocked'
  | 'undetermined'
  | 'allowed'
  | 'network-error'
  | 'not-recorded'
  | 'pending'
  | 'same-origin';

export function kindOf(e: ReportEntry): EntryKind {
  if (e.state === 'not-recorded') return 'not-recorded';
  if (e.state === 'pending') return 'pending';
  if (e.blocked) return 'blocked';
  if (e.undetermined) return 'undetermined';
  if (e.networkError) return 'network-error';
  if (e.verdict?.outcome === 'not-cors') return 'same-origin';
  return 'allowed';
}

export interface ReportSummary {
  readonly total: number;
  readonly blocked: number;
  /** Allowed without credentials, blocked with them, and nothing recorded says which (Firefox, some HARs). */
  readonly undetermined: number;
  readonly allowed: number;
  readonly networkErrors: number;
  readonly notRecorded: number;
  readonly pending: number;
  readonly preflightCached: number;
  /** Requests that worked through a risky or fragile configuration (security lint). */
  readonly warnings: number;
}

export function summarize(entries: readonly ReportEntry[]): ReportSummary {
  const count = (k: EntryKind) => entries.filter((e) => kindOf(e) === k).length;
  return {
    total: entries.length,
    blocked: count('blocked'),
    undetermined: count('undetermined'),
    allowed: count('allowed') + count('same-origin'),
    networkErrors: count('network-error'),
    notRecorded: count('not-recorded'),
    pending: count('pending'),
    preflightCached: entries.filter((e) => e.preflightCached).length,
    warnings: entries.filter((e) => e.verdict?.findings.some((f) => f.risk)).length,
  };
}

/** The one line a list shows for an entry. */
export function oneLine(e: ReportEntry): string {
  switch (kindOf(e)) {
    case 'blocked':
      return e.verdict?.title ?? e.explanation ?? 'Blocked by CORS';
    case 'undetermined':
      return 'Blocked if sent with credentials, allowed without: nothing recorded says which';
    case 'not-recorded':
      return 'Blocked — not recorded: record and reload to see why';
    case 'network-error':
      return `Network error: ${e.networkError}`;
    case 'pending':
      return 'In flight';
    case 'same-origin':
      return 'No CORS check applies';
    case 'allowed':
      return e.preflightCached ? 'Allowed (preflight from cache)' : 'Allowed';
  }
}

/** The summary in one sentence, as every report opens. */
export function summaryText(s: ReportSummary): string {
  const parts = [
    `${s.total} cross-origin request${s.total === 1 ? '' : 's'}: ${s.blocked} blocked`,
    `${s.allowed} allowed`,
  ];
  if (s.undetermined)
    parts.push(`${s.undetermined} blocked or not depending on credentials, which nothing recorded shows`);
  if (s.networkErrors) parts.push(`${s.networkErrors} network error${s.networkErrors === 1 ? '' : 's'}`);
  if (s.notRecorded) parts.push(`${s.notRecorded} blocked while not recording`);
  if (s.pending) parts.push(`${s.pending} in flight`);
  if (s.warnings) parts.push(`${s.warnings} working through a risky configuration`);
  return `${parts.join(', ')}.`;
}
