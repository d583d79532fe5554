/**
 * DevTools capture: the whole corpus with DevTools open on the tab, the page and the APIs on host
 * names no development-origin pattern matches — so the worker records nothing itself, and only
 * DevTools' own network log can see the requests. Every entry `cors:report` gives must carry
 * Chrome's own CDP verdict, say it came from DevTools, and name the line of the page that made it.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import {
  CORPUS_FETCH_AT,
  type CorpusServers,
  HOST_RULES,
  PUBLIC_HOSTS,
  startCorpusServers,
} from '../servers/corpus-servers.ts';
import { listenLoopback } from '../servers/listen.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { ALL_SCENARIOS } from '../servers/scenarios.ts';
import { type CallResult, compareWithChrome, NetworkWatcher, runScenario } from './corpus-runner.ts';
import { DEVTOOLS_ARGS } from './devtools-har.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient, settledReport } from './report-client.ts';
import { requestsWithWorkerStops } from './worker-stops.ts';

let servers: CorpusServers;
let ext: LoadedExtension;
let page: Page;
let client: ReportClient;
let tabId: number;
const calls: CallResult[] = [];

beforeAll(async () => {
  servers = await startCorpusServers(ALL_SCENARIOS, PUBLIC_HOSTS);
  ext = await launchWithExtension([...DEVTOOLS_ARGS, HOST_RULES]);
  client = await ReportClient.open(ext);
  page = await ext.context.newPage();
  await page.goto(servers.origins.page);
  tabId = await client.tabId(servers.origins.page);
  // DevTools boots in a few seconds; its devtools page then serves the tab.
  await client.captured(tabId, 'devtools');
  const watcher = await NetworkWatcher.attach(page);
  for (const scenario of ALL_SCENARIOS) {
    calls.push(...(await runScenario(page, watcher, scenario, servers.origins, servers.log)));
  }
}, 240_000);

afterAll(async () => {
  await ext?.close();
  await servers?.close();
});

test("every request Chrome saw has one entry, from DevTools, that agrees with Chrome's verdict", async () => {
  // A request blocked at its preflight may reach the log before the preflight does: it is filed at
  // once, and filed again in its place when the preflight comes. The report settles on both.
  let result = compareWithChrome([], calls, servers.origins);
  let entries: Awaited<ReturnType<typeof settledReport>> = [];
  await expect
    .poll(async () => {
      entries = await settledReport(client, tabId);
      result = compareWithChrome(entries, calls, servers.origins);
      return result.disagreements;
    })
    .toEqual([]);
  expect(result.compared).toBeGreaterThanOrEqual(120);
  expect(
    entries.filter((e) => e.source !== 'devtools').map((e) => `${e.method} ${e.url} ${e.source}`),
  ).toEqual([]);
});

test('the worker spent nothing on the tab: no webRequest capture was armed', async () => {
  const status = await client.status(tabId);
  expect(status).toMatchObject({ capture: 'devtools', recording: false, armed: false });
});

test('each entry names the line of the page that made the request', async () => {
  const entries = await settledReport(client, tabId);
  const located = entries.filter((e) => e.type === 'xmlhttprequest');
  expect(located.length).toBeGreaterThan(100);
  for (const e of located) {
    expect(e.initiatorLocation, `${e.method} ${e.url}`).toEqual({
      url: `${servers.origins.page}/`,
      line: CORPUS_FETCH_AT.line,
      column: CORPUS_FETCH_AT.column,
      functionName: 'corpusFetch',
    });
  }
});

test('the worker stopped ten times during 2,000 requests: DevTools capture loses none', async () => {
  const policy = await listenLoopback(policyHandler);
  try {
    await client.settings({ ringSize: 5000 });
    const prefix = `http://127.0.0.1:${policy.port}/stops/`;
    const result = await requestsWithWorkerStops(ext, client, page, tabId, prefix);
    console.log(
      `DevTools capture: ${result.seen} requests, 10 worker stops: ${result.missing} without an entry, ${result.unfinished} unfinished`,
    );
    expect(result.seen).toBe(2000);
    expect(result).toMatchObject({ missing: 0, unfinished: 0, duplicates: 0, unseen: [] });
    expect(result.entries.every((e) => e.source === 'devtools')).toBe(true);
  } finally {
    await policy.close();
  }
}, 180_000);
