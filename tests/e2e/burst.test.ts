/**
 * A 10,000-request burst with 50 in flight, through the loaded extension: every entry the ring
 * keeps has its own preflight (its verdict is Chrome's), and what the ring dropped is counted and
 * shown in the panel.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { corsUnsafeRequestHeaders } from '../../src/index.ts';
import { pageHandler } from '../servers/corpus-servers.ts';
import { type Listening, listenLoopback } from '../servers/listen.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { NetworkWatcher, type RequestTrace } from './corpus-runner.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { openRecordingTab, ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

const TOTAL = 10_000;
let pageServer: Listening;
let api: Listening;
let ext: LoadedExtension;
let client: ReportClient;
let page: Page;
let tabId: number;

beforeAll(async () => {
  pageServer = await listenLoopback(pageHandler);
  api = await listenLoopback(policyHandler);
  ext = await launchWithExtension();
  client = await ReportClient.open(ext);
  ({ page, tabId } = await openRecordingTab(ext, client, `http://localhost:${pageServer.port}/`));
});

afterAll(async () => {
  await ext?.close();
  await pageServer?.close();
  await api?.close();
});

const unsafeOf = (headers: Record<string, string>) =>
  corsUnsafeRequestHeaders(
    Object.entries(headers)
      .filter(([n]) => n.toLowerCase() !== 'user-agent')
      .map(([name, value]) => ({ name, value })),
  )
    .flatMap((r) => (r.kind === 'header' ? [r.name] : []))
    .join(',');

test('10,000 requests, 50 in flight: kept entries are paired right, drops counted and shown', async () => {
  const watcher = await NetworkWatcher.attach(page);
  const prefix = `http://127.0.0.1:${api.port}/burst/`;
  // Six kinds of request share each URL: same URL, different methods and headers.
  await page.evaluate(
    ([p, total]) => {
      const kinds: { method: string; headers: Record<string, string> }[] = [
        { method: 'GET', headers: {} },
        { method: 'PUT', headers: { 'Content-Type': 'application/json' } },
        { method: 'PUT', headers: { 'X-Trace': 'a' } },
        { method: 'PATCH', headers: {} },
        { method: 'DELETE', headers: {} },
        { method: 'POST', headers: { Authorization: 'Bearer t', 'Content-Type': 'text/plain' } },
      ];
      let next = 0;
      async function lane() {
        while (next < (total as number)) {
          const i = next++;
          const kind = kinds[i % kinds.length] as { method: string; headers: Record<string, string> };
          const url = `${p}${Math.floor(i / kinds.length)}`;
          await fetch(url, {
            method: kind.method,
            headers: kind.headers,
            body: kind.method === 'GET' ? undefined : 'x',
          })
            .then((r) => r.text())
            .catch(() => 'blocked');
        }
      }
      return Promise.all(Array.from({ length: 50 }, lane));
    },
    [prefix, TOTAL] as const,
  );
  await waitUntil(
    async () => watcher.unfinished(prefix),
    (n) => n === 0,
    { what: 'the burst', timeoutMs: 60_000 },
  );
  const chrome = new Map<string, RequestTrace>();
  for (const t of watcher.finished(prefix)) chrome.set(`${t.url} ${t.method} ${unsafeOf(t.headers)}`, t);
  expect(chrome.size).toBe(TOTAL);

  const report = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.every((e) => e.state !== 'pending') && r.entries.length + r.dropped >= TOTAL,
    { what: 'the log to settle', timeoutMs: 120_000 },
  );
  const kept = report.entries.filter((e) => e.url.startsWith(prefix));
  expect(kept.length).toBe(1000); // the default ring
  expect(report.dropped).toBe(TOTAL - kept.length);
  const wrong: string[] = [];
  for (const e of kept) {
    const unsafe = (e.verdict?.preflight.reasons ?? [])
      .flatMap((r) => (r.kind === 'header' ? [r.name] : []))
      .join(',');
    const trace = chrome.get(`${e.url} ${e.method} ${unsafe}`);
    const asked = e.preflight?.requestHeaders.find(
      (h) => h.name.toLowerCase() === 'access-control-request-method',
    )?.value;
    if (!trace?.done) wrong.push(`${e.url} ${e.method} [${unsafe}]: no such request`);
    else if (trace.done.blocked !== e.blocked || trace.done.corsError !== e.corsError) {
      wrong.push(`${e.url} ${e.method}: chrome ${trace.done.corsError}, entry ${e.corsError}`);
    } else if (e.preflight && asked !== e.method)
      wrong.push(`${e.url} ${e.method}: joined a preflight for ${asked}`);
  }
  expect(wrong).toEqual([]);

  const panel = await ext.context.newPage();
  await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
  await waitUntil(
    () => panel.locator('.notice', { hasText: 'dropped' }).textContent(),
    (t) => t !== null,
    {
      what: 'the drop notice',
    },
  );
  expect(await panel.locator('.notice', { hasText: 'dropped' }).textContent()).toContain(
    (TOTAL - 1000).toLocaleString('en-US'),
  );
  // The first read paints the newest 200 rows; the rest follows: the panel ends up with all 1,000.
  await waitUntil(
    () => panel.locator('[role="option"]').first().getAttribute('aria-setsize'),
    (n) => Number(n) >= 1000,
    { what: 'every kept entry in the panel' },
  );
  await panel.close();
}, 300_000);
