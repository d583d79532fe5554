/**
 * `cors-lens <file.har>`: every CORS failure in a HAR, with its culprit and the fix, for a terminal,
 * a script (`--format json`) or a bug report (`--format markdown`). Exit codes make it usable in
 * CI: 0 nothing blocked, 1 something blocked, 2 the input or the command line is wrong.
 *
 * Pure: reading the file and writing output are the caller's (main.ts), so tests run it directly.
 */
import { guessStack, STACK_LABELS, STACKS, type StackId } from '../fixes/index.ts';
import { importHar } from '../har/import.ts';
import { checkSize } from '../har/open.ts';
import type { ReportEntry } from '../report/entry.ts';
import { renderJson } from '../report/json.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { redact } from '../report/redact.ts';
import { kindOf, oneLine } from '../report/summary.ts';

export const EXIT_OK = 0;
export const EXIT_BLOCKED = 1;
export const EXIT_BAD_INPUT = 2;
/** A bug in cors-lens itself. */
export const EXIT_INTERNAL = 3;

export interface CliIo {
  /** The file's text, or an Error whose message says why it cannot be read. */
  readFile(path: string): string | Error;
  /** The file's size in bytes, or null when it cannot be told. */
  size(path: string): number | null;
  readonly now?: Date;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type Format = 'table' | 'json' | 'markdown';

interface Options {
  readonly file: string;
  readonly format: Format;
  readonly stack: StackId | null;
  readonly redact: boolean;
  readonly all: boolean;
}

export const USAGE = `Usage: cors-lens <file.har> [options]

Prints every request a browser blocked for CORS in a HAR file (exported from Chrome's or
Firefox's DevTools), with the header that failed and the server fix.

Options:
  --format table|json|markdown   output (default: table)
  --stack <id>                   the fix to print: ${STACKS.join(', ')}
                                 (default: guessed from the server's headers, else express)
  --all                          list allowed requests too (table)
  --no-redact                    keep cookies, tokens and API keys in the output
  -h, --help                     this text

Exit code: 0 nothing blocked, 1 something blocked, 2 unreadable file or bad arguments,
3 a bug in cors-lens.
`;

function parseArgs(argv: readonly string[]): Options | { help: true } | { error: string } {
  let file: string | null = null;
  let format: Format = 'table';
  let stack: StackId | null = null;
  let redactOn = true;
  let all = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | null => inline ?? (i + 1 < argv.length ? (argv[++i] as string) : null);
    switch (flag) {
      case '-h':
      case '--help':
        return { help: true };
      case '--format': {
        const v = value();
        if (v !== 'table' && v !== 'json' && v !== 'markdown')
          return { error: `--format takes table, json or markdown (got ${v ?? 'nothing'}).` };
        format = v;
        break;
      }
      case '--stack': {
        const v = value();
        if (!v || !(STACKS as readonly string[]).includes(v))
          return { error: `--stack takes one of: ${STACKS.join(', ')} (got ${v ?? 'nothing'}).` };
        stack = v as StackId;
        break;
      }
      case '--no-redact':
        redactOn = false;
        break;
      case '--all':
        all = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-')
          return { error: `Unknown option ${arg}. Run cors-lens --help.` };
        if (file !== null) return { error: `One HAR file at a time (got ${file} and ${arg}).` };
        file = arg;
    }
  }
  if (file === null) return { error: 'No HAR file given. Run cors-lens --help.' };
  return { file, format, stack, redact: redactOn, all };
}

