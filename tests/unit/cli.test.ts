/** The `cors-lens` command on HAR text: exit codes, one-line errors, redaction, a terminal that stays safe. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { type CliIo, EXIT_BAD_INPUT, EXIT_BLOCKED, EXIT_OK, runCli } from '../../src/cli/run.ts';
import { terminalSafe } from '../../src/report/table.ts';
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
