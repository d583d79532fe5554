/**
 * Opening a HAR in the panel: the demo's broken API runs in Chromium with DevTools open, DevTools
 * exports its HAR, and the panel shows for that file the same blocked requests, errors and
 * culprits that live capture (from DevTools' network log, as it happened) reported for the page. Broken files get a message naming what
 * is wrong, and the panel keeps working.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReportEntry } from '../../src/report/entry.ts';
import { type DemoServers, runDemoAgain, startDemo } from '../servers/demo-api.ts';
import { DEVTOOLS_ARGS, DevToolsHar, withoutChromeMarkers } from './devtools-har.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

let demo: DemoServers;
let ext: LoadedExtension;
let panel: Page;
let dir: string;
let harText: string;
let live: readonly ReportEntry[];

const summary = (entries: readonly ReportEntry[]) =>
  entries
    .filter((e) => e.blocked)
    .map((e) => `${e.method} ${e.url} ${e.corsError} ${e.failedParameter ?? ''}`)
    .sort();

beforeAll(async () => {
  demo = await startDemo(0, 0);
  ext = await launchWithExtension([...DEVTOOLS_ARGS]);
  const client = await ReportClient.open(ext);
  const page = await ext.context.newPage();
  await page.goto(demo.pageOrigin);
  const tabId = await client.tabId(demo.pageOrigin);
  await client.captured(tabId, 'devtools');
  const devtools = await DevToolsHar.attach(page);
  // DevTools records from when it opened: run the demo's requests again now that it listens.
  await runDemoAgain(page);
  harText = await devtools.export();
  // Live capture: what DevTools' network log gave (the worker also counted, without headers, the
  // failures of the page's first load, before DevTools served the tab).
  live = await waitUntil(
    async () => (await client.report(tabId)).entries.filter((e) => e.source === 'devtools'),
    (entries) => new Set(summary(entries)).size >= 6 && entries.every((e) => e.state !== 'pending'),
    { what: 'the demo captured live' },
  );
  dir = mkdtempSync(join(tmpdir(), 'cors-lens-import-'));
  panel = await ext.context.newPage();
  await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
}, 120_000);

afterAll(async () => {
  await ext?.close();
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(name: string, content: string | Buffer | null): Promise<void> {
  const path = join(dir, name);
  if (content !== null) writeFileSync(path, content);
  await panel.locator('input[type="file"]').setInputFiles(path);
}

const rows = () => panel.getByRole('listbox').getByRole('option');

describe('panel: a request nothing recorded', () => {
  test('says what is unknown and how to see it, and claims nothing else', async () => {
    // The demo's first load, before DevTools served the tab: the worker saw only the failures.
    await rows().filter({ hasText: 'not recorded' }).first().click();
    const card = panel.locator('.card');
    expect(await card.locator('.title').textContent()).toBe('Blocked before anything recorded its headers');
    expect(await card.textContent()).toMatch(
      /which rule blocked it, whether a preflight went out and what the server answered are unknown/,
    );
    expect(await card.textContent()).not.toMatch(
      /simple request|no preflight was needed|Credentials were sent/i,
    );
    expect(await card.locator('h3').count()).toBe(0);
  });
});

describe('panel: Fix this server', () => {
  const server = () => panel.locator('.server-fix');
  const rowFor = (scope: ReturnType<Page['locator']>, method: string, path: string) =>
    scope.locator('tr.outcome').filter({ hasText: `${method} ${path}` });
  const then = (scope: ReturnType<Page['locator']>, method: string, path: string) =>
    rowFor(scope, method, path).locator('.then').textContent();

  test("one fix for the demo API, and the engine's word that every request to it passes with it", async () => {
    await rows().filter({ hasText: '/api/orders' }).last().click();
    await expect
      .poll(() => server().locator('.fix-server').textContent())
      .toMatch(/— 7 requests, 6 blocked$/);
    const effect = server().locator('.fix-effect');
    expect(await effect.locator('.outcome-count').textContent()).toBe('7 of 7 requests pass');
    const captured = await effect.locator('tr.outcome .chip').allTextContents();
    expect(captured.filter((c) => c === 'blocked')).toHaveLength(6);
    expect(await effect.locator('tr.outcome .then').allTextContents()).toEqual(Array(7).fill('passes'));
  });

  test('what if: start from what the request got, edit one header, and every verdict follows at once', async () => {
    const whatIf = server().locator('.what-if');
    await whatIf.locator('summary').click();
    await whatIf.getByRole('button', { name: 'Start from what this request got' }).click();
    // The tutorial's answer, given to every request: Authorization and PATCH refused, cookies not allowed.
    expect(await then(whatIf, 'POST', '/api/orders')).toBe(
      'blocked: HeaderDisallowedByPreflightResponse (authorization)',
    );
    expect(await then(whatIf, 'PATCH', '/api/profile')).toBe(
      'blocked: MethodDisallowedByPreflightResponse (PATCH)',
    );
    expect(await then(whatIf, 'GET', '/api/me')).toMatch(/^blocked: .*AllowCredentials/);
    const preflight = whatIf.locator('fieldset').first();
    await preflight.getByLabel('Access-Control-Allow-Headers').fill('Content-Type, Authorization');
    expect(await then(whatIf, 'POST', '/api/orders')).toBe('passes');
    await preflight.getByLabel('Access-Control-Allow-Methods').fill('GET, POST, PUT, DELETE, PATCH');
    expect(await then(whatIf, 'PATCH', '/api/profile')).toBe('passes');
    // The request with cookies needs Access-Control-Allow-Credentials on its response.
    await whatIf.locator('fieldset').last().getByLabel('Access-Control-Allow-Credentials').fill('true');
    expect(await then(whatIf, 'GET', '/api/me')).toBe('passes');
    // A preflight answered 404 refuses every preflighted request, whatever its headers say.
    await preflight.getByLabel('Status').fill('404');
    expect(await then(whatIf, 'POST', '/api/orders')).toBe('blocked: PreflightInvalidStatus');
    expect(await then(whatIf, 'GET', '/api/data')).toBe('passes');
  });

  test('as the merged fix answers, every card passes; an edit taken as the fix renders what was edited', async () => {
    const whatIf = server().locator('.what-if');
    await whatIf.getByRole('button', { name: 'As the merged fix answers' }).click();
    expect(await whatIf.locator('.outcome-count').textContent()).toBe('7 of 7 requests pass');
    // Credentials taken away: the request with cookies is refused again, the others still pass.
    for (const set of await whatIf.locator('fieldset').all())
      await set.getByLabel('Access-Control-Allow-Credentials').fill('');
    expect(await then(whatIf, 'GET', '/api/me')).toBe('blocked: InvalidAllowCredentials');
    expect(await whatIf.locator('.outcome-count').textContent()).toBe('6 of 7 requests pass');
    await panel.getByLabel('Server stack').selectOption('express');
    await whatIf.getByRole('button', { name: 'Use as fix' }).click();
    const code = () => server().locator('.fix-code').textContent();
    // It says what the answer does for every request, warns that one is still refused, and the
    // fix it rendered scrolls into view (the button sits far below it).
    expect(await server().locator('.fix-edited').textContent()).toContain(
      '6 of 7 requests to this server pass with this answer; 1 still blocked: see What if below.',
    );
    expect(await server().locator('.fix-edited').getAttribute('class')).toContain('warning');
    expect(await server().locator('.fix h3').first().textContent()).toBe('Fix from your edited answer');
    await waitUntil(
      () =>
        server().evaluate((el) => {
          const card = el.closest('.card') as HTMLElement;
          return Math.abs(el.getBoundingClientRect().top - card.getBoundingClientRect().top) < 40;
        }),
      (inView) => inView,
      { what: 'the rendered fix scrolled into view' },
    );
    expect(await code()).toContain('"Authorization"');
    expect(await code()).not.toContain('credentials: true');
    await server().getByRole('button', { name: 'Back to the merged fix' }).click();
    expect(await code()).toContain('credentials: true');
  });

  test('the check script downloads from the panel, and the panel says where it went', async () => {
    const [download] = await Promise.all([
      panel.waitForEvent('download'),
      server().getByRole('button', { name: 'Download check script' }).click(),
    ]);
    const script = readFileSync((await download.path()) as string, 'utf8');
    expect(script.split('\n')[0]).toBe('#!/bin/sh');
    expect(script).toContain(`RECORDED='${demo.apiOrigin}'`);
    expect(await server().locator('.saved').textContent()).toContain(download.suggestedFilename());
    // Named after its server, so scripts for several APIs sit side by side.
    const host = new URL(demo.apiOrigin).host.replace(/[^a-z0-9.-]+/gi, '-');
    expect(download.suggestedFilename().startsWith(`cors-check-${host}-`)).toBe(true);
    expect(download.suggestedFilename()).toMatch(/\.sh$/);
  });
});

describe('panel: Open HAR…', () => {
  test('a Chrome DevTools HAR shows the same blocked requests and verdicts as live capture', async () => {
    await open('demo.har', harText);
    await expect
      .poll(() => panel.locator('.imported').textContent())
      .toMatch(/Showing demo\.har \(a Chrome HAR\)/);
    const blockedLive = [...new Set(summary(live))];
    await expect
      .poll(() => panel.locator('.imported').textContent())
      .toContain(`${blockedLive.length} blocked`);
    expect(await rows().count()).toBeGreaterThanOrEqual(blockedLive.length);
    // The first blocked request is selected: its card names Chrome's error and the culprit.
    const card = panel.locator('.card');
    const shownUrl = await card.locator('h2 .url').textContent();
    const match = live.find((e) => e.blocked && e.url === shownUrl);
    expect(match, `card shows ${shownUrl}`).toBeDefined();
    expect(await card.locator('.cors-error').textContent()).toBe(match?.corsError);
    expect(await card.locator('.culprit-table tbody tr').count()).toBe(1);
    // Every blocked row of the file, selected in turn, names the error live capture named.
    const options = await rows().all();
    const fromPanel: string[] = [];
    for (const option of options) {
      await option.click();
      await expect.poll(() => card.locator('h2 .url').textContent()).toBe(await option.getAttribute('title'));
      if ((await card.locator('.cors-error').count()) === 0) continue;
      const error = await card.locator('.cors-error').textContent();
      const param = (await card.locator('.failed-parameter').count())
        ? await card.locator('.failed-parameter').textContent()
        : '';
      fromPanel.push(
        `${await card.locator('.method').textContent()} ${await card.locator('h2 .url').textContent()} ${error} ${param}`,
      );
    }
    expect(fromPanel.sort()).toEqual(blockedLive);
  });

  test('back to live requests', async () => {
    await panel.getByRole('button', { name: 'Back to live requests' }).click();
    await expect.poll(() => panel.locator('.imported').count()).toBe(0);
    expect(await rows().count()).toBeGreaterThanOrEqual(12);
  });

  test("a Firefox HAR (no Chrome markers) leads with Firefox's reason, and says the engine judged", async () => {
    await open('firefox.har', withoutChromeMarkers(harText, 'Firefox'));
    await expect.poll(() => panel.locator('.imported').textContent()).toMatch(/a Firefox HAR/);
    expect(await panel.locator('.imported').textContent()).toMatch(/judged every request from its headers/);
    const names = await panel.locator('.card .names').textContent();
    expect(names).toMatch(/^Firefox: CORS\w+ · Chrome: \w+/);
  });

  test('a UTF-16 HAR (as some Windows tools save it) opens', async () => {
    await open('utf16.har', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(harText, 'utf16le')]));
    await expect
      .poll(() => panel.locator('.imported').textContent())
      .toMatch(/Showing utf16\.har \(a Chrome HAR\)/);
  });

  test.each([
    [
      'truncated.har',
      () => harText.slice(0, harText.length / 3),
      /Could not open truncated\.har: The HAR is cut off/,
    ],
    ['empty.har', () => '', /Could not open empty\.har: The file is empty/],
    ['login.har', () => '<!doctype html><title>Sign in</title>', /HTML or XML, not JSON/],
    ['other.har', () => '{"hello": "world"}', /no "log" object/],
  ])('%s: a message naming what is wrong, and the panel still works', async (name, content, message) => {
    await open(name, content());
    await expect.poll(() => panel.locator('.import-error').textContent()).toMatch(message);
    // Still usable: the previous view stays, and the filter answers.
    await panel.getByLabel('Filter requests').fill('orders');
    await expect.poll(() => rows().count()).toBeGreaterThan(0);
    await panel.getByLabel('Filter requests').fill('');
  });

  test('a HAR over the size limit is refused without being read', async () => {
    const path = join(dir, 'huge.har');
    writeFileSync(path, '');
    truncateSync(path, 300 * 1024 * 1024);
    await panel.locator('input[type="file"]').setInputFiles(path);
    await expect
      .poll(() => panel.locator('.import-error').textContent())
      .toMatch(/300 MB; the limit is 200 MB/);
  });

  test('a CORS Lens JSON report opens too', async () => {
    const [download] = await Promise.all([
      panel.waitForEvent('download'),
      panel.getByRole('button', { name: 'JSON' }).click(),
    ]);
    const path = join(dir, 'report.json');
    await download.saveAs(path);
    await panel.locator('input[type="file"]').setInputFiles(path);
    await expect.poll(() => panel.locator('.imported').textContent()).toMatch(/a CORS Lens report/);
  });
});

describe('panel: empty files and errors that belong to a file', () => {
  test('a HAR with only same-origin requests says the file has none, not "use the page"', async () => {
    const sameOrigin = JSON.stringify({
      log: {
        version: '1.2',
        creator: { name: 'WebInspector', version: '537.36' },
        entries: [
          {
            startedDateTime: new Date().toISOString(),
            time: 3,
            request: { method: 'GET', url: `${demo.pageOrigin}/app.js`, headers: [] },
            response: { status: 200, headers: [] },
          },
        ],
      },
    });
    await open('same-origin.har', sameOrigin);
    await expect.poll(() => panel.locator('.imported').textContent()).toMatch(/Showing same-origin\.har/);
    expect(await panel.locator('.list .empty').textContent()).toBe(
      'This file has no cross-origin request: nothing in it can be blocked by CORS.',
    );
  });

  test("a file's error goes with it: back to live requests, or dismissed", async () => {
    await open('broken.har', '{"log": ');
    await expect.poll(() => panel.locator('.import-error').count()).toBe(1);
    await panel.getByRole('button', { name: 'Back to live requests' }).click();
    await expect.poll(() => panel.locator('.import-error').count()).toBe(0);
    await open('broken.har', '{"log": ');
    await expect.poll(() => panel.locator('.import-error').count()).toBe(1);
    await panel.locator('.import-error').getByRole('button', { name: 'Dismiss' }).click();
    expect(await panel.locator('.import-error').count()).toBe(0);
  });
});
