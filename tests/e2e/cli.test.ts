/**
 * The `cors-lens` command as a user runs it (`npx cors-lens`, from the build), on a HAR recorded by
 * Chromium's own DevTools while a handful of corpus scenarios ran: it prints each request Chrome
 * blocked with Chrome's name for it, exits 1 when something was blocked and 0 when nothing was,
 * and turns corrupt files into one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JsonReport } from '../../src/report/json.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { scenarioById, scenarioUrl } from '../servers/scenarios.ts';
import type { LaunchedBrowser } from './chromium.ts';
import { type ChromeVerdict, openCorpusPage, runScenario } from './corpus-runner.ts';
import { DEVTOOLS_ARGS, DevToolsHar } from './devtools-har.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist-cli/cors-lens.mjs');

/** Blocked in several ways, allowed, and one with a bearer token, as a page really makes them. */
const SCENARIOS = [
  'simple-allowed',
  'simple-missing-acao',
  'simple-trailing-slash',
  'cred-missing-acac',
  'pf-404-no-cors',
  'pf-method-missing',
  'pf-header-missing-authorization',
  'pf-ok-response-missing-acao',
  'express-classic-post-json',
  // Allowed, so the request itself went out with its Authorization: the value a report must hide.
  'pf-header-wildcard-authorization',
];

let servers: CorpusServers;
let browser: LaunchedBrowser;
let dir: string;
let harText: string;
let harPath: string;
const observed: { url: string; chrome: ChromeVerdict }[] = [];

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error('dist-cli/ has no cors-lens.mjs: run `npm run build` first (npm test does).');
  const opened = await openCorpusPage(DEVTOOLS_ARGS);
  ({ servers, browser } = opened);
  const devtools = await DevToolsHar.attach(opened.page);
  for (const id of SCENARIOS) {
    const scenario = scenarioById(id);
    const calls = await runScenario(opened.page, opened.watcher, scenario, servers.origins, servers.log);
    for (const c of calls) observed.push({ url: scenarioUrl(scenario, servers.origins), chrome: c.chrome });
  }
  harText = await devtools.export();
  dir = mkdtempSync(join(tmpdir(), 'cors-lens-cli-'));
  harPath = join(dir, 'requests.har');
  writeFileSync(harPath, harText);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await servers?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The built command, run by Node (npx finds the same file; it is checked once, below, as it is slower). */
function cli(...args: string[]) {
  return cliWith({}, ...args);
}

