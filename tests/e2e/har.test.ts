/**
 * HAR import and the `cors-lens` command, on HARs recorded by Chromium's own DevTools while the
 * whole corpus ran: every request's verdict read from the HAR must be Chrome's own (CDP
 * corsErrorStatus), with Chrome's markers and without them; the command prints it, exits 1 when
 * something was blocked and 0 when nothing was, and turns corrupt files into one line and exit 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importHar } from '../../src/har/import.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import type { JsonReport } from '../../src/report/json.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { ALL_SCENARIOS, scenarioById, scenarioUrl } from '../servers/scenarios.ts';
import type { LaunchedBrowser } from './chromium.ts';
import { type ChromeVerdict, openCorpusPage, runScenario } from './corpus-runner.ts';
import { DEVTOOLS_ARGS, DevToolsHar, withoutChromeMarkers } from './devtools-har.ts';

const CLI = resolve(import.meta.dirname, '../../dist-cli/cors-lens.mjs');
const RESULTS = resolve(import.meta.dirname, '../../test-results');

interface Observed {
  readonly id: string;
  readonly url: string;
  readonly call: number;
  readonly chrome: ChromeVerdict;
}

let servers: CorpusServers;
let browser: LaunchedBrowser;
let dir: string;
let harText: string;
let harPath: string;
const observed: Observed[] = [];

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error('dist-cli/ has no cors-lens.mjs: run `npm run build` first (npm test does).');
  const opened = await openCorpusPage(DEVTOOLS_ARGS);
  ({ servers, browser } = opened);
  const devtools = await DevToolsHar.attach(opened.page);
  for (const scenario of ALL_SCENARIOS) {
    const calls = await runScenario(opened.page, opened.watcher, scenario, servers.origins, servers.log);
    for (const c of calls) {
      observed.push({
        id: scenario.id,
        url: scenarioUrl(scenario, servers.origins),
        call: c.call,
        chrome: c.chrome,
      });
    }
  }
  harText = await devtools.export();
  dir = mkdtempSync(join(tmpdir(), 'cors-lens-har-'));
  harPath = join(dir, 'corpus.har');
  writeFileSync(harPath, harText);
  // Kept for a look when a test fails (test-results/ is not committed).
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'corpus.har'), harText);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await servers?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The imported entry for each observed call: the n-th entry for its URL. */
function entriesByCall(entries: readonly ReportEntry[]): Map<Observed, ReportEntry | undefined> {
  const out = new Map<Observed, ReportEntry | undefined>();
  for (const o of observed) out.set(o, entries.filter((e) => e.url === o.url)[o.call]);
  return out;
}

/** Chrome's verdict and ours agree: same error and parameter (Chrome may name any one of several missing headers). */
function expectSameVerdict(entry: ReportEntry | undefined, o: Observed): void {
  const context = `${o.id} call ${o.call}: chrome ${JSON.stringify(o.chrome)}; entry ${JSON.stringify(
    entry && {
      blocked: entry.blocked,
      corsError: entry.corsError,
      failedParameter: entry.failedParameter,
      networkError: entry.networkError,
    },
  )}`;
  expect(entry, context).toBeDefined();
  if (!entry) return;
  expect(entry.blocked, context).toBe(o.chrome.blocked);
  if (!o.chrome.blocked) return;
  expect(entry.corsError, context).toBe(o.chrome.corsError);
  const missing = entry.verdict?.culprit?.missing ?? [];
  if (missing.length > 1) expect(missing, context).toContain(o.chrome.failedParameter);
  else expect(entry.failedParameter, context).toBe(o.chrome.failedParameter);
}

/** The calls the HAR can speak of: Blink refused some before the network, and DevTools never saw those. */
const sent = () => observed.filter((o) => !o.chrome.neverSent);

