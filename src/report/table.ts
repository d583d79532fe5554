/**
 * The terminal rendering of a report: a summary line, a table of the requests (request, Chrome's
 * error, culprit), then each blocked request's explanation and fix, from the same description the
 * panel and the exports use. Header values and URLs are untrusted: control characters (an ANSI
 * escape in a header could rewrite the terminal) are shown as \xNN, never written raw.
 */
import type { StackId } from '../fixes/fix.ts';
import { type Browser, culpritText, describeEntry, errorWithParameter, locationText } from './describe.ts';
import type { ReportEntry } from './entry.ts';
import { problemCount, problemName, problemsOf } from './problems.ts';
import { redact } from './redact.ts';
import { coveredBy, serverFixFor, serverHeading, serversOf } from './servers.ts';

export function terminalSafe(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    const control = (code < 0x20 && c !== '\n' && c !== '\t') || (code >= 0x7f && code <= 0x9f);
    out += control ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return out;
}

function oneLineSafe(text: string): string {
  return terminalSafe(text.replace(/[\r\n\t]+/g, ' '));
}

function clip(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

export interface TableOptions {
  /** What the table is of, for its first line (a file name). */
  readonly source: string;
  /** Requests in the source in all, cross-origin or not. */
  readonly total: number;
  readonly redact: boolean;
  /** List allowed requests too. */
  readonly all: boolean;
  readonly stack?: StackId | null;
  readonly browser?: Browser;
}

export function renderTable(entries: readonly ReportEntry[], options: TableOptions): string {
  const shown = options.redact ? redact(entries) : entries;
  const described = shown.map((e) =>
    describeEntry(e, { stack: options.stack, browser: options.browser, redact: options.redact }),
  );
  const blocked = described.filter((d) => d.kind === 'blocked');
  const listed = options.all ? described : blocked;
  const out: string[] = [];
  out.push(
    oneLineSafe(
      `${options.source}: ${options.total} ${options.total === 1 ? 'request' : 'requests'}, ${entries.length} cross-origin, ` +
        `${blocked.length} blocked by CORS${options.redact ? '' : ' (not redacted)'}.`,
    ),
  );
  if (listed.length === 0) {
    out.push(blocked.length === 0 ? 'Nothing was blocked.' : '');
    return `${out.join('\n')}\n`;
  }
  const problems = problemsOf(shown);
  if (problems.length > 0) {
    out.push('', oneLineSafe(`${problemCount(problems)}:`));
    for (const p of problems) {
      out.push(
        oneLineSafe(
          `  ${String(p.count).padStart(4)}× ${problemName(p, options.browser === 'firefox')} — ${p.origin}${p.culprit ? ` (${p.culprit})` : ''}`,
        ),
      );
    }
  }
  const rows = listed.map((d, i) => {
    const error = d.names?.chrome;
    return [
      String(i + 1),
      oneLineSafe(clip(`${d.method} ${d.url}`, 64)),
      oneLineSafe(error ? errorWithParameter(error.error, error.param) : d.headline),
      oneLineSafe(clip(d.culprit ? culpritText(d.culprit) : (error?.param ?? ''), 72)),
    ];
  });
  const header = ['#', 'request', 'error', 'culprit'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd();
  out.push('', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  const servers = serversOf(shown);
  for (const server of servers) {
    const fix = serverFixFor(server, shown, options.stack);
    out.push(
      '',
      oneLineSafe(`Fix for ${serverHeading(server)} (${fix.label}), one for every request to it:`),
    );
    for (const note of server.notes) out.push(`   ${oneLineSafe(note)}`);
    for (const l of terminalSafe(fix.text).split('\n')) out.push(`     ${l}`.trimEnd());
  }
  const covered = coveredBy(servers);
  const shownIds = options.all ? shown : shown.filter((_e, i) => described[i]?.kind === 'blocked');
  listed.forEach((d, i) => {
    if (d.kind !== 'blocked') return;
    const server = covered.get((shownIds[i] as ReportEntry).id);
    out.push('', oneLineSafe(`${i + 1}. ${d.method} ${d.url}`));
    out.push(`   ${oneLineSafe(d.explanation ?? d.headline)}`);
    if (d.madeBy) out.push(`   Made by ${oneLineSafe(locationText(d.madeBy))}`);
    if (d.names?.firefox) out.push(`   Firefox: ${oneLineSafe(d.names.firefox)}`);
    if (server) out.push(`   Fixed by the fix for ${oneLineSafe(server.origin)} above.`);
    else if (d.fix) {
      out.push(`   Fix (${d.fix.label}):`);
      for (const l of terminalSafe(d.fix.text).split('\n')) out.push(`     ${l}`.trimEnd());
    }
  });
  return `${out.join('\n')}\n`;
}
