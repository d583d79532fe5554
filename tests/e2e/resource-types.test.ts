/**
 * Capture is not only fetch(): fonts, <img crossorigin>, module scripts, workers and iframes make
 * CORS requests too, and a request that never reached a server is a network error, not CORS.
 * Chrome's CDP verdict is the expected value throughout.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReportEntry } from '../../extension/shared/messages.ts';
import { type CorpusServers, startCorpusServers } from '../servers/corpus-servers.ts';
import { hopUrl } from '../servers/scenarios.ts';
import { NetworkWatcher } from './corpus-runner.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { openRecordingTab, ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

let servers: CorpusServers;
let ext: LoadedExtension;
let client: ReportClient;
let page: Page;
let watcher: NetworkWatcher;
let tabId: number;

beforeAll(async () => {
  servers = await startCorpusServers();
  ext = await launchWithExtension();
  client = await ReportClient.open(ext);
  ({ page, tabId } = await openRecordingTab(ext, client, servers.origins.page));
  watcher = await NetworkWatcher.attach(page);
});

afterAll(async () => {
  await ext?.close();
  await servers?.close();
});

/** Waits for Chrome's verdict and the extension's finished entry for a URL, and compares them. */
async function expectAgreement(url: string): Promise<ReportEntry> {
  // The last request for the URL: Chrome may probe its cache first (net::ERR_CACHE_MISS).
  const chrome = await waitUntil(
    async () =>
      watcher
        .finished(url)
        .filter((t) => t.url === url && t.done?.errorText !== 'net::ERR_CACHE_MISS')
        .at(-1)?.done,
    (v) => v !== undefined,
    { what: `Chrome's verdict for ${url}` },
  );
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.some((e) => e.url === url && e.state !== 'pending'),
    { what: `an entry for ${url}` },
  );
  const own = entries.filter((e) => e.url === url);
  expect(own, 'one entry per request, cache probes left out').toHaveLength(1);
  const entry = own[0] as ReportEntry;
  expect(entry.verdict?.findings.filter((f) => f.kind === 'forbidden-header-dropped')).toEqual([]);
  expect({
    blocked: entry.blocked,
    corsError: entry.corsError,
    failedParameter: entry.failedParameter,
  }).toEqual({
    blocked: chrome?.blocked,
    corsError: chrome?.corsError,
    failedParameter: chrome?.failedParameter,
  });
  return entry;
}

// The raw server answers `?s=<id>` scenarios; these ids are not in the corpus, so it answers 404
// without CORS headers — a missing Access-Control-Allow-Origin for any CORS-mode load.
const missing = (name: string) => hopUrl(servers.origins.api, `type-${name}`, 0);

test('<img crossorigin> without Access-Control-Allow-Origin', async () => {
  const url = missing('img');
  await page.evaluate((u) => {
    const img = document.createElement('img');
    img.crossOrigin = 'anonymous';
    img.src = u;
    document.body.append(img);
  }, url);
  const entry = await expectAgreement(url);
  expect(entry).toMatchObject({ type: 'image', corsError: 'MissingAllowOriginHeader' });
});

test('a web font from another origin', async () => {
  const url = missing('font');
  await page.evaluate(async (u) => {
    const font = new FontFace('Corpus', `url(${u})`);
    await font.load().catch(() => {});
  }, url);
  const entry = await expectAgreement(url);
  expect(entry).toMatchObject({ type: 'font', corsError: 'MissingAllowOriginHeader' });
});

test('a module script from another origin', async () => {
  const url = missing('module');
  await page.evaluate((u) => {
    const s = document.createElement('script');
    s.type = 'module';
    s.src = u;
    document.body.append(s);
  }, url);
  const entry = await expectAgreement(url);
  expect(entry).toMatchObject({ type: 'script', corsError: 'MissingAllowOriginHeader' });
});

test('a classic <img> without crossorigin is no-cors: never blocked by CORS', async () => {
  const url = missing('plain-img');
  await page.evaluate((u) => {
    const img = document.createElement('img');
    img.src = u;
    document.body.append(img);
  }, url);
  const entry = await expectAgreement(url);
  expect(entry).toMatchObject({ type: 'image', blocked: false });
  expect(entry.verdict?.outcome).toBe('not-cors');
});

test("a dedicated worker's fetch is captured for its tab", async () => {
  const url = missing('worker');
  await page.evaluate((u) => {
    const source = `fetch(${JSON.stringify(u)}, { headers: { 'X-From-Worker': '1' } }).catch(() => {});`;
    new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
  }, url);
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.some((e) => e.url === url && e.state !== 'pending'),
    { what: 'the worker request' },
  );
  expect(entries.find((e) => e.url === url)).toMatchObject({
    blocked: true,
    corsError: 'PreflightMissingAllowOriginHeader',
  });
});

test('an iframe on another origin records its own cross-origin requests', async () => {
  // The iframe is the API origin's page; it fetches the page origin, which is cross-origin for it.
  const target = `${servers.origins.page}/from-iframe`;
  await page.evaluate(
    ([src]) =>
      new Promise<void>((done) => {
        const frame = document.createElement('iframe');
        frame.src = src as string;
        frame.onload = () => done();
        document.body.append(frame);
      }),
    [`${servers.origins.api}/iframe-page`],
  );
  const frame = page.frames().find((f) => f.url().startsWith(servers.origins.api));
  await frame?.evaluate((u) => fetch(u).catch(() => 'blocked'), target);
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.some((e) => e.url === target && e.state !== 'pending'),
    { what: 'the iframe request' },
  );
  const entry = entries.find((e) => e.url === target);
  expect(entry).toMatchObject({
    initiator: servers.origins.api,
    blocked: true,
    corsError: 'MissingAllowOriginHeader',
  });
  expect(entry?.frameId).not.toBe(0);
});

test('a server that is down is a network error, never CORS', async () => {
  const closed = 'http://127.0.0.1:9/nothing-listens-here';
  await page.evaluate((u) => fetch(u, { method: 'PUT' }).catch(() => 'failed'), closed);
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.some((e) => e.url === closed && e.state !== 'pending'),
    { what: 'the refused request' },
  );
  const entry = entries.find((e) => e.url === closed);
  expect(entry?.blocked).toBe(false);
  expect(entry?.corsError).toBeNull();
  expect(entry?.networkError).toMatch(/^net::ERR_/);
  expect(entry?.networkError).not.toBe('net::ERR_FAILED');
});