describe('HAR recorded by Chromium DevTools', () => {
  test("holds Chrome's markers: preflights and blocked requests", () => {
    const har = JSON.parse(harText) as {
      log: { entries: { _resourceType?: string; response: { _error?: string } }[] };
    };
    expect(har.log.entries.some((e) => e._resourceType === 'preflight')).toBe(true);
    expect(har.log.entries.some((e) => e.response._error === 'net::ERR_FAILED')).toBe(true);
  });

  test("every request's verdict from the HAR is Chrome's own", () => {
    const imported = importHar(harText);
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.browser).toBe('chrome');
    const byCall = entriesByCall(imported.entries);
    const calls = sent();
    expect(calls.filter((o) => o.chrome.blocked).length).toBeGreaterThan(60);
    for (const o of calls) {
      if (o.chrome.errorText && !o.chrome.blocked) {
        // A network error (refused connection, unsafe redirect): never reported as CORS.
        expect(byCall.get(o)?.blocked, o.id).toBe(false);
        expect(byCall.get(o)?.networkError, o.id).toBeTruthy();
        continue;
      }
      expectSameVerdict(byCall.get(o), o);
    }
  });

  test("without Chrome's markers, the URL/method rule pairs and the engine decides, to the same verdicts", () => {
    const imported = importHar(withoutChromeMarkers(harText, 'Some HAR tool'));
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.browser).toBe('other');
    expect(imported.notes.join(' ')).toMatch(/judged every request from its headers/);
    const byCall = entriesByCall(imported.entries);
    let unknowable = 0;
    let checked = 0;
    for (const o of sent()) {
      if (o.chrome.errorText && !o.chrome.blocked) continue;
      const entry = byCall.get(o);
      if (
        scenarioById(o.id).request.credentials === 'include' &&
        !entry?.requestHeaders?.some((h) => h.name.toLowerCase() === 'cookie') &&
        !entry?.blocked
      ) {
        // fetch(…, { credentials: 'include' }) with no cookie to send leaves no trace in a HAR:
        // only the browser's own marker can tell that the credentials rule failed.
        unknowable++;
        continue;
      }
      expectSameVerdict(entry, o);
      checked++;
      if (o.chrome.blocked) {
        expect(
          byCall.get(o)?.verdict?.findings.some((f) => f.kind === 'outcome-inferred'),
          o.id,
        ).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(110);
    expect(unknowable).toBeLessThan(15);
  });
});

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cors-lens command', () => {
  test('prints each blocked request with its error, culprit and fix, and exits 1', () => {
    const { code, stdout, stderr } = cli(harPath);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const blocked = sent().filter((o) => o.chrome.blocked);
    expect(stdout).toMatch(new RegExp(`${blocked.length} blocked by CORS`));
    for (const o of blocked.slice(0, 20)) expect(stdout).toContain(o.chrome.corsError as string);
    expect(stdout).toContain('Fix (');
    expect(stdout).toContain('culprit');
  });

  test("--format json is the report contract, with Chrome's verdicts and secrets redacted", () => {
    const { code, stdout } = cli(harPath, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as JsonReport;
    expect(report.format).toBe('cors-lens-report');
    expect(report.redacted).toBe(true);
    expect(report.summary.blocked).toBe(sent().filter((o) => o.chrome.blocked).length);
    // The corpus sends `Authorization: Bearer …` in several scenarios: never in the output.
    expect(stdout).not.toMatch(/Bearer [A-Za-z0-9]/);
    expect(cli(harPath, '--format', 'json', '--no-redact').stdout).toMatch(/Bearer [A-Za-z0-9]/);
  });

  test('--format markdown and --stack pick the report and the fix', () => {
    const md = cli(harPath, '--format', 'markdown', '--stack', 'nginx');
    expect(md.code).toBe(1);
    expect(md.stdout).toMatch(/^## CORS Lens report/);
    expect(md.stdout).toContain('Fix (nginx)');
    expect(md.stdout).toContain('add_header');
    const express = cli(harPath, '--stack', 'express');
    expect(express.stdout).toContain('app.use(cors(');
  });

  test('exits 0 when nothing in the HAR was blocked', () => {
    const har = JSON.parse(harText) as { log: { entries: { request: { url: string } }[] } };
    const allowedUrls = new Set(
      sent()
        .filter((o) => !o.chrome.blocked && !o.chrome.errorText)
        .map((o) => o.url),
    );
    har.log.entries = har.log.entries.filter((e) => allowedUrls.has(e.request.url));
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