/** The command with these environment variables set (and NO_COLOR, FORCE_COLOR, COLUMNS unset unless given). */
function cliWith(env: Record<string, string>, ...args: string[]) {
  const { NO_COLOR: _n, FORCE_COLOR: _f, COLUMNS: _c, ...base } = process.env;
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...base, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const blocked = () => observed.filter((o) => o.chrome.blocked);

describe('cors-lens', () => {
  test('`npx cors-lens` runs it: the build leaves the file executable', () => {
    expect(() => accessSync(CLI, constants.X_OK)).not.toThrow();
    const r = spawnSync('npx', ['--no-install', 'cors-lens', harPath], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).not.toMatch(/Permission denied/);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/blocked by CORS/);
  });

  test.each([80, 100])('with COLUMNS=%i no line runs over and no value is cut', (columns) => {
    const { stdout } = cliWith({ COLUMNS: String(columns) }, harPath);
    expect(stdout.split('\n').filter((l) => [...l].length > columns)).toEqual([]);
    expect(stdout).not.toContain('…');
    expect(stdout).not.toContain('\u001b');
  });

  test('colour only when forced (not a terminal here), and never with NO_COLOR', () => {
    expect(cliWith({ FORCE_COLOR: '1' }, harPath).stdout).toContain('\u001b[1;31mBLOCKED\u001b[0m');
    expect(cliWith({ FORCE_COLOR: '0' }, harPath).stdout).not.toContain('\u001b');
    expect(cliWith({ NO_COLOR: '1' }, harPath).stdout).not.toContain('\u001b');
    // --width wins over COLUMNS.
    const narrow = cliWith({ COLUMNS: '100' }, harPath, '--width', '60').stdout.split('\n');
    const prose = narrow.slice(
      0,
      narrow.findIndex((l) => l.startsWith('Fix for ')),
    );
    expect(prose.filter((l) => [...l].length > 60)).toEqual([]);
  });

  test("prints each blocked request with Chrome's error, culprit and fix, and exits 1", () => {
    const { code, stdout, stderr } = cli(harPath);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(blocked().length).toBeGreaterThanOrEqual(7);
    expect(stdout).toMatch(new RegExp(`${blocked().length} blocked by CORS`));
    for (const o of blocked()) expect(stdout).toContain(o.chrome.corsError as string);
    expect(stdout).toMatch(/Fix for http:\/\/\S+ — \d+ requests?, \d+ blocked \(Express \(cors\)\)/);
    expect(stdout).toContain('culprit');
  });

  test("--format json is the report contract, with Chrome's verdicts and secrets redacted", () => {
    const { code, stdout } = cli(harPath, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.format).toBe('cors-lens-report');
    expect(report.redacted).toBe(true);
    expect(report.summary.blocked).toBe(blocked().length);
    // The scenarios send `Authorization: Bearer …`: never in the output unless asked.
    expect(stdout).not.toMatch(/Bearer [A-Za-z0-9]/);
    expect(cli(harPath, '--format', 'json', '--no-redact').stdout).toMatch(/Bearer [A-Za-z0-9]/);
  });

  test('--format markdown and --stack pick the report and the fix', () => {
    const md = cli(harPath, '--format', 'markdown', '--stack', 'nginx');
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^## CORS Lens report/);
    expect(md.stdout).toContain('Fix (nginx)');
    expect(md.stdout).toContain('add_header');
    expect(cli(harPath, '--stack', 'express').stdout).toContain('app.use(cors(');
  });

  test('exits 0 when nothing in the HAR was blocked', () => {
    const har = JSON.parse(harText) as { log: { entries: { request: { url: string } }[] } };
    const allowed = new Set(
      observed.filter((o) => !o.chrome.blocked && !o.chrome.errorText).map((o) => o.url),
    );
    expect(allowed.size).toBeGreaterThan(0);
    har.log.entries = har.log.entries.filter((e) => allowed.has(e.request.url));
    const path = join(dir, 'allowed.har');
    writeFileSync(path, JSON.stringify(har));
    const { code, stdout } = cli(path);
    expect(stdout).toContain('Nothing was blocked.');
    expect(code).toBe(0);
  });

  test('corrupt, truncated, empty, huge and missing files: one line, exit 2, no stack trace', () => {
    const cases: [string, string | null, RegExp][] = [
      ['truncated.har', harText.slice(0, Math.floor(harText.length / 2)), /cut off/],
      ['empty.har', '', /empty/],
      ['html.har', '<!doctype html><title>Login</title>', /HTML/],
      ['no-entries.har', '{"log":{"version":"1.2"}}', /log\.entries/],
      ['array.har', '[1,2,3]', /not an object/],
      ['garbage.har', '{"log": {"entries": [}', /not valid JSON|cut off/],
      ['missing.har', null, /no such file/],
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      if (content !== null) writeFileSync(path, content);
      const { code, stdout, stderr } = cli(path);
      expect(code, name).toBe(2);
      expect(stdout, name).toBe('');
      expect(stderr.trimEnd().split('\n'), name).toHaveLength(1);
      expect(stderr, name).toMatch(message);
      expect(stderr, name).not.toMatch(/\n\s+at /);
    }
    const huge = join(dir, 'huge.har');
    writeFileSync(huge, '');
    truncateSync(huge, 300 * 1024 * 1024); // sparse: no 300 MB written
    const r = cli(huge);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/300 MB; the limit is 200 MB/);
  });
});
