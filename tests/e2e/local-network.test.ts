/**
 * Local Network Access (Chrome 142+), made on loopback: a page served with
 * `Content-Security-Policy: treat-as-public-address` counts as public, so its requests to
 * 127.0.0.1 need the user's "loopback-network" permission. Chrome's own verdict (CDP
 * `corsErrorStatus`) is the expected value, through webRequest capture and through DevTools'
 * log; with the permission granted (CDP `Browser.setPermission`) the same requests pass.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReportEntry } from '../../src/report/entry.ts';
import { type Listening, listenLoopback } from '../servers/listen.ts';
import { type ChromeVerdict, NetworkWatcher } from './corpus-runner.ts';
import { DEVTOOLS_ARGS } from './devtools-har.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

let api: Listening;
let site: Listening;

beforeAll(async () => {
  api = await listenLoopback((req, res) => {
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': 'PUT',
      'Access-Control-Allow-Headers': 'Content-Type',
      // Ignored since Chrome 142: it no longer sends Private Network Access preflights.
      'Access-Control-Allow-Private-Network': 'true',
    });
    res.end('ok');
  });
  site = await listenLoopback((_req, res) => {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': 'treat-as-public-address',
    });
    res.end('<!doctype html><title>a public page</title><p>public page</p>');
  });
});

afterAll(async () => {
  await api?.close();
  await site?.close();
});

const REQUESTS = {
  get: {},
  'no-cors': { mode: 'no-cors' },
  put: { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' },
} as const;

/** Each request from the page, with Chrome's verdict for it. */
async function run(page: Page, watcher: NetworkWatcher, tag: string): Promise<Map<string, ChromeVerdict>> {
  const verdicts = new Map<string, ChromeVerdict>();
  for (const [name, init] of Object.entries(REQUESTS)) {
    const url = `http://127.0.0.1:${api.port}/${tag}/${name}`;
    const before = watcher.known();
    await page.evaluate(
      ([u, i]) =>
        fetch(u, i as RequestInit).then(
          (r) => r.status,
          () => 0,
        ),
      [url, init] as const,
    );
    verdicts.set(url, await watcher.verdictFor(url, before));
  }
  return verdicts;
}

async function entriesFor(
  client: ReportClient,
  tabId: number,
  urls: readonly string[],
): Promise<ReportEntry[]> {
  const report = await waitUntil(
    () => client.report(tabId),
    (r) => urls.every((u) => r.entries.some((e) => e.url === u && e.state !== 'pending')),
    { what: 'the requests in the report', timeoutMs: 15_000 },
  );
  return urls.map((u) => report.entries.find((e) => e.url === u) as ReportEntry);
}

describe.each([
  ['webRequest capture (Record, DevTools closed)', [] as string[]],
  ["DevTools' network log", [...DEVTOOLS_ARGS]],
])('%s', (_name, args) => {
  let ext: LoadedExtension;
  let client: ReportClient;
  let page: Page;
  let watcher: NetworkWatcher;
  let tabId: number;
  const pageOrigin = () => `http://localhost:${site.port}`;

  beforeAll(async () => {
    ext = await launchWithExtension(args);
    client = await ReportClient.open(ext);
    page = await ext.context.newPage();
    await page.goto(`${pageOrigin()}/`);
    watcher = await NetworkWatcher.attach(page);
    tabId = await client.tabId(pageOrigin());
    if (args.length === 0) await client.record(tabId, true);
    await client.captured(tabId, args.length === 0 ? 'webrequest' : 'devtools');
  }, 60_000);

  afterAll(async () => {
    await ext?.close();
  });

  test("denied: each request is Chrome's LocalNetworkAccessPermissionDenied, with what to do", async () => {
    const chrome = await run(page, watcher, 'denied');
    const entries = await entriesFor(client, tabId, [...chrome.keys()]);
    for (const entry of entries) {
      const verdict = chrome.get(entry.url);
      expect(verdict?.corsError, entry.url).toBe('LocalNetworkAccessPermissionDenied');
      expect(
        {
          url: entry.url,
          blocked: entry.blocked,
          corsError: entry.corsError,
          failedParameter: entry.failedParameter,
        },
        entry.url,
      ).toEqual({
        url: entry.url,
        blocked: true,
        corsError: verdict?.corsError,
        failedParameter: verdict?.failedParameter,
      });
      expect(entry.verdict?.culprit?.expected).toBe(`"loopback-network" allowed for ${pageOrigin()}`);
      expect(entry.explanation).toMatch(/Access-Control-Allow-Private-Network is ignored/);
    }
  });

  test('granted "loopback-network": the same requests pass, and are listed as allowed', async () => {
    const browser = await ext.context.browser()?.newBrowserCDPSession();
    if (!browser) throw new Error('no browser CDP session');
    await browser.send('Browser.setPermission', {
      permission: { name: 'loopback-network' },
      setting: 'granted',
      origin: pageOrigin(),
    });
    const chrome = await run(page, watcher, 'granted');
    const entries = await entriesFor(
      client,
      tabId,
      [...chrome.keys()].filter((u) => !u.endsWith('no-cors')),
    );
    for (const entry of entries) {
      expect(chrome.get(entry.url)?.blocked, entry.url).toBe(false);
      expect({ url: entry.url, blocked: entry.blocked }).toEqual({ url: entry.url, blocked: false });
    }
  });
});
