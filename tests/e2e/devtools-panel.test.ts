/**
 * The CORS panel inside the real DevTools window, fed by DevTools' own network log, read only when
 * someone looks: requests the page made before the panel was first shown are listed when it is,
 * new ones appear as they finish, a card names the line of the page that made the request, and a page that loaded before
 * DevTools recorded it says so and offers to reload it.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEVTOOLS_HANDLE } from '../../extension/shared/page-names.ts';
import {
  CORPUS_FETCH_AT,
  type CorpusServers,
  HOST_RULES,
  PUBLIC_HOSTS,
  startCorpusServers,
} from '../servers/corpus-servers.ts';
import { ALL_SCENARIOS, scenarioById, scenarioUrl } from '../servers/scenarios.ts';
import { fetchFromPage } from './corpus-runner.ts';
import { DEVTOOLS_ARGS } from './devtools-har.ts';
import { DEBUGGING_PORT_ARG, DevToolsWindow } from './devtools-window.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

const EARLY = [
  'pf-header-missing-authorization',
  'simple-missing-acao',
  'simple-allowed',
  'pf-method-missing',
];

let servers: CorpusServers;
let ext: LoadedExtension;
let page: Page;
let client: ReportClient;
let tabId: number;
let devtools: DevToolsWindow;

beforeAll(async () => {
  servers = await startCorpusServers(ALL_SCENARIOS, PUBLIC_HOSTS);
  ext = await launchWithExtension([...DEVTOOLS_ARGS, HOST_RULES, DEBUGGING_PORT_ARG]);
  client = await ReportClient.open(ext);
  page = await ext.context.newPage();
  await page.goto(servers.origins.page);
  tabId = await client.tabId(servers.origins.page);
  await client.captured(tabId, 'devtools');
  devtools = await DevToolsWindow.of(ext, servers.origins.page);
}, 120_000);

afterAll(async () => {
  await devtools?.close();
  await ext?.close();
  await servers?.close();
});

const urlOf = (id: string) => scenarioUrl(scenarioById(id), servers.origins);

/** What the devtools page has read of DevTools' log so far (its own status, as the panel sees it). */
const devtoolsPageEntries = () =>
  devtools.inFrame<number>(
    '/extension/devtools/index.html',
    `window[${JSON.stringify(DEVTOOLS_HANDLE)}].source(${tabId}).status().then((s) => s.entries)`,
  );

test('requests made before the panel is shown are all listed when it is, and new ones follow', async () => {
  // The panel has never been shown: DevTools shows its own first panel while the page makes its requests.
  for (const id of EARLY) await fetchFromPage(page, urlOf(id), scenarioById(id).request);
  // Nobody looked yet: DevTools' log was not read (listening would cost every request), and the
  // badge counted the three blocked ones from the worker's error listener all the same.
  expect(await devtoolsPageEntries()).toBe(0);
  await waitUntil(
    () => client.page.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId),
    (text) => text === '3',
    { what: 'the badge' },
  );
  await devtools.showPanel();
  const rows = await devtools.panelRows(
    (r) => EARLY.every((id) => r.some((row) => row.startsWith(`${urlOf(id)} |`))),
    'the early requests in the panel',
  );
  expect(rows.find((r) => r.startsWith(`${urlOf('pf-header-missing-authorization')} |`))).toMatch(/blocked/);
  expect(rows.find((r) => r.startsWith(`${urlOf('simple-allowed')} |`))).toMatch(/allowed/);
  // Shown, the panel's requests replaced the worker's counts: still three blocked, now with headers.
  await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.filter((e) => e.blocked).length === 3 && r.entries.every((e) => e.source === 'devtools'),
    { what: 'the report from DevTools' },
  );

  const later = 'pf-origin-mismatch';
  await fetchFromPage(page, urlOf(later), scenarioById(later).request);
  await devtools.panelRows(
    (r) => r.some((row) => row.startsWith(`${urlOf(later)} |`)),
    'a new request as a row',
  );
});

test('a page loaded before DevTools recorded it says so, and "Reload to capture" records it whole', async () => {
  // The tab loaded at once, DevTools took seconds to boot: the page's own load is not in its log.
  expect((await client.status(tabId)).capture).toBe('devtools');
  await devtools.showPanel();
  const notice = await waitUntil(
    () => devtools.inPanel<string>(`document.body.textContent`).catch(() => ''),
    (text) => text.includes('DevTools opened after this page loaded'),
    { what: 'the notice', timeoutMs: 15_000 },
  );
  expect(notice).toContain('Reload to capture');
  const reloaded = page.waitForEvent('load');
  await devtools.inPanel(
    `[...document.querySelectorAll('button')].find((b) => b.textContent === 'Reload to capture').click()`,
  );
  await reloaded;
  await waitUntil(
    () => devtools.inPanel<string>(`document.body.textContent`),
    (text) => !text.includes('DevTools opened after this page loaded'),
    { what: 'the notice to go after the reload', timeoutMs: 15_000 },
  );
});

