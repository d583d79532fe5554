/**
 * The terminal rendering of a report: a summary line, the problems, each request with its error,
 * culprit, explanation and fix, then one fix per server — from the same description the panel and
 * the exports use, wrapped to the terminal's width, no value cut. Header values and URLs are untrusted: control characters (an ANSI
 * escape in a header could rewrite the terminal) are shown as \xNN, never written raw.
 */
import type { StackId } from '../fixes/fix.ts';
import {
  type Browser,
  culpritText,
  describeEntry,
  type EntryDescription,
  errorWithParameter,
  locationWords,
  reportOrder,
} from './describe.ts';
import type { ReportEntry } from './entry.ts';
import { problemCount, problemName, problemsOf, problemTitle } from './problems.ts';
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

/** Columns when the output is not a terminal (a file, a pipe, a CI log). */
export const DEFAULT_WIDTH = 100;

/** The narrowest width honoured: below it, indents leave no room for text. */
const MIN_WIDTH = 40;

/**
 * `text` in lines of at most `width` columns, the first starting with `first`, the rest with
 * `indent`. Breaks at spaces; a word longer than a line (a URL, a header value) is split across
 * lines, never cut.
 */
export function wrapText(text: string, width: number, indent = '', first = indent): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/)) {
    if (word === '') continue;
    const room = width - line.length - (empty ? 0 : 1);
    if (word.length <= room) {
      line += empty ? word : ` ${word}`;
      empty = false;
      continue;
    }
    if (!empty) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    let rest = word;
    while (rest.length > width - line.length) {
      const take = Math.max(1, width - line.length);
      lines.push(line + rest.slice(0, take));
      rest = rest.slice(take);
      line = indent;
    }
    line += rest;
    empty = rest === '';
  }
  if (!empty || lines.length === 0) lines.push(line);
  return lines;
}

/** ANSI styles, used only when the caller says the output is a terminal that shows colour. */
const STYLE = { blocked: '\x1b[1;31m', culprit: '\x1b[1;33m', reset: '\x1b[0m' } as const;

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
  /** Columns to wrap prose to (default DEFAULT_WIDTH). Fix code is printed as written, to be pasted. */
  readonly width?: number;
  /** Colour BLOCKED and the culprit (ANSI): only for a terminal, as NO_COLOR and FORCE_COLOR say. */
  readonly color?: boolean;
}

/**
 * The report for a terminal: the count, the problems, then each request (numbered as in the
 * Markdown and HTML reports) with its error, its culprit and why, then one fix per server.
 */
export function renderTable(entries: readonly ReportEntry[], options: TableOptions): string {
  const width = Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH));
  const paint = (style: keyof typeof STYLE, text: string) =>
    options.color ? `${STYLE[style]}${text}${STYLE.reset}` : text;
  const shown = options.redact ? redact(entries) : entries;
  const described = shown.map((e) =>
    describeEntry(e, { stack: options.stack, browser: options.browser, redact: options.redact }),
  );
  const blocked = described.filter((d) => d.kind === 'blocked');
  // Numbered as the Markdown and HTML reports number them: blocked first.
  // Numbered by place in that order before any is left out, so numbers match theirs.
  const numbered = reportOrder(described);
  const order = numbered.filter((i) => options.all || described[i]?.kind === 'blocked');
  const numberOf = new Map(numbered.map((i, n) => [i, n + 1]));
  const listed = order.map((i) => described[i] as EntryDescription);
  const out: string[] = [];
  const para = (text: string, indent = '', first = indent) =>
    out.push(...wrapText(oneLineSafe(text), width, indent, first));
  para(
    `${options.source}: ${options.total} ${options.total === 1 ? 'request' : 'requests'}, ${entries.length} cross-origin, ` +
      `${blocked.length} blocked by CORS${options.redact ? '' : ' (not redacted)'}.`,
  );
  if (listed.length === 0) {
    out.push(blocked.length === 0 ? 'Nothing was blocked.' : '');
    return `${out.join('\n')}\n`;
  }
  const problems = problemsOf(shown);
  if (problems.length > 0) {
    out.push('');
    para(`${problemCount(problems)}:`);
    for (const p of problems) {
      const times = `${String(p.count).padStart(4)}× `;
      para(problemTitle(p).replaceAll('`', ''), ' '.repeat(times.length), times);
      para(`${p.origin} · ${problemName(p, options.browser === 'firefox')}`, ' '.repeat(times.length));
    }
  }
  const servers = serversOf(shown);
  const covered = coveredBy(servers);
  const indent = '   ';
  listed.forEach((d, i) => {
    const entry = shown[order[i] as number];
    out.push('');
    para(`${d.method} ${d.url}`, indent, `${numberOf.get(order[i] as number)}. `);
    const error = d.names?.chrome;
    const verdict = error ? errorWithParameter(error.error, error.param) : d.headline;
    const label = d.kind === 'blocked' ? paint('blocked', 'BLOCKED') : d.kind.toUpperCase();
    // Wrapped as plain text, painted after: escape codes take no columns.
    const [head = '', ...more] = wrapText(
      oneLineSafe(`${d.kind.toUpperCase()} ${verdict}`),
      width,
      indent,
      indent,
    );
    out.push(
      head.replace(d.kind.toUpperCase(), () => label),
      ...more,
    );
    if (d.culprit) {
      const text = oneLineSafe(culpritText(d.culprit));
      const lines = wrapText(text, width, `${indent}        `, `${indent}culprit `);
      const field = oneLineSafe(d.culprit.field);
      out.push(...lines.map((l, n) => (n === 0 ? l.replace(field, () => paint('culprit', field)) : l)));
    }
    if (d.kind !== 'blocked') return;
    para(d.explanation ?? d.headline, indent);
    if (d.madeBy) para(`Made by ${locationWords(d.madeBy)}`, indent);
    if (d.names?.firefox) para(`Firefox: ${d.names.firefox}`, indent);
    const server = entry ? covered.get(entry.id) : undefined;
    if (server) para(`Fixed by the fix for ${server.origin} below.`, indent);
    else if (d.fix) {
      para(`Fix (${d.fix.label}):`, indent);
      for (const l of terminalSafe(d.fix.text).split('\n')) out.push(`     ${l}`.trimEnd());
    }
  });
  for (const server of servers) {
    const fix = serverFixFor(server, shown, options.stack);
    out.push('');
    para(`Fix for ${serverHeading(server)} (${fix.label}), one for every request to it:`);
    for (const note of server.notes) para(note, `${indent}  `, `${indent}- `);
    for (const l of terminalSafe(fix.text).split('\n')) out.push(`  ${l}`.trimEnd());
  }
  return `${out.join('\n')}\n`;
}
