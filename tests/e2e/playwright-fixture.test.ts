/**
 * `cors-lens/playwright` and `cors-lens --cdp`, as users run them: a real Playwright project
 * (tests/playwright/) against the demo's broken API, run as a child process whose output and exit
 * code are read; and the built command attached to a Chromium started with a debugging port.
 * Chrome's own verdict (CDP) says what was blocked; the engine says why.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_REQUESTS, type DemoServers, startDemo } from '../servers/demo-api.ts';
import { freePort } from '../servers/listen.ts';
import { type LaunchedBrowser, launchChromium } from './chromium.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = 'tests/playwright/playwright.config.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command from the project root, asynchronously: servers the test hosts keep answering. */
function run(command: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd: ROOT, env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const playwright = (env: Record<string, string>, reporter = 'list') =>
  run(join(ROOT, 'node_modules/.bin/playwright'), ['test', '-c', CONFIG, `--reporter=${reporter}`], env);

/** The six requests the demo's API refuses, as Chrome names them. */
const EXPECTED = [
  /• POST http:\/\/localhost:\d+\/api\/orders — HeaderDisallowedByPreflightResponse \(authorization\) — Access-Control-Allow-Headers: expected a list containing authorization, got "Content-Type" — made by run\(\) in http:\/\/localhost:\d+\/ line \d+, column \d+$/m,
  /• PATCH http:\/\/localhost:\d+\/api\/profile — MethodDisallowedByPreflightResponse \(PATCH\) — /m,
  /• GET http:\/\/localhost:\d+\/api\/me — InvalidAllowCredentials — Access-Control-Allow-Credentials: expected true, got nothing/m,
  /• PUT http:\/\/localhost:\d+\/api\/files\/report\.pdf — PreflightMissingAllowOriginHeader — /m,
  /• POST http:\/\/localhost:\d+\/api\/import — MissingAllowOriginHeader — /m,
  /• GET http:\/\/localhost:\d+\/api\/legacy\/stats — AllowOriginMismatch \(http:\/\/127\.0\.0\.1:\d+\) — /m,
];

describe('cors-lens/playwright', () => {
  test("fail mode: the test fails with one line per CORS failure, Chrome's names and the line of code", async () => {
    const r = await playwright({ CORS_MODE: 'fail' });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('CORS Lens: Chrome blocked 6 requests for CORS:');
    for (const line of EXPECTED) expect(r.stdout).toMatch(line);
    expect(r.stdout).toContain('attachment #1: cors-lens-report.md (text/markdown)');
    expect(r.stdout).toContain('1 failed');
  });

  test('fail mode, the API fixed: the same test passes', async () => {
    const r = await playwright({ CORS_MODE: 'fail', CORS_API: 'fixed' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1 passed');
    expect(r.stdout).not.toContain('CORS Lens: Chrome blocked');
  });

  test('warn mode (the default): the test passes, says what was blocked, and attaches the report', async () => {
    const r = await playwright({}, 'json');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      suites: {
        specs: {
          tests: {
            annotations: { type: string; description: string }[];
            results: {
              status: string;
              attachments: { name: string; contentType: string; body?: string }[];
            }[];
          }[];
        }[];
      }[];
    };
    const result = report.suites[0]?.specs[0]?.tests[0];
    expect(result?.results[0]?.status).toBe('passed');
    const note = result?.annotations.find((a) => a.type === 'cors-lens')?.description ?? '';
    for (const line of EXPECTED) expect(note).toMatch(line);
    const attachment = result?.results[0]?.attachments.find((a) => a.name === 'cors-lens-report.md');
    expect(attachment?.contentType).toBe('text/markdown');
    const markdown = Buffer.from(attachment?.body ?? '', 'base64').toString('utf8');
    expect(markdown).toContain('### Problems: 6 problems · 6 blocked requests');
    // One fix per server, as the extension's export has it.
    expect(markdown).toMatch(/#### http:\/\/localhost:\d+ — 7 requests, 6 blocked/);
  });
});

describe('cors-lens --cdp', () => {
  let demo: DemoServers;
  let browser: LaunchedBrowser;
  let endpoint: string;
  const CLI = join(ROOT, 'dist-cli/cors-lens.mjs');

  beforeAll(async () => {
    demo = await startDemo(0, 0);
    browser = await launchChromium({ args: ['--remote-debugging-port=0'] });
    const port = readFileSync(join(browser.profile, 'DevToolsActivePort'), 'utf8').split('\n')[0];
    endpoint = `http://127.0.0.1:${port}`;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** The command watching for `seconds` while `during` runs in the browser. */
  async function watch(args: readonly string[], during: () => Promise<void>): Promise<Run> {
    const running = run(process.execPath, [CLI, '--cdp', endpoint, ...args]);
    // It says when it watches (stderr); give it that moment, then act.
    await new Promise((r) => setTimeout(r, 1500));
    await during();
    return running;
  }

  test("the demo's six failures, each as it happens, with Chrome's names; exit 1", async () => {
    const r = await watch(['--timeout', '6'], async () => {
      const page = await browser.context.newPage();
      await page.goto(`${demo.pageOrigin}/`);
      await page.waitForFunction(() => document.title.includes('done'));
      await page.close();
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^cors-lens: watching Chrome at http:\/\/127\.0\.0\.1:\d+ for 6 s/);
    const failures = r.stdout.split('\n').filter((l) => l.startsWith('✗ '));
    expect(failures).toHaveLength(DEMO_REQUESTS.length - 1);
    expect(r.stdout).toMatch(
      /✗ POST http:\/\/localhost:\d+\/api\/orders\n {2}Chrome: HeaderDisallowedByPreflightResponse \(authorization\)\n {2}Culprit: Access-Control-Allow-Headers/,
    );
    expect(r.stdout).toMatch(/Made by run\(\) at http:\/\/localhost:\d+\/:\d+:\d+/);
    expect(r.stdout).not.toContain('CORS Lens disagrees');
    // Then the table and the one fix for the server, as for a HAR.
    expect(r.stdout).toContain('6 problems · 6 blocked requests:');
    expect(r.stdout).toMatch(/Fix for http:\/\/localhost:\d+ — 7 requests, 6 blocked/);
  });

  test('--format json: one object per failure, then a summary', async () => {
    const r = await watch(['--timeout', '5', '--format', 'json'], async () => {
      const page = await browser.context.newPage();
      await page.goto(`${demo.pageOrigin}/`);
      await page.waitForFunction(() => document.title.includes('done'));
      await page.close();
    });
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const failures = lines.filter((l) => l.type === 'cors-failure');
    expect(failures.map((f) => f.corsError).sort()).toEqual(
      [
        'AllowOriginMismatch',
        'HeaderDisallowedByPreflightResponse',
        'InvalidAllowCredentials',
        'MethodDisallowedByPreflightResponse',
        'MissingAllowOriginHeader',
        'PreflightMissingAllowOriginHeader',
      ].sort(),
    );
    expect(lines.at(-1)).toMatchObject({ type: 'summary', blocked: 6 });
  });

  test('nothing blocked: exit 0; a wrong endpoint: one sentence, exit 2', async () => {
    const quiet = await watch(['--timeout', '2'], async () => {});
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/^Nothing was blocked/);
    const port = await freePort();
    const wrong = await run(process.execPath, [CLI, '--cdp', `http://127.0.0.1:${port}`]);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toBe(
      `cors-lens: cannot attach to Chrome at http://127.0.0.1:${port}: nothing listens there. Start Chrome with --remote-debugging-port=9222 and pass --cdp http://127.0.0.1:9222.\n`,
    );
  });
});
