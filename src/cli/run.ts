/**
 * `cors-lens <file.har>`: every CORS failure in a HAR, with its culprit and the fix, for a terminal,
 * a script (`--format json`) or a bug report (`--format markdown`). Exit codes make it usable in
 * CI: 0 nothing blocked, 1 something blocked, 2 the input or the command line is wrong.
 *
 * Pure: reading the file and writing output are the caller's (main.ts), so tests run it directly.
 */
import { version } from '../../package.json';
import { DEFAULT_STACK, STACKS, type StackId } from '../fixes/index.ts';
import { importHar } from '../har/import.ts';
import { checkSize } from '../har/open.ts';
import { checkScript } from '../report/check-script.ts';
import { renderJson } from '../report/json.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { kindOf } from '../report/summary.ts';
import { DEFAULT_WIDTH, renderTable, terminalSafe } from '../report/table.ts';
import { type Terminal, widthOf } from './terminal.ts';

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
  /** The terminal: its columns (null when not a terminal and COLUMNS is not set) and whether to colour. */
  readonly terminal?: Terminal;
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
  /** Print a shell script that checks each server's CORS answers (fails until the fix is deployed). */
  readonly emitCheck: boolean;
  /** Watch a running Chrome at this DevTools endpoint instead of reading a file. */
  readonly cdp: string | null;
  readonly timeout: number | null;
  /** --width: columns to wrap the table to, whatever the terminal says. */
  readonly width: number | null;
}

/** Items joined by ", ", in lines indented by `indent` that stay within `width` columns. */
function wrapList(items: readonly string[], indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const word = i < items.length - 1 ? `${item},` : item;
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}

export const USAGE = `Usage: cors-lens <file.har> [options]
       cors-lens --cdp <endpoint> [--timeout S] [options]

Prints every request a browser blocked for CORS in a HAR file (exported from
Chrome's or Firefox's DevTools), with the header that failed and the server
fix. With --cdp, watches a running Chrome instead (started with
--remote-debugging-port=9222; endpoint http://127.0.0.1:9222): all its pages,
each new one as it opens, every failure as it happens.

Options:
  --format table|json|markdown  output (default: table)
  --stack <id>                  the fix to print, one of:
${wrapList(STACKS, 32, 79)}
                                (default: guessed from the server's headers,
                                else ${DEFAULT_STACK})
  --all                         list allowed requests too (table)
  --width <columns>             wrap the table to that many columns (default:
                                the terminal's width, else ${DEFAULT_WIDTH})
  --emit-check                  print a shell script (curl) that fails until
                                each server sends what its pages need:
                                cors-lens x.har --emit-check > cors-check.sh
  --no-redact                   keep cookies, tokens and API keys in the output
  --cdp <endpoint>              watch a running Chrome over its DevTools
                                protocol
  --timeout <seconds>           with --cdp: stop after that long (default:
                                Ctrl-C)
  -h, --help                    this text
  -v, --version                 the version of cors-lens

Exit code: 0 nothing blocked, 1 something blocked, 2 unreadable file,
unreachable endpoint or bad arguments, 3 a bug in cors-lens.
`;

/** `cors-lens --version`: the package's version, as npm shows it. */
export const VERSION: string = version;

function parseArgs(
  argv: readonly string[],
): Options | { help: true } | { version: true } | { error: string } {
  let file: string | null = null;
  let format: Format = 'table';
  let stack: StackId | null = null;
  let redactOn = true;
  let all = false;
  let emitCheck = false;
  let cdp: string | null = null;
  let timeout: number | null = null;
  let width: number | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string | null => inline ?? (i + 1 < argv.length ? (argv[++i] as string) : null);
    switch (flag) {
      case '-h':
      case '--help':
        return { help: true };
      case '-v':
      case '--version':
        return { version: true };
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
      case '--emit-check':
        emitCheck = true;
        break;
      case '--cdp': {
        const v = value();
        if (!v) return { error: '--cdp takes the DevTools endpoint, e.g. http://127.0.0.1:9222.' };
        cdp = v;
        break;
      }
      case '--width': {
        const v = Number(value());
        if (!Number.isInteger(v) || v < 40 || v > 1000)
          return { error: '--width takes a number of columns from 40 to 1000.' };
        width = v;
        break;
      }
      case '--timeout': {
        const v = Number(value());
        if (!Number.isFinite(v) || v <= 0) return { error: '--timeout takes a number of seconds above 0.' };
        timeout = v;
        break;
      }
      default:
        if (arg.startsWith('-') && arg !== '-')
          return { error: `Unknown option ${arg}. Run cors-lens --help.` };
        if (file !== null) return { error: `One HAR file at a time (got ${file} and ${arg}).` };
        file = arg;
    }
  }
  if (cdp !== null && file !== null) return { error: `Either a HAR file or --cdp, not both (got ${file}).` };
  if (timeout !== null && cdp === null) return { error: '--timeout goes with --cdp.' };
  if (file === null && cdp === null) return { error: 'No HAR file given. Run cors-lens --help.' };
  return { file: file ?? '', format, stack, redact: redactOn, all, emitCheck, cdp, timeout, width };
}

/** The options of a `--cdp` run, or null when the command line asks for something else (a file, help, an error). */
export function cdpOptionsOf(argv: readonly string[]): {
  endpoint: string;
  timeout: number | null;
  format: Format;
  stack: StackId | null;
  redact: boolean;
  width: number | null;
} | null {
  const parsed = parseArgs(argv);
  if ('help' in parsed || 'version' in parsed || 'error' in parsed || parsed.cdp === null) return null;
  return {
    endpoint: parsed.cdp,
    timeout: parsed.timeout,
    format: parsed.format,
    stack: parsed.stack,
    redact: parsed.redact,
    width: parsed.width,
  };
}

export function runCli(argv: readonly string[], io: CliIo): CliResult {
  const parsed = parseArgs(argv);
  if ('help' in parsed) return { code: EXIT_OK, stdout: USAGE, stderr: '' };
  if ('version' in parsed) return { code: EXIT_OK, stdout: `${VERSION}\n`, stderr: '' };
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
  // A Firefox HAR is read by someone who sees Firefox's console: its reason leads.
  const browser = imported.browser === 'firefox' ? 'firefox' : 'chrome';
  const options = { redact: parsed.redact, now: io.now, stack: parsed.stack, browser } as const;
  if (parsed.emitCheck) {
    const script = checkScript(entries);
    return script
      ? { code: EXIT_OK, stdout: script, stderr: notes }
      : {
          code: EXIT_OK,
          stdout: '',
          stderr: `${notes}cors-lens: nothing was blocked, so there is nothing to check.\n`,
        };
  }
  switch (parsed.format) {
    case 'json':
      return { code, stdout: renderJson(entries, options), stderr: notes };
    case 'markdown':
      return { code, stdout: renderMarkdown(entries, options), stderr: notes };
    case 'table':
      return {
        code,
        stdout: renderTable(entries, {
          ...options,
          source: parsed.file,
          total: imported.total,
          all: parsed.all,
          width: widthOf(parsed.width, io.terminal),
          color: io.terminal?.color ?? false,
        }),
        stderr: notes,
      };
  }
}

function fail(message: string): CliResult {
  return { code: EXIT_BAD_INPUT, stdout: '', stderr: `cors-lens: ${terminalSafe(message)}\n` };
}
