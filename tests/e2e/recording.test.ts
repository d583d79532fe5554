/**
 * Capture costs every request while it is armed, so it is armed only while a tab records. A tab
 * that does not record still counts its blocked requests, and the popup's Record turns capture on.
 * Development origins record by themselves only when the `recordDevOrigins` setting asks.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEFAULT_DEV_ORIGINS } from '../../src/capture/dev-origins.ts';
import { type CorpusServers, startCorpusServers } from '../servers/corpus-servers.ts';
import { scenarioById, scenarioUrl } from '../servers/scenarios.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

let servers: CorpusServers;
let ext: LoadedExtension;
let client: ReportClient;
let page: Page;
let tabId: number;

const badge = (id: number) => client.page.evaluate((t) => chrome.action.getBadgeText({ tabId: t }), id);
const fetchFrom = (p: Page, url: string, init: RequestInit = {}) =>
  p.evaluate(
    ([u, i]) =>
      fetch(u as string, i as RequestInit).then(
        (r) => r.status,
        (e) => String(e),
      ),
    [url, init] as const,
  );

beforeAll(async () => {
  servers = await startCorpusServers();
  ext = await launchWithExtension();
  client = await ReportClient.open(ext);
  page = await ext.context.newPage();
  await page.goto(servers.origins.page);
  tabId = await client.tabId(servers.origins.page);
});

afterAll(async () => {
  await ext?.close();
  await servers?.close();
});

test('by default a localhost page does not record', async () => {
  expect(await client.settings({})).toMatchObject({ recordDevOrigins: false });
  expect(await client.status(tabId)).toMatchObject({ capture: 'none', recording: false, reasons: [] });
});

test('with no tab recording, capture is not armed, and a blocked request is still counted', async () => {
  const status = await waitUntil(
    () => client.status(tabId),
    (s) => !s.recording && !s.armed,
    { what: 'capture off' },
  );
  expect(status.reasons).toEqual([]);
  await fetchFrom(page, scenarioUrl(scenarioById('simple-missing-acao'), servers.origins));
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.length === 1,
    { what: 'an entry' },
  );
  expect(entries[0]).toMatchObject({ state: 'not-recorded', blocked: true, corsError: null });
  expect(entries[0]?.explanation).toMatch(/Record and reload/);
  expect(await badge(tabId)).toBe('1');
});

test('Record arms capture for that tab; stopping disarms it', async () => {
  const on = await client.page.evaluate(
    (id) => chrome.runtime.sendMessage({ type: 'cors:record', tabId: id, recording: true }),
    tabId,
  );
  expect(on).toMatchObject({ recording: true, reasons: ['user'], armed: true });
  const url = scenarioUrl(scenarioById('pf-header-missing-authorization'), servers.origins);
  await fetchFrom(page, url, { headers: { Authorization: 'Bearer t' } });
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.some((e) => e.url === url && e.state !== 'pending'),
    {
      what: 'the recorded entry',
    },
  );
  expect(entries.find((e) => e.url === url)).toMatchObject({
    state: 'failed',
    blocked: true,
    corsError: 'HeaderDisallowedByPreflightResponse',
    failedParameter: 'authorization',
  });
  expect(await badge(tabId)).toBe('2');
  const off = await client.page.evaluate(
    (id) => chrome.runtime.sendMessage({ type: 'cors:record', tabId: id, recording: false }),
    tabId,
  );
  expect(off).toMatchObject({ recording: false, armed: false });
});

test('an open CORS panel makes its tab record, until it closes', async () => {
  // The panel connects a port named after the inspected tab; an extension page does the same here.
  await client.page.evaluate((id) => {
    (globalThis as unknown as { panelPort: chrome.runtime.Port }).panelPort = chrome.runtime.connect({
      name: `panel:${id}`,
    });
  }, tabId);
  await waitUntil(
    () => client.status(tabId),
    (s) => s.reasons.includes('panel-open') && s.armed,
    { what: 'panel recording' },
  );
  await client.page.evaluate(() =>
    (globalThis as unknown as { panelPort: chrome.runtime.Port }).panelPort.disconnect(),
  );
  await waitUntil(
    () => client.status(tabId),
    (s) => !s.recording && !s.armed,
    { what: 'recording to stop' },
  );
});

test('recordDevOrigins makes development-origin tabs record, by the devOrigins patterns', async () => {
  await client.settings({ recordDevOrigins: true });
  await waitUntil(
    () => client.status(tabId),
    (s) => s.reasons.includes('development-origin') && s.armed,
    { what: 'the localhost tab to record' },
  );
  const defaults = (await client.settings({})).devOrigins;
  await client.settings({ devOrigins: ['*.nothing.invalid'] });
  await waitUntil(
    () => client.status(tabId),
    (s) => !s.recording && !s.armed,
    { what: 'recording to stop when localhost is no longer a development origin' },
  );
  await client.settings({ devOrigins: defaults });
  await page.reload();
  await waitUntil(
    () => client.status(tabId),
    (s) => s.reasons.includes('development-origin') && s.armed,
    { what: 'the reloaded tab to record' },
  );
  await client.settings({ recordDevOrigins: false });
  await waitUntil(
    () => client.status(tabId),
    (s) => !s.recording && !s.armed,
    { what: 'recording to stop with the setting off' },
  );
});

test('recording started after the page loaded says the earlier requests are missing, until a reload', async () => {
  const late = await ext.context.newPage();
  await late.goto(`${servers.origins.page}/?late=1`);
  const lateTab = await client.tabId(`${servers.origins.page}/?late=1`);
  expect((await client.status(lateTab)).recordingAfterPage).toBeUndefined();
  await client.record(lateTab, true);
  expect((await client.status(lateTab)).recordingAfterPage).toBe(true);
  const popup = await ext.context.newPage();
  await popup.goto(ext.url(`extension/popup/index.html?tabId=${lateTab}`));
  await waitUntil(
    () => popup.locator('.notice').allTextContents(),
    (texts) => texts.some((t) => t.startsWith('Recording started after this page began loading')),
    { what: 'the popup to say so' },
  );
  await late.reload();
  await waitUntil(
    () => client.status(lateTab),
    (s) => s.recording && !s.recordingAfterPage,
    { what: 'the notice to go once the page loaded while recording' },
  );
  await client.record(lateTab, false);
  await popup.close();
  await late.close();
});

test('the popup, nothing recording and DevTools closed: failures counted as what they are, the badge says what it counts', async () => {
  const blockedUrl = scenarioUrl(scenarioById('simple-missing-acao'), servers.origins);
  const url = `${servers.origins.page}/?unexplained=1&early=${encodeURIComponent(blockedUrl)}`;
  const tab = await ext.context.newPage();
  await tab.goto(url);
  const tabId = await client.tabId(url);
  await waitUntil(
    () => client.status(tabId),
    (s) => s.blocked === 1 && !s.recording,
    { what: 'the failure counted' },
  );
  const popup = await ext.context.newPage();
  await popup.goto(ext.url(`extension/popup/index.html?tabId=${tabId}`));
  await popup.locator('.blocked-count').waitFor();
  // Not "1 problem": nobody has explained it yet.
  expect(await popup.locator('.count').textContent()).toBe(
    '1 blocked request in this tab, made while nothing recorded why.',
  );
  expect(await popup.locator('.problem-count').count()).toBe(0);
  // The reason line is not repeated under the request, and DevTools is offered since it is closed.
  expect(await popup.locator('.latest .why').count()).toBe(0);
  expect(await popup.locator('main').textContent()).toContain('Open DevTools (F12)');
  expect(await client.page.evaluate((id) => chrome.action.getTitle({ tabId: id }), tabId)).toBe(
    'CORS Lens: blocked cross-origin requests in this tab: 1',
  );
  await popup.close();
  await tab.close();
});

test('the options page: each change applies (a typed one once committed), a pattern that is not one is named and not saved', async () => {
  const options = await ext.context.newPage();
  await options.goto(ext.url('extension/options/index.html'));
  const status = () => client.status(tabId);
  await options.getByLabel('Record tabs on a development origin while DevTools is closed').check();
  await waitUntil(status, (s) => s.reasons.includes('development-origin'), {
    what: 'the localhost tab to record as a development origin',
  });

  const patterns = options.getByLabel('Patterns, one per line');
  await patterns.fill('*.test\nhttp://app.test:8080/');
  expect(await options.locator('.errors').textContent()).toContain(
    'http://app.test:8080/: A host, not a URL: leave out the scheme (http://) and path.',
  );
  // Not saved while a line is wrong: localhost still records.
  expect((await client.settings({})).devOrigins).toContain('localhost');
  await patterns.fill('*.test');
  await waitUntil(
    async () => (await client.settings({})).devOrigins,
    (o) => o.length === 1 && o[0] === '*.test',
    { what: 'the patterns saved' },
  );
  await waitUntil(status, (s) => !s.reasons.includes('development-origin'), {
    what: 'localhost to stop recording once no pattern matches it',
  });
  const testUrl = options.getByLabel('Test a page URL');
  await testUrl.fill('http://api.test:8080/orders');
  expect(await options.locator('.match').textContent()).toBe('A development origin: it matches *.test');
  await testUrl.fill(servers.origins.page);
  expect(await options.locator('.match').textContent()).toBe(
    'Not a development origin: no pattern matches its host.',
  );

  await options.getByLabel('Requests kept per tab').fill('50');
  expect(await options.locator('.errors').textContent()).toMatch(/Choose a number from 100–20,000/);
  expect((await client.settings({})).ringSize).toBe(1000);
  await options.getByLabel('Requests kept per tab').fill('5000');
  await waitUntil(
    async () => (await client.settings({})).ringSize,
    (n) => n === 5000,
    { what: 'the ring size saved' },
  );
  await options.getByLabel('Server stack for fixes').selectOption('nginx');
  await options.getByLabel(/Redact secrets in exports by default/).uncheck();
  await waitUntil(
    () => client.settings({}),
    (s) => s.stack === 'nginx' && !s.redact,
    { what: 'stack and redaction saved' },
  );
  // The panel opens with them.
  const panel = await ext.context.newPage();
  await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
  await waitUntil(
    () => panel.getByLabel('Redact secrets').isChecked(),
    (checked) => !checked,
    { what: 'the panel to start unredacted' },
  );
  // And hears a change made elsewhere while it is open.
  await client.settings({ preserveLog: true });
  await waitUntil(
    () => panel.getByLabel('Preserve log').isChecked(),
    (checked) => checked,
    { what: 'the open panel to hear the change' },
  );
  await client.settings({ preserveLog: false });
  await panel.close();
  await options.close();
  await client.settings({
    recordDevOrigins: false,
    devOrigins: [...DEFAULT_DEV_ORIGINS],
    ringSize: 1000,
    stack: null,
    redact: true,
  });
});

test('a ring size typed key by key while the page keeps making requests loses no entry; keeping fewer is asked first', async () => {
  await client.record(tabId, true);
  await waitUntil(
    () => client.status(tabId),
    (s) => s.recording && s.armed,
    { what: 'the tab to record' },
  );
  const url = scenarioUrl(scenarioById('simple-allowed'), servers.origins);
  const burst = (n: number, from: number) =>
    page.evaluate(
      async ([u, count, first]) => {
        for (let i = 0; i < count; i++) await fetch(`${u}&i=${first + i}`).catch(() => {});
      },
      [url, n, from] as const,
    );
  const settled = (n: number) =>
    waitUntil(
      () => client.report(tabId),
      (r) =>
        r.entries.filter((e) => e.url.startsWith(`${url}&i=`)).length === n &&
        r.entries.every((e) => e.state !== 'pending'),
      { what: `${n} entries`, timeoutMs: 30_000 },
    );
  await burst(300, 0);
  await settled(300);

  const options = await ext.context.newPage();
  await options.goto(ext.url('extension/options/index.html'));
  const field = options.getByLabel('Requests kept per tab');
  await field.click();
  await field.press('ControlOrMeta+A');
  // "2000" over "1000", one key at a time, passes through "200": saved then, it trimmed the log.
  const during = burst(20, 300);
  await field.pressSequentially('2000', { delay: 120 });
  await field.press('Enter');
  await during;
  await waitUntil(
    async () => (await client.settings({})).ringSize,
    (n) => n === 2000,
    { what: 'the ring size saved on Enter' },
  );
  await burst(5, 320);
  await settled(325);

  // Keeping fewer is asked first, says what goes, and drops nothing until confirmed.
  await field.fill('100');
  await field.press('Enter');
  const warning = options.getByRole('alert');
  // The numbers are written in the browser's locale: 2,000 or 2.000 or 2 000.
  await expect.poll(() => warning.textContent()).toMatch(/From 2\D?000 requests per tab to 100/);
  expect(await warning.textContent()).toContain('drops its oldest requests beyond that number');
  expect((await client.settings({})).ringSize).toBe(2000);
  await settled(325);
  await options.getByRole('button', { name: 'Keep 100' }).click();
  await waitUntil(
    async () => (await client.settings({})).ringSize,
    (n) => n === 100,
    { what: 'the smaller ring size saved once confirmed' },
  );
  await burst(1, 400);
  const { entries } = await settled(100);
  // What went is the oldest: the newest 100 stay, the last one made among them.
  const kept = entries
    .filter((e) => e.url.startsWith(`${url}&i=`))
    .map((e) => Number(new URL(e.url).searchParams.get('i')));
  // Made: i = 0–324, then 400. The newest hundred: 226–324 and 400.
  expect(kept).toHaveLength(100);
  expect(Math.min(...kept)).toBe(226);
  expect(kept).toContain(400);
  await options.close();
  await client.settings({ ringSize: 1000 });
  await client.record(tabId, false);
});

test('a new page in the tab starts a new log, and a closed tab frees its data', async () => {
  await page.reload();
  await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.length === 0,
    { what: 'the log to be cleared' },
  );
  expect(await badge(tabId)).toBe('');
  await fetchFrom(page, scenarioUrl(scenarioById('simple-missing-acao'), servers.origins));
  await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.length === 1,
    { what: 'an entry' },
  );
  await page.close();
  await waitUntil(
    () => client.status(tabId),
    (s) => s.entries === 0,
    { what: 'the closed tab to be freed' },
  );
  const keys = await client.page.evaluate(() => chrome.storage.session.get(null).then(Object.keys));
  expect(keys.filter((k) => k.includes(`:${tabId}`))).toEqual([]);
});