export function runCli(argv: readonly string[], io: CliIo): CliResult {
  const parsed = parseArgs(argv);
  if ('help' in parsed) return { code: EXIT_OK, stdout: USAGE, stderr: '' };
  if ('error' in parsed) return fail(parsed.error);
  const size = io.size(parsed.file);
  const tooBig = size === null ? null : checkSize(size);
  if (tooBig) return fail(`${parsed.file}: ${tooBig}`);
  const text = io.readFile(parsed.file);
  if (text instanceof Error) return fail(`${parsed.file}: ${text.message}`);
  const imported = importHar(text);
  if (!imported.ok) return fail(`${parsed.file}: ${imported.error}`);
  const entries = imported.entries;
  const blocked = entries.filter((e) => kindOf(e) === 'blocked');
  const code = blocked.length > 0 ? EXIT_BLOCKED : EXIT_OK;
  const notes = imported.notes.map((n) => `note: ${n}\n`).join('');
  const options = { redact: parsed.redact, now: io.now };
  switch (parsed.format) {
    case 'json':
      return { code, stdout: renderJson(entries, options), stderr: notes };
    case 'markdown':
      return {
        code,
        stdout: renderMarkdown(entries, { ...options, stack: parsed.stack ?? commonStack(blocked) }),
        stderr: notes,
      };
    case 'table': {
      const shown = parsed.redact ? redact(entries) : entries;
      return { code, stdout: renderTable(shown, parsed, imported.total), stderr: notes };
    }
  }
}

function fail(message: string): CliResult {
  return { code: EXIT_BAD_INPUT, stdout: '', stderr: `cors-lens: ${terminalSafe(message)}\n` };
}

/** The stack most blocked entries point at, for a single-stack Markdown report. */
function commonStack(blocked: readonly ReportEntry[]): StackId {
  const votes = new Map<StackId, number>();
  for (const e of blocked) {
    const s = guessStack(e);
    if (s) votes.set(s, (votes.get(s) ?? 0) + 1);
  }
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'express';
}

/**
 * Header values and URLs are untrusted: control characters (an ANSI escape in a header could
 * rewrite the terminal) are shown as \\xNN, never written raw.
 */
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

function culpritOf(e: ReportEntry): string {
  const c = e.verdict?.culprit;
  if (!c) return e.failedParameter ?? '';
  const got = c.received === null ? 'nothing' : JSON.stringify(c.received);
  return `${c.field}: expected ${c.expected}, got ${got}`;
}

function renderTable(entries: readonly ReportEntry[], options: Options, total: number): string {
  const blocked = entries.filter((e) => kindOf(e) === 'blocked');
  const listed = options.all ? entries : blocked;
  const out: string[] = [];
  const summary =
    `${options.file}: ${total} requests, ${entries.length} cross-origin, ` +
    `${blocked.length} blocked by CORS${options.redact ? '' : ' (not redacted)'}.`;
  out.push(oneLineSafe(summary));
  if (listed.length === 0) {
    out.push(blocked.length === 0 ? 'Nothing was blocked.' : '');
    return `${out.join('\n')}\n`;
  }
  const rows = listed.map((e, i) => [
    String(i + 1),
    oneLineSafe(clip(`${e.method} ${e.url}`, 64)),
    oneLineSafe(
      e.corsError ? `${e.corsError}${e.failedParameter ? ` (${e.failedParameter})` : ''}` : oneLine(e),
    ),
    oneLineSafe(clip(culpritOf(e), 72)),
  ]);
  const header = ['#', 'request', 'error', 'culprit'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c] as number))
      .join('  ')
      .trimEnd();
  out.push('', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line));
  listed.forEach((e, i) => {
    if (kindOf(e) !== 'blocked') return;
    const stack = options.stack ?? guessStack(e) ?? 'express';
    out.push('', oneLineSafe(`${i + 1}. ${e.method} ${e.url}`));
    out.push(`   ${oneLineSafe(e.explanation ?? oneLine(e))}`);
    if (e.firefoxReason) out.push(`   Firefox: ${oneLineSafe(e.firefoxReason)}`);
    const fix = e.fixes?.[stack];
    if (fix) {
      out.push(`   Fix (${STACK_LABELS[stack]}):`);
      for (const l of terminalSafe(fix).split('\n')) out.push(`     ${l}`.trimEnd());
    }
  });
  return `${out.join('\n')}\n`;
}
