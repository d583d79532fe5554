/** The `cors-lens` command on HAR text: exit codes, one-line errors, redaction, a terminal that stays safe. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type CliIo, EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OK, runCli } from '../../src/cli/run.ts';
import { type Terminal, terminalOf, widthOf } from '../../src/cli/terminal.ts';
import { terminalSafe, wrapText } from '../../src/report/table.ts';
import { API, blockedPost, har, headers, PAGE } from './har-fixtures.ts';

describe('cors-lens command', () => {
  const io = (files: Record<string, string>): CliIo => ({
    readFile: (path) => files[path] ?? new Error('no such file'),
    size: (path) => files[path]?.length ?? null,
    now: new Date('2026-11-25T10:00:00Z'),
  });

  test('exit 1 and a table when something was blocked; secrets never printed', () => {
    const r = runCli(['x.har'], io({ 'x.har': har(blockedPost()) }));
    expect(r.code).toBe(EXIT_BLOCKED);
    expect(r.stdout).toContain('HeaderDisallowedByPreflightResponse (authorization)');
    expect(r.stdout).toMatch(
      /Fix for http:\/\/\S+ — 1 request, 1 blocked \(Express \(cors\)\), one for every request to it:/,
    );
    expect(r.stdout).toContain('Fixed by the fix for');
    expect(r.stdout).not.toContain('secret-token');
  });

  test('--emit-check prints a shell script that checks what the server must send', () => {
    const r = runCli(['x.har', '--emit-check'], io({ 'x.har': har(blockedPost()) }));
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout.startsWith('#!/bin/sh\n')).toBe(true);
    expect(r.stdout).toContain("-H 'Access-Control-Request-Method: POST'");
    expect(r.stdout).toMatch(/check 'OPTIONS \/api.* Access-Control-Allow-Headers lists authorization'/);
    expect(r.stdout).not.toContain('secret-token');
    expect(r.stdout.trimEnd().endsWith('exit $fail')).toBe(true);
  });

  test('exit 0 when nothing was blocked', () => {
    const r = runCli(['x.har'], io({ 'x.har': har([]) }));
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toContain('Nothing was blocked.');
  });

  test.each([
    [['--format', 'yaml', 'x.har'], /--format takes table, json or markdown/],
    [['--stack', 'rails', 'x.har'], /--stack takes one of/],
    [['--frobnicate', 'x.har'], /Unknown option --frobnicate/],
    [[], /No HAR file given/],
    [['a.har', 'b.har'], /One HAR file at a time/],
    [['missing.har'], /missing\.har: no such file/],
    [['bad.har'], /bad\.har: The HAR is cut off/],
  ])('%j → exit 2 and one line', (args, message) => {
    const r = runCli(args, io({ 'x.har': har([]), 'bad.har': '{"log":{"entries":[' }));
    expect(r.code).toBe(EXIT_BAD_INPUT);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  test('--help', () => {
    const r = runCli(['--help'], io({}));
    expect(r.code).toBe(EXIT_OK);
    expect(r.stdout).toMatch(/^Usage: cors-lens <file\.har>/);
    // Read in an 80-column terminal: no line wraps.
    expect(r.stdout.split('\n').filter((l) => l.length > 79)).toEqual([]);
    expect(r.stdout).toContain('next-proxy');
  });

  test('--version and -v print the version package.json holds, whatever else the line says', () => {
    const { version } = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    for (const args of [['--version'], ['-v'], ['x.har', '--version']]) {
      const r = runCli(args, io({}));
      expect(r).toEqual({ code: EXIT_OK, stdout: `${version}\n`, stderr: '' });
    }
  });

  test('--format=json and --stack=nginx forms work', () => {
    const r = runCli(['x.har', '--format=markdown', '--stack=nginx'], io({ 'x.har': har(blockedPost()) }));
    expect(r.stdout).toContain('Fix (nginx)');
  });

  test('control characters in a URL or header never reach the terminal raw', () => {
    expect(terminalSafe('a\u001b[2Jb\u0007')).toBe('a\\x1b[2Jb\\x07');
    const hostile = blockedPost().map((e) => ({
      ...e,
      request: { ...e.request, url: `${API}?q=\u001b[31mred` },
      response: {
        ...e.response,
        headers: headers([['Access-Control-Allow-Origin', `${PAGE}\u001b]0;pwned\u0007`]]),
      },
    }));
    const r = runCli(['x.har', '--all'], io({ 'x.har': har(hostile) }));
    expect(r.code).toBe(EXIT_BLOCKED);
    expect(r.stdout).toContain('PreflightInvalidAllowOriginValue');
    expect(r.stdout).toContain('\\x1b]0;pwned\\x07');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).not.toContain('\u0007');
  });
});

describe('the table on a terminal: its width, its colour', () => {
  const files = { 'x.har': har(blockedPost()) };
  const io = (terminal?: Terminal): CliIo => ({
    readFile: (path) => files[path as 'x.har'] ?? new Error('no such file'),
    size: () => null,
    terminal,
  });
  const over = (text: string, width: number) => text.split('\n').filter((l) => [...l].length > width);

  test.each([80, 100])('wrapped to %i columns, fix code included, no value cut', (columns) => {
    const r = runCli(['x.har'], io({ columns, color: false }));
    expect(over(r.stdout, columns)).toEqual([]);
    expect(r.stdout).not.toContain('…');
    // The culprit's value survives whole, across lines if need be.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('Access-Control-Allow-Headers: expected');
  });

  test('at 40 columns the prose wraps; only fix code, printed as written to be pasted, runs over', () => {
    const r = runCli(['x.har'], io({ columns: 40, color: false }));
    const code = r.stdout.indexOf('\nFix for');
    expect(code).toBeGreaterThan(0);
    expect(over(r.stdout.slice(0, code), 40)).toEqual([]);
    expect(over(r.stdout.slice(code).split('\n').slice(0, 3).join('\n'), 40)).toEqual([]);
  });

  test('--width wins over the terminal; not a terminal and no COLUMNS: 100', () => {
    const wide = 'x'.repeat(150);
    const text = wrapText(wide, 100);
    expect(text.map((l) => l.length)).toEqual([100, 50]);
    expect(widthOf(60, { columns: 80, color: false })).toBe(60);
    expect(widthOf(null, { columns: 80, color: false })).toBe(80);
    expect(widthOf(null, undefined)).toBe(100);
    expect(runCli(['x.har', '--width', '12'], io()).stderr).toMatch(/--width takes a number of columns/);
  });

  test('BLOCKED and the culprit in colour only when asked; never an escape otherwise', () => {
    const plain = runCli(['x.har'], io({ columns: 80, color: false })).stdout;
    expect(plain).not.toContain('\u001b');
    const coloured = runCli(['x.har'], io({ columns: 80, color: true })).stdout;
    expect(coloured).toContain('\u001b[1;31mBLOCKED\u001b[0m');
    expect(coloured).toContain('culprit \u001b[1;33mAccess-Control-Allow-Headers\u001b[0m');
    // The same words, the same lines: escape codes take no columns.
    const uncoloured = ['\u001b[1;31m', '\u001b[1;33m', '\u001b[0m'].reduce(
      (t, code) => t.replaceAll(code, ''),
      coloured,
    );
    expect(uncoloured).toBe(plain);
  });

  test('NO_COLOR and FORCE_COLOR, as no-color.org and Node say', () => {
    const tty = { isTTY: true, columns: 120 };
    const pipe = { isTTY: false };
    expect(terminalOf(tty, {})).toEqual({ columns: 120, color: true });
    expect(terminalOf(tty, { NO_COLOR: '1' }).color).toBe(false);
    expect(terminalOf(tty, { NO_COLOR: '' }).color).toBe(true);
    expect(terminalOf(pipe, {})).toEqual({ columns: null, color: false });
    expect(terminalOf(pipe, { FORCE_COLOR: '1', COLUMNS: '80' })).toEqual({ columns: 80, color: true });
    expect(terminalOf(pipe, { FORCE_COLOR: '0' }).color).toBe(false);
    expect(terminalOf(tty, { FORCE_COLOR: '1', NO_COLOR: '1' }).color).toBe(true);
  });
});
