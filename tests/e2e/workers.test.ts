/**
 * Requests a shared worker or a service worker makes belong to no tab: webRequest reports them
 * with tabId -1 and the worker's origin as initiator (measured in Chromium 156). They are listed
 * with the recording tab on that origin, said to come from a worker, each with Chrome's own
 * verdict — read over CDP from the worker's target, where Chrome reports it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReportEntry } from '../../src/report/entry.ts';
import { type Listening, listenLoopback } from '../servers/listen.ts';
import { DEBUGGING_PORT_ARG } from './devtools-window.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

/** The worker fetches every URL it is sent, and answers with what each fetch() resolved to. */
const WORKER = `
const run = async (urls) => Promise.all(urls.map((u) => fetch(u).then((r) => 'status ' + r.status, (e) => String(e))));
onconnect = (e) => { const port = e.ports[0]; port.onmessage = async (m) => port.postMessage(await run(m.data)); };
self.addEventListener('message', async (m) => m.source.postMessage(await run(m.data)));
self.addEventListener('activate', (e) => e.waitUntil(clients.claim()));
`;

let api: Listening;
let site: Listening;
let ext: LoadedExtension;
let cdp: Browser;
let client: ReportClient;
let page: Page;
let tabId: number;
/** URL → Chrome's corsError for it (null when it passed), from the workers' own targets. */
const chrome = new Map<string, string | null>();

beforeAll(async () => {
  api = await listenLoopback((req, res) => {
    res.writeHead(200, req.url?.includes('ok') ? { 'Access-Control-Allow-Origin': '*' } : {});
    res.end('x');
  });
  site = await listenLoopback((req, res) => {
    if (req.url === '/worker.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(WORKER);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>workers</title><p>workers</p>');
  });
  ext = await launchWithExtension([DEBUGGING_PORT_ARG]);
  const port = readFileSync(join(ext.profile, 'DevToolsActivePort'), 'utf8').split('\n')[0];
  cdp = await puppeteer.connect({ browserURL: `http://127.0.0.1:${port}`, defaultViewport: null });
  client = await ReportClient.open(ext);
  page = await ext.context.newPage();
  await page.goto(`http://localhost:${site.port}/`);
  tabId = await client.tabId(`http://localhost:${site.port}`);
  await client.record(tabId, true);
}, 60_000);

afterAll(async () => {
  await cdp?.disconnect();
  await ext?.close();
  await api?.close();
  await site?.close();
});

/** Watches Chrome's verdicts in the worker target of `type` (it must exist already). */
async function watchWorker(type: 'shared_worker' | 'service_worker'): Promise<void> {
  const target = await cdp.waitForTarget((t) => t.type() === type && t.url().includes('/worker.js'), {
    timeout: 15_000,
  });
  const session = await target.createCDPSession();
  const urls = new Map<string, string>();
  session.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
  session.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId);
    if (url) chrome.set(url, null);
  });
  session.on('Network.loadingFailed', (e) => {
    const url = urls.get(e.requestId);
    if (url) chrome.set(url, e.corsErrorStatus?.corsError ?? e.errorText);
  });
  await session.send('Network.enable');
}

const urlsFor = (kind: string) => [
  `http://127.0.0.1:${api.port}/${kind}/ok`,
  `http://127.0.0.1:${api.port}/${kind}/blocked`,
];

test('a shared worker and a service worker: each request listed with the tab, with Chrome’s verdict', async () => {
  await page.evaluate(() => {
    (window as unknown as { shared: SharedWorker }).shared = new SharedWorker('/worker.js');
  });
  await watchWorker('shared_worker');
  const shared = urlsFor('shared');
  await page.evaluate(
    (us) =>
      new Promise((resolve) => {
        const w = (window as unknown as { shared: SharedWorker }).shared;
        w.port.onmessage = (m) => resolve(m.data);
        w.port.postMessage(us);
      }),
    shared,
  );
  await page.evaluate(() =>
    navigator.serviceWorker.register('/worker.js').then(() => navigator.serviceWorker.ready),
  );
  await watchWorker('service_worker');
  const service = urlsFor('service');
  await page.evaluate(
    (us) =>
      new Promise((resolve) => {
        navigator.serviceWorker.onmessage = (m) => resolve(m.data);
        navigator.serviceWorker.ready.then((r) => r.active?.postMessage(us));
      }),
    service,
  );
  const all = [...shared, ...service];
  await waitUntil(
    () => Promise.resolve(all.every((u) => chrome.has(u))),
    (done) => done,
    { what: "Chrome's verdicts from the workers" },
  );
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => all.every((u) => r.entries.some((e) => e.url === u && e.state !== 'pending')),
    { what: 'the workers’ requests in the tab’s report', timeoutMs: 15_000 },
  );
  for (const url of all) {
    const entry = entries.find((e) => e.url === url) as ReportEntry;
    expect({ url, blocked: entry.blocked, corsError: entry.corsError, frameId: entry.frameId }).toEqual({
      url,
      blocked: chrome.get(url) !== null,
      corsError: chrome.get(url),
      frameId: -1,
    });
  }
  expect(chrome.get(shared[1] as string)).toBe('MissingAllowOriginHeader');
});
