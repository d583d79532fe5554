/**
 * The corpus again, through the loaded extension: for every request, the entry the extension
 * reports through `cors:report` must match Chrome's own CDP verdict — same corsError and
 * failedParameter when blocked, not blocked when Chrome allowed it.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReportEntry } from '../../extension/shared/messages.ts';
import { type CorpusServers, startCorpusServers } from '../servers/corpus-servers.ts';
import { ALL_SCENARIOS, scenarioById, scenarioUrl } from '../servers/scenarios.ts';
import { type CallResult, compareWithChrome, NetworkWatcher, runScenario } from './corpus-runner.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { openRecordingTab, ReportClient, settledReport } from './report-client.ts';

let servers: CorpusServers;
let ext: LoadedExtension;
let page: Page;
let client: ReportClient;
let tabId: number;
const calls: CallResult[] = [];

beforeAll(async () => {
  servers = await startCorpusServers();
  ext = await launchWithExtension();
  client = await ReportClient.open(ext);
  ({ page, tabId } = await openRecordingTab(ext, client, servers.origins.page));
  const watcher = await NetworkWatcher.attach(page);
  for (const scenario of ALL_SCENARIOS) {
    calls.push(...(await runScenario(page, watcher, scenario, servers.origins, servers.log)));
  }
}, 180_000);

afterAll(async () => {
  await ext?.close();
  await servers?.close();
});

test('every request Chrome saw has one entry that agrees with Chrome', async () => {
  // Entries settle when the last requests finish; poll briefly rather than sleep.
  const entries = await settledReport(client, tabId);
  const { disagreements, compared } = compareWithChrome(entries, calls, servers.origins);
  expect(disagreements).toEqual([]);
  expect(compared).toBeGreaterThanOrEqual(120);
});

const entriesFor = (entries: readonly ReportEntry[], url: string) => entries.filter((e) => e.url === url);

test('an entry carries the contract fields', async () => {
  const { version, entries } = await client.report(tabId);
  expect(version).toBe(1);
  const url = scenarioUrl(scenarioById('pf-header-missing-authorization'), servers.origins);
  const entry = entries.find((e) => e.url === url);
  expect(entry).toMatchObject({
    method: 'GET',
    initiator: servers.origins.page,
    type: 'xmlhttprequest',
    blocked: true,
    corsError: 'HeaderDisallowedByPreflightResponse',
    failedParameter: 'authorization',
    firefoxReason: 'CORSMissingAllowHeaderFromPreflight',
    preflightCached: false,
    response: null,
    networkError: null,
  });
  expect(entry?.preflight?.status).toBe(204);
  expect(entry?.preflight?.requestHeaders.map((h) => h.name.toLowerCase())).toContain(
    'access-control-request-headers',
  );
  expect(entry?.explanation).toContain('authorization');
  expect(typeof entry?.id).toBe('string');
  expect(entry?.time).toBeGreaterThan(0);
  // One merged fix per server: the raw API's covers this entry, blocked and allowed requests alike.
  const reply = await client.report(tabId);
  const api = reply.servers?.find((s) => s.origin === servers.origins.api);
  expect(api?.entryIds).toContain(entry?.id);
  expect(api?.blocked).toBe(
    reply.entries.filter((e) => e.blocked && e.url.startsWith(servers.origins.api)).length,
  );
  expect(api?.fixes.express).toContain('"Authorization"');
});

test('a repeated request that skipped its preflight is marked as served from the preflight cache', async () => {
  const { entries } = await client.report(tabId);
  for (const id of ['pf-cache', 'express-max-age-cache']) {
    const [first, second] = entriesFor(entries, scenarioUrl(scenarioById(id), servers.origins));
    expect(first).toMatchObject({ preflightCached: false, blocked: false });
    expect(first?.preflight?.status).toBe(204);
    expect(second).toMatchObject({ preflightCached: true, blocked: false, preflight: null });
    expect(second?.verdict?.findings.map((f) => f.message).join(' ')).toMatch(/cache/);
    // Which preflight the cache most likely served, and until when: the first call's (Max-Age 600).
    const from = second?.preflightCachedFrom;
    expect(from?.maxAgeSeconds).toBe(600);
    expect(from?.time).toBeGreaterThanOrEqual(first?.time ?? Number.NaN);
    expect(from?.time).toBeLessThanOrEqual(second?.time ?? Number.NaN);
    expect(from?.until).toBe((from?.time ?? 0) + 600_000);
  }
});

test('a preflight answered 404 says that nothing answers OPTIONS on that route', async () => {
  const { entries } = await client.report(tabId);
  const url = scenarioUrl(scenarioById('express-unmounted-path'), servers.origins);
  const entry = entries.find((e) => e.url === url);
  expect(entry?.corsError).toBe('PreflightMissingAllowOriginHeader');
  expect(entry?.preflight?.status).toBe(404);
  expect(entry?.verdict?.findings.find((f) => f.kind === 'preflight-status')?.message).toMatch(
    /nothing on the server answers OPTIONS/,
  );
});