test('failures from before DevTools recorded the page are listed, as not recorded, under the notice', async () => {
  const early = urlOf('simple-missing-acao');
  const url = `${servers.origins.page}/?early=${encodeURIComponent(early)}`;
  const second = await ext.context.newPage();
  // The page fetches while it loads; its DevTools window takes seconds to boot.
  await second.goto(url);
  const tab = await client.tabId(url);
  await waitUntil(
    () => client.report(tab),
    (r) => r.entries.some((e) => e.url === early && e.state === 'not-recorded'),
    { what: "the worker's count of the early failure" },
  );
  const tools = await DevToolsWindow.of(ext, url);
  try {
    // The devtools page of this new window lists it first (what the panel reads).
    const listed = await waitUntil(
      async () =>
        // The worker's report asks the devtools page for its log, as a popup would: it starts reading.
        (await client.report(tab)) &&
        tools
          .inFrame<string[]>(
            '/extension/devtools/index.html',
            `window[${JSON.stringify(DEVTOOLS_HANDLE)}].source(${tab}).report({}).then((r) => r.entries.map((e) => e.url + ' ' + e.state))`,
          )
          .catch(() => [] as string[]),
      (entries) => entries.includes(`${early} not-recorded`),
      { what: "the early failure in the devtools page's log", timeoutMs: 45_000 },
    );
    expect(listed).toContain(`${early} not-recorded`);
    // A new DevTools window adds our panel a while after it opens: under load, give it that while.
    await tools.showPanel('CORS', 45_000);
    const rows = await tools.panelRows(
      (r) => r.some((row) => row.startsWith(`${early} |`)),
      'the early failure in the list',
    );
    expect(rows.find((row) => row.startsWith(`${early} |`))).toMatch(/not recorded/i);
    const text = await tools.inPanel<string>('document.body.textContent');
    expect(text).toContain('DevTools opened after this page loaded');
    expect(text).not.toContain('No cross-origin requests yet');
    // Requests DevTools records from now on are listed beside it; neither takes the other's place.
    const later = urlOf('pf-origin-mismatch');
    await fetchFromPage(second, later, scenarioById('pf-origin-mismatch').request);
    const both = await tools.panelRows(
      (r) => r.some((row) => row.startsWith(`${later} |`)),
      'the new request beside the early failure',
    );
    expect(both.find((row) => row.startsWith(`${early} |`))).toMatch(/not recorded/i);
    expect(both.find((row) => row.startsWith(`${later} |`))).toMatch(/blocked/);
  } finally {
    await tools.close();
    await second.close();
  }
}, 150_000);

test("the card names the line of the page's code that made the request", async () => {
  const id = 'pf-header-missing-authorization';
  await fetchFromPage(page, urlOf(id), scenarioById(id).request);
  await devtools.panelRows((r) => r.some((row) => row.startsWith(`${urlOf(id)} |`)), 'the request as a row');
  await devtools.inPanel(
    `[...document.querySelectorAll('[role="option"]')].find((r) => r.getAttribute('title') === ${JSON.stringify(
      urlOf('pf-header-missing-authorization'),
    )}).click()`,
  );
  const madeBy = await waitUntil(
    () => devtools.inPanel<string>(`document.querySelector('.made-by')?.textContent ?? ''`),
    (text) => text !== '',
    { what: 'the card' },
  );
  expect(madeBy).toBe(`Made by corpusFetch() at (index):${CORPUS_FETCH_AT.line}:${CORPUS_FETCH_AT.column}`);
  // A click shows that line in DevTools' Sources panel.
  await devtools.inPanel(`document.querySelector('.made-by a').click()`);
  await waitUntil(
    () => devtools.selectedPanel(),
    (id) => id === 'sources',
    { what: 'the Sources panel' },
  );
});

test("the panel follows DevTools' theme when the user switches it, without a reload", async () => {
  await devtools.showPanel();
  const theme = () => devtools.inPanel<string>('document.documentElement.dataset.theme');
  const background = () => devtools.inPanel<string>('getComputedStyle(document.body).backgroundColor');
  await devtools.setTheme('dark');
  await waitUntil(theme, (t) => t === 'dark', { what: 'the dark theme in the panel' });
  const dark = await background();
  await devtools.setTheme('light');
  await waitUntil(theme, (t) => t === 'light', { what: 'the light theme in the panel' });
  expect(await background()).not.toBe(dark);
});

