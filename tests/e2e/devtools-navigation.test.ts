/**
 * A new page starts a new log — in the worker's copy (popup, badge, `cors:report`) as in the devtools
 * page's own (the panel) — when DevTools serves the tab, not only when it records through webRequest;
 * and with "preserve log" on, both keep every page.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_REQUESTS, type DemoServers, reloadDemo, startDemo } from '../servers/demo-api.ts';
import { DEVTOOLS_ARGS } from './devtools-har.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

let demo: DemoServers;
let ext: LoadedExtension;
let client: ReportClient;
let page: Page;
let tabId: number;

const PER_PAGE = DEMO_REQUESTS.length;

/** The worker's count and report, once the page's requests are all in and nothing is pending. */
function settledAt(n: number) {
  return waitUntil(
    async () => ({ status: await client.status(tabId), report: await client.report(tabId) }),
    ({ status, report }) => status.entries === n && report.entries.every((e) => e.state !== 'pending'),
    { what: `${n} entries in the worker's copy`, timeoutMs: 20_000 },
  );
}

beforeAll(async () => {
  demo = await startDemo(0, 0);
  ext = await launchWithExtension(DEVTOOLS_ARGS);
  client = await ReportClient.open(ext);
  page = await ext.context.newPage();
  await page.goto(`${demo.pageOrigin}/`);
  tabId = await client.tabId(demo.pageOrigin);
  await client.captured(tabId, 'devtools');
}, 60_000);

afterAll(async () => {
  await ext?.close();
  await demo?.close();
});

test('each new page in a tab DevTools serves starts a new log in the worker', async () => {
  for (let n = 0; n < 4; n++) {
    await reloadDemo(page);
    const { status, report } = await settledAt(PER_PAGE);
    expect(status.capture).toBe('devtools');
    expect(report.entries).toHaveLength(PER_PAGE);
    // The badge counts this page's blocked requests only.
    expect(status.blocked).toBe(PER_PAGE - 1);
  }
});

test('with preserve log on, every page stays', async () => {
  await client.settings({ preserveLog: true });
  try {
    // The page already there stays, and each new one adds its own.
    await reloadDemo(page);
    await settledAt(2 * PER_PAGE);
    await reloadDemo(page);
    await settledAt(3 * PER_PAGE);
  } finally {
    await client.settings({ preserveLog: false });
  }
});
