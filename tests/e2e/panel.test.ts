/**
 * The DevTools panel, opened as a page with ?tabId=, as a user sees it: the culprit and the
 * explanation for each kind of failure (Chrome's CDP verdict is the expected value), the keyboard,
 * the theme, the popup and badge counts, exports that round-trip, markup shown as text, and a
 * panel that follows a restarted service worker.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROBLEMS_SHOWN } from '../../extension/shared/page-names.ts';
import { readJsonReport } from '../../src/report/json.ts';
import { type CorpusServers, startCorpusServers } from '../servers/corpus-servers.ts';
import { scenarioById, scenarioUrl, XSS } from '../servers/scenarios.ts';
import { type CallResult, NetworkWatcher, runScenario } from './corpus-runner.ts';
import { type LoadedExtension, launchWithExtension, stopServiceWorker, workerStopped } from './extension.ts';
import { openRecordingTab, ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

const FAILURES = [
  'pf-header-missing-authorization',
  'pf-method-missing',
  'simple-missing-acao',
  'pf-origin-mismatch',
  'cred-missing-acac',
  'pf-404-no-cors',
  'simple-acao-two-lines',
  'pf-redirect-301',
  'pf-headers-invalid',
] as const;
const XSS_SCENARIOS = ['xss-allow-origin', 'xss-allow-headers', 'xss-header-values'] as const;

let servers: CorpusServers;
let ext: LoadedExtension;
let client: ReportClient;
let page: Page;
let panel: Page;
let tabId: number;
let watcher: NetworkWatcher;
const chromeVerdicts = new Map<string, CallResult['chrome']>();
const dialogs: string[] = [];

beforeAll(async () => {
  servers = await startCorpusServers();
  ext = await launchWithExtension();
  ext.context.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  client = await ReportClient.open(ext);
  ({ page, tabId } = await openRecordingTab(ext, client, servers.origins.page));
  watcher = await NetworkWatcher.attach(page);
  for (const id of [...FAILURES, ...XSS_SCENARIOS]) {
    const [call] = await runScenario(page, watcher, scenarioById(id), servers.origins, servers.log);
    if (call) chromeVerdicts.set(id, call.chrome);
  }
  panel = await ext.context.newPage();
  await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
  await waitUntil(
    () => panel.getByRole('listbox').getByRole('option').count(),
    (n) => n >= FAILURES.length + XSS_SCENARIOS.length,
    { what: 'rows' },
  );
}, 120_000);

afterAll(async () => {
  await ext?.close();
  await servers?.close();
});

async function select(id: string): Promise<void> {
  const url = scenarioUrl(scenarioById(id), servers.origins);
  await panel.locator(`[role="option"][title="${url}"]`).click();
  await waitUntil(
    () => panel.locator('.card h2 .url').textContent(),
    (t) => t === url,
    { what: `card for ${id}` },
  );
}

describe('verdict card', () => {
  test.each(FAILURES)('%s: the culprit and explanation Chrome would give', async (id) => {
    await select(id);
    const expected = chromeVerdicts.get(id);
    expect(expected?.blocked).toBe(true);
    expect(await panel.locator('.card .cors-error').textContent()).toBe(expected?.corsError);
    if (expected?.failedParameter) {
      expect(await panel.locator('.card .failed-parameter').textContent()).toBe(expected.failedParameter);
    }
    expect(await panel.locator('.card .firefox-reason').count()).toBe(1);
    expect((await panel.locator('.card .explanation').textContent())?.length).toBeGreaterThan(40);
    expect(await panel.locator('.card .culprit-table tbody tr').count()).toBe(1);
    // The culprit header is marked in the headers the server sent.
    const field = (await panel.locator('.culprit-table td code').first().textContent()) ?? '';
    if (field.startsWith('Access-Control') && !(await panel.locator('.culprit-table .received em').count())) {
      expect(await panel.locator('.headers tr.culprit').count()).toBeGreaterThan(0);
    }
  });

  test('why there was a preflight is said in words', async () => {
    await select('pf-method-missing');
    const reasons = await panel.locator('.card .reasons li').allTextContents();
    expect(reasons.join(' ')).toMatch(/PATCH is not GET, HEAD or POST/);
  });

  test('a preflight answered 404 says nothing answers OPTIONS there', async () => {
    await select('pf-404-no-cors');
    expect(await panel.locator('.card .findings').textContent()).toMatch(
      /nothing on the server answers OPTIONS/,
    );
  });
});

describe('fix', () => {
  test('the card shows the fix for the chosen stack, remembered after a reload', async () => {
    await select('pf-header-missing-authorization');
    const code = () => panel.locator('.fix-code').textContent();
    expect(await code()).toContain('app.use(cors(corsOptions));');
    expect(await code()).toContain('"Authorization"');
    await panel.getByLabel('Server stack').selectOption('nginx');
    expect(await code()).toContain(
      `add_header Access-Control-Allow-Origin "${servers.origins.page}" always;`,
    );
    await panel.reload();
    await select('pf-header-missing-authorization');
    expect(await panel.getByLabel('Server stack').inputValue()).toBe('nginx');
    const [md] = await Promise.all([
      panel.waitForEvent('download'),
      panel.getByRole('button', { name: 'Markdown' }).click(),
    ]);
    const markdown = readFileSync((await md.path()) as string, 'utf8');
    expect(markdown, markdown.slice(0, 3000)).toContain('Fix (nginx)');
  });

  test('two requests to one server show the same fix: merged from every request to it', async () => {
    await panel.getByLabel('Server stack').selectOption('express');
    await select('pf-header-missing-authorization');
    const first = await panel.locator('.fix-code').textContent();
    expect(await panel.locator('.fix-server').textContent()).toMatch(
      new RegExp(
        `One fix for every request to this server.*${servers.origins.api.replace(/[.:/]/g, '\\$&')} — \\d+ requests, \\d+ blocked`,
      ),
    );
    await select('pf-method-missing');
    expect(await panel.locator('.fix-code').textContent()).toBe(first);
    // What each of them needs is in it: Authorization for one, the refused method for the other.
    expect(first).toContain('"Authorization"');
    expect(first).toMatch(/methods: \[[^\]]*"(PUT|PATCH|DELETE)"/);
  });
});

describe('security lint', () => {
  test('a request that works through a risky configuration says so', async () => {
    await select('xss-header-values');
    expect(await panel.locator('.card .chip').first().textContent()).toBe('allowed');
    expect(await panel.locator('.card .risks').textContent()).toMatch(/no "Vary: Origin"/);
  });
});

describe('list', () => {
  test('keyboard: arrows move the selection, the card follows', async () => {
    await select('pf-header-missing-authorization');
    const list = panel.getByRole('listbox');
    await list.focus();
    const before = await panel.locator('[role="option"][aria-selected="true"]').getAttribute('title');
    await panel.keyboard.press('ArrowDown');
    const after = await panel.locator('[role="option"][aria-selected="true"]').getAttribute('title');
    expect(after).not.toBe(before);
    expect(await panel.locator('.card h2 .url').textContent()).toBe(after);
    expect(await list.getAttribute('aria-activedescendant')).toMatch(/^row-/);
  });

  test('filters: blocked only, and text', async () => {
    const all = await panel.getByRole('listbox').getByRole('option').count();
    await panel.getByLabel('Blocked only').check();
    const blocked = await panel.getByRole('listbox').getByRole('option').count();
    expect(blocked).toBeLessThan(all);
    await panel.getByLabel('Filter requests').fill('MethodDisallowed');
    await waitUntil(
      () => panel.getByRole('listbox').getByRole('option').count(),
      (n) => n === 1,
      { what: 'one row' },
    );
    await panel.getByLabel('Filter requests').fill('');
    await panel.getByLabel('Blocked only').uncheck();
  });

  test('problems: the blocked requests grouped by server, error and culprit; one chosen shows its requests', async () => {
    const { problems } = await client.report(tabId);
    const biggest = [...(problems ?? [])].sort((a, b) => b.count - a.count)[0];
    if (!biggest) throw new Error('no problems');
    expect(biggest.count).toBeGreaterThan(1);
    expect(await panel.locator('.problems-count').textContent()).toMatch(
      new RegExp(`^${problems?.length} problems · \\d+ blocked requests$`),
    );
    // The first few are shown; "N more problems" shows the rest, and nothing scrolls sideways.
    const all = problems?.length ?? 0;
    expect(await panel.locator('button.problem').count()).toBe(Math.min(all, PROBLEMS_SHOWN));
    if (all > PROBLEMS_SHOWN) {
      expect(await panel.locator('.problems button.more').textContent()).toBe(
        `${all - PROBLEMS_SHOWN} more problems`,
      );
      await panel.locator('.problems button.more').click();
    }
    expect(await panel.locator('button.problem').count()).toBe(all);
    expect(await panel.locator('.problems').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(
      true,
    );
    const button = panel.locator('button.problem').nth(problems?.indexOf(biggest) ?? 0);
    await button.click();
    await waitUntil(
      () => panel.getByRole('listbox').getByRole('option').count(),
      (n) => n === biggest.count,
      { what: `the ${biggest.count} requests of the problem` },
    );
    expect(await button.getAttribute('aria-pressed')).toBe('true');
    // The card shows the first of them, and says how many more the same fix covers.
    expect(await panel.locator('.card .problem-line').textContent()).toContain(
      `blocked ${biggest.count - 1} other`,
    );
    // The list says it shows one problem, which, and offers the way back.
    expect(await panel.locator('.filtered').textContent()).toContain(`Showing only ${biggest.count}×`);
    await panel.locator('.filtered button.clear').click();
    expect(await panel.locator('.filtered').count()).toBe(0);
    const { entries } = await client.report(tabId);
    await waitUntil(
      () => panel.getByRole('listbox').getByRole('option').count(),
      (n) => n === entries.length,
      { what: 'every request again' },
    );
  });

  test("docked at the bottom (about 250 px, Firefox's default): the list and the card's verdict in sight, every problem one click away", async () => {
    const short = await ext.context.newPage();
    try {
      await short.setViewportSize({ width: 1280, height: 250 });
      await short.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
      const options = short.getByRole('listbox').getByRole('option');
      await waitUntil(
        () => options.count(),
        (n) => n >= FAILURES.length,
        { what: 'the list in the short panel' },
      );
      await options.first().click();
      const inSight = (selector: string) =>
        short
          .locator(selector)
          .first()
          .evaluate((el) => {
            const r = el.getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
          });
      // One line of problems: the first, cut to fit, and "N more".
      const { problems } = await client.report(tabId);
      const all = problems?.length ?? 0;
      expect(await short.locator('button.problem').count()).toBe(Math.min(all, 1));
      expect(
        await short.locator('.problems').evaluate((el) => el.getBoundingClientRect().height),
      ).toBeLessThan(40);
      expect(await inSight('.card .title')).toBe(true);
      expect(await inSight('[role="option"]')).toBe(true);
      // The strip is no scroll area (Firefox hides a scrollbar until hovered): the rest is behind a button, in sight.
      expect(await short.locator('.problems').evaluate((el) => getComputedStyle(el).overflowY)).toBe(
        'visible',
      );
      if (all > 1) {
        expect(await inSight('.problems button.more')).toBe(true);
        await short.locator('.problems button.more').click();
        expect(await short.locator('button.problem').count()).toBe(all);
      }
    } finally {
      await short.close();
    }
  });

  test('the filter finds culprit headers, headers the page sent and Firefox reasons; no match says so', async () => {
    const { entries } = await client.report(tabId);
    const rowCount = () => panel.getByRole('listbox').getByRole('option').count();
    const filterTo = async (text: string, expected: number) => {
      await panel.getByLabel('Filter requests').fill(text);
      await waitUntil(rowCount, (n) => n === expected, { what: `${expected} rows for "${text}"` });
    };
    const culpritAcah = entries.filter((e) => e.verdict?.culprit?.field === 'Access-Control-Allow-Headers');
    expect(culpritAcah.length).toBeGreaterThan(0);
    await filterTo('access-control-allow-headers', culpritAcah.length);
    const sentAuthorization = entries.filter((e) =>
      [...(e.requestHeaders ?? []), ...(e.preflight?.requestHeaders ?? [])].some(
        (h) => h.name.toLowerCase() === 'authorization' || /authorization/i.test(h.value),
      ),
    );
    expect(sentAuthorization.length).toBeGreaterThan(0);
    await filterTo('Authorization', sentAuthorization.length);
    await filterTo(
      'CORSMissingAllowOrigin',
      entries.filter((e) => e.firefoxReason === 'CORSMissingAllowOrigin').length,
    );
    await filterTo('zzz-nothing', 0);
    expect(await panel.locator('.list .empty').textContent()).toMatch(/^No request matches “zzz-nothing”\./);
    await panel.getByRole('button', { name: /^Show all requests/ }).click();
    await waitUntil(rowCount, (n) => n === entries.length, { what: 'all rows again' });
  });

  test('the theme follows the request (DevTools theme inside DevTools)', async () => {
    const dark = await ext.context.newPage();
    await dark.goto(ext.url(`extension/panel/index.html?tabId=${tabId}&theme=dark`));
    expect(await dark.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(32, 33, 36)');
    await dark.close();
  });
});

describe('untrusted text', () => {
  test('markup from servers shows as text and never runs', async () => {
    for (const id of XSS_SCENARIOS) {
      await select(id);
      const text = await panel.locator('.card').textContent();
      if (id === 'xss-allow-origin') expect(text).toContain(XSS.img);
      if (id === 'xss-allow-headers') expect(text).toContain(XSS.script);
      if (id === 'xss-header-values') expect(text).toContain(XSS.svg);
    }
    expect(await panel.locator('.card img, .card script, .card svg, .card iframe').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});

describe('popup and badge', () => {
  test('the popup count and the badge equal the blocked requests of the report', async () => {
    const { entries } = await client.report(tabId);
    const blocked = entries.filter((e) => e.blocked).length;
    expect(blocked).toBeGreaterThanOrEqual(FAILURES.length);
    const popup = await ext.context.newPage();
    await popup.goto(ext.url(`extension/popup/index.html?tabId=${tabId}`));
    await waitUntil(
      () => popup.locator('.blocked-count').textContent(),
      (t) => t === String(blocked),
      { what: 'popup count' },
    );
    expect(await client.page.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId)).toBe(
      String(blocked),
    );
    // Grouped as the report groups them: "N problems · M blocked requests".
    const { problems } = await client.report(tabId);
    expect(problems?.length).toBeGreaterThan(1);
    expect(problems?.length).toBeLessThan(blocked);
    expect(await popup.locator('.problem-count').textContent()).toBe(String(problems?.length));
    expect(await popup.locator('.problems li').first().textContent()).toMatch(/^\d+× \w+/);
    expect(await popup.locator('.latest li').count()).toBeGreaterThan(0);
    expect(await popup.locator('.latest').textContent()).not.toContain('`');
    await popup.close();
  });
});

describe('exports', () => {
  test('JSON re-reads into the same entries (redaction off), Markdown and HTML carry the failures as text', async () => {
    await panel.getByLabel('Redact secrets').uncheck();
    expect(await panel.getByRole('alert').first().textContent()).toMatch(/Share them with care/);
    const [json] = await Promise.all([
      panel.waitForEvent('download'),
      panel.getByRole('button', { name: 'JSON' }).click(),
    ]);
    const read = readJsonReport(readFileSync((await json.path()) as string, 'utf8'));
    // The panel says where the file went.
    expect(await panel.locator('.export .saved').textContent()).toBe(
      `Saved to your downloads folder as ${json.suggestedFilename()}`,
    );
    const { entries } = await client.report(tabId);
    expect(read.ok).toBe(true);
    if (read.ok) expect(read.report.entries.map((e) => e.id).sort()).toEqual(entries.map((e) => e.id).sort());
    if (read.ok) expect(read.report.entries.find((e) => e.blocked)).toEqual(entries.find((e) => e.blocked));
    await panel.getByLabel('Redact secrets').check();

    const [md] = await Promise.all([
      panel.waitForEvent('download'),
      panel.getByRole('button', { name: 'Markdown' }).click(),
    ]);
    const markdown = readFileSync((await md.path()) as string, 'utf8');
    expect(markdown).toContain('HeaderDisallowedByPreflightResponse');
    expect(markdown).toContain('curl -i -X OPTIONS');
    expect(markdown).not.toContain('Bearer secret-token');

    const [html] = await Promise.all([
      panel.waitForEvent('download'),
      panel.getByRole('button', { name: 'HTML' }).click(),
    ]);
    const viewer = await ext.context.newPage();
    const violations: string[] = [];
    viewer.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    // Downloads are saved without their extension: load the file's text as the document.
    await viewer.setContent(readFileSync((await html.path()) as string, 'utf8'));
    expect(await viewer.locator('h1').textContent()).toBe('CORS Lens report');
    expect(await viewer.locator('body').textContent()).toContain(XSS.script);
    expect(await viewer.locator('body img, body script, body svg, body iframe').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await viewer.close();
  });
});

describe('worker restarts', () => {
  test('the panel reconnects by itself and keeps updating', async () => {
    await stopServiceWorker(ext, page);
    await waitUntil(
      () => workerStopped(ext),
      (stopped) => stopped,
      { what: 'the worker to stop' },
    );
    const url = scenarioUrl(scenarioById('simple-allowed'), servers.origins);
    await page.evaluate((u) => fetch(u).then((r) => r.status), url);
    await waitUntil(
      () => panel.locator(`[role="option"][title="${url}"]`).count(),
      (n) => n === 1,
      {
        what: 'the new request in the panel',
        timeoutMs: 15_000,
      },
    );
  });
});