test('docked right, as DevTools opens by default, the list keeps its URLs and sits above the card', async () => {
  await devtools.dock('right');
  await devtools.showPanel();
  const id = 'pf-method-missing';
  await fetchFromPage(page, urlOf(id), scenarioById(id).request);
  await devtools.panelRows((r) => r.some((row) => row.startsWith(`${urlOf(id)} |`)), 'the request as a row');
  const layout = await waitUntil(
    () =>
      devtools.inPanel<{ width: number; url: number; urlText: string; listBottom: number; cardTop: number }>(
        `(() => {
          const row = [...document.querySelectorAll('[role="option"]')].find((r) => r.getAttribute('title') === ${JSON.stringify(urlOf(id))});
          const url = row.querySelector('.url');
          return {
            width: innerWidth,
            url: url.getBoundingClientRect().width,
            urlText: url.textContent,
            listBottom: document.querySelector('.list').getBoundingClientRect().bottom,
            cardTop: document.querySelector('.card').getBoundingClientRect().top,
          };
        })()`,
      ),
    (l) => l.width < 700,
    { what: 'the panel docked right, narrower than 700 px' },
  );
  expect(layout.url, JSON.stringify(layout)).toBeGreaterThan(100);
  expect(layout.urlText).toBe(new URL(urlOf(id)).pathname + new URL(urlOf(id)).search);
  expect(layout.cardTop, JSON.stringify(layout)).toBeGreaterThanOrEqual(layout.listBottom - 1);

  // Another request chosen after scrolling down a card: the new card opens at its headline.
  await devtools.inPanel(`(() => {
    const rows = [...document.querySelectorAll('[role="option"]')];
    rows[0].click();
    document.querySelector('.card').scrollTop = 10000;
    rows[1].click();
  })()`);
  const card = await waitUntil(
    () =>
      devtools.inPanel<{ scrollTop: number; titleInView: boolean }>(`(() => {
        const card = document.querySelector('.card');
        const title = card.querySelector('.title, h2');
        const box = card.getBoundingClientRect();
        const t = title.getBoundingClientRect();
        return { scrollTop: card.scrollTop, titleInView: t.top >= box.top - 1 && t.bottom <= box.bottom + 1 };
      })()`),
    (c) => c.titleInView,
    { what: "the new card's headline in view" },
  );
  expect(card.scrollTop).toBe(0);

  // The problem bar wraps: nothing scrolls sideways, every problem is reachable.
  const overflow = await devtools.inPanel<boolean>(`(() => {
    const bar = document.querySelector('.problems');
    return bar.scrollWidth > bar.clientWidth + 1 || bar.scrollHeight > bar.clientHeight + 1;
  })()`);
  expect(overflow).toBe(false);

  // Header names break at their hyphens, at most two lines, with the card 420 or 480 px wide.
  const blocked = 'pf-header-missing-authorization';
  await devtools.inPanel(
    `[...document.querySelectorAll('[role="option"]')].find((r) => r.getAttribute('title') === ${JSON.stringify(urlOf(blocked))}).click()`,
  );
  for (const width of [420, 480]) {
    const lines = await devtools.inPanel<{ stacked: boolean; most: number; name: string }>(`(() => {
      const card = document.querySelector('.card');
      card.style.width = '${width}px';
      card.style.flex = 'none';
      const th = [...card.querySelectorAll('.headers th')];
      const lh = parseFloat(getComputedStyle(th[0]).lineHeight) || 17;
      // The name's own lines (the cell is as tall as the value beside it).
      const textHeight = (el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect().height; };
      const worst = th.reduce((a, b) => (textHeight(b) > textHeight(a) ? b : a));
      const pair = card.querySelector('.pair');
      const cols = pair ? getComputedStyle(pair).gridTemplateColumns.split(' ').length : 1;
      return { stacked: cols === 1, most: Math.round(textHeight(worst) / lh), name: worst.textContent };
    })()`);
    expect(lines.stacked, `${width} px`).toBe(true);
    expect(lines.most, `${width} px: ${lines.name}`).toBeLessThanOrEqual(2);
  }
  await devtools.inPanel(
    `(() => { const c = document.querySelector('.card'); c.style.width = ''; c.style.flex = ''; })()`,
  );
  await devtools.dock('bottom');
});
