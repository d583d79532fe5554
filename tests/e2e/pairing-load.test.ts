/**
 * Pairing under load and across worker restarts, in real Chromium: many requests to the same URLs
 * at once, with different methods and headers, and the service worker stopped mid-run. Every
 * request Chrome reports over CDP must have exactly one entry, whose preflight is its own and whose
 * verdict is Chrome's.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReportEntry } from '../../extension/shared/messages.ts';
import { corsUnsafeRequestHeaders } from '../../src/index.ts';
import { pageHandler } from '../servers/corpus-servers.ts';
import { type Listening, listenLoopback } from '../servers/listen.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { NetworkWatcher, type RequestTrace } from './corpus-runner.ts';
import { type LoadedExtension, launchWithExtension, stopServiceWorker, workerStopped } from './extension.ts';
import { openRecordingTab, ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

let pageServer: Listening;
let api: Listening;
let ext: LoadedExtension;
let page: Page;
let client: ReportClient;
let watcher: NetworkWatcher;
let tabId: number;
let apiOrigin: string;

/** The requests a page makes against one URL: same URL, different methods and header sets. */
const KINDS = [
  { method: 'GET', headers: {} },
  { method: 'PUT', headers: { 'Content-Type': 'application/json' } },
  { method: 'PUT', headers: { 'X-Trace': 'abc' } },
  { method: 'PATCH', headers: {} },
  { method: 'DELETE', headers: {} },
  { method: 'POST', headers: { Authorization: 'Bearer t', 'Content-Type': 'text/plain' } },
] as const;

interface Planned {
  url: string;
  method: string;
  headers: Record<string, string>;
}

function plan(prefix: string, urls: number, delay: (i: number) => number): Planned[] {
  const out: Planned[] = [];
  for (let u = 0; u < urls; u++) {
    for (const [k, kind] of KINDS.entries()) {
      out.push({ url: `${apiOrigin}/${prefix}/${u}?delay=${delay(u * KINDS.length + k)}`, ...kind });
    }
  }
  return out;
}

/** Fires all requests at once from the page and waits for all of them to settle. */
function fire(requests: Planned[]): Promise<unknown> {
  return page.evaluate(
    (rs) =>
      Promise.all(
        rs.map((r) =>
          fetch(r.url, { method: r.method, headers: r.headers, body: r.method === 'GET' ? undefined : 'x' })
            .then((res) => res.text())
            .catch(() => 'failed'),
        ),
      ),
    requests,
  );
}

/** The identity of a request within its URL: method plus CORS-unsafe header names. */
function keyOf(url: string, method: string, unsafe: readonly string[]): string {
  return `${url} ${method} ${[...unsafe].sort().join(',')}`;
}

function chromeKey(t: RequestTrace): string {
  // CDP lists the User-Agent Chrome adds; it is not the page's and plays no part in CORS here.
  const headers = Object.entries(t.headers)
    .filter(([name]) => name.toLowerCase() !== 'user-agent')
    .map(([name, value]) => ({ name, value }));
  const unsafe = corsUnsafeRequestHeaders(headers).flatMap((r) => (r.kind === 'header' ? [r.name] : []));
  return keyOf(t.url, t.method, unsafe);
}

function entryKey(e: ReportEntry): string {
  const unsafe = (e.verdict?.preflight.reasons ?? []).flatMap((r) => (r.kind === 'header' ? [r.name] : []));
  return keyOf(e.url, e.method, unsafe);
}

/** Compares every request Chrome saw under `prefix` with the extension's entries. */
async function compare(prefix: string): Promise<{ compared: number; problems: string[] }> {
  const traces = watcher.finished(`${apiOrigin}/${prefix}/`);
  let entries: readonly ReportEntry[] = [];
  await waitUntil(
    async () => {
      entries = (await client.report(tabId)).entries.filter((e) =>
        e.url.startsWith(`${apiOrigin}/${prefix}/`),
      );
      return entries.filter((e) => e.state !== 'pending').length;
    },
    (n) => n >= traces.length,
    { what: `entries for ${prefix}`, timeoutMs: 15_000 },
  ).catch((err) => {
    console.log(
      JSON.stringify(
        entries.map((e) => [
          e.url.replace(apiOrigin, ''),
          e.method,
          e.state,
          e.preflight?.status ?? null,
          e.response?.status ?? null,
        ]),
      ),
    );
    throw err;
  });
  const problems: string[] = [];
  const byKey = new Map<string, ReportEntry[]>();
  for (const e of entries) byKey.set(entryKey(e), [...(byKey.get(entryKey(e)) ?? []), e]);
  for (const t of traces) {
    const key = chromeKey(t);
    const found = byKey.get(key) ?? [];
    if (found.length !== 1) {
      problems.push(`${key}: ${found.length} entries`);
      continue;
    }
    const e = found[0] as ReportEntry;
    const chrome = t.done;
    if (!chrome) continue;
    if (
      e.blocked !== chrome.blocked ||
      e.corsError !== chrome.corsError ||
      e.failedParameter !== chrome.failedParameter
    ) {
      problems.push(
        `${key}: chrome ${chrome.corsError}/${chrome.failedParameter}, entry ${e.corsError}/${e.failedParameter}`,
      );
    }
    // The preflight joined to this entry asked for this entry's method.
    const asked = e.preflight?.requestHeaders.find(
      (h) => h.name.toLowerCase() === 'access-control-request-method',
    )?.value;
    if (e.preflight && asked !== e.method) problems.push(`${key}: joined a preflight for ${asked}`);
  }
  if (entries.length !== traces.length) problems.push(`${traces.length} requests, ${entries.length} entries`);
  return { compared: traces.length, problems };
}

beforeAll(async () => {
  pageServer = await listenLoopback(pageHandler);
  api = await listenLoopback(policyHandler);
  apiOrigin = `http://127.0.0.1:${api.port}`;
  ext = await launchWithExtension();
  client = await ReportClient.open(ext);
  ({ page, tabId } = await openRecordingTab(ext, client, `http://localhost:${pageServer.port}/`));
  watcher = await NetworkWatcher.attach(page);
});

afterAll(async () => {
  await ext?.close();
  await pageServer?.close();
  await api?.close();
});

test('60 requests in flight at once, six kinds per URL: every preflight joins its own request', async () => {
  // Delays spread the answers so that requests to one URL finish out of order.
  await fire(plan('burst', 10, (i) => (i * 37) % 120));
  await waitUntil(
    async () => watcher.unfinished(`${apiOrigin}/burst/`),
    (n) => n === 0,
    { what: 'the burst' },
  );
  const { compared, problems } = await compare('burst');
  expect(problems).toEqual([]);
  expect(compared).toBe(60);
  const { entries } = await client.report(tabId);
  const burst = entries.filter((e) => e.url.includes('/burst/'));
  // The policy blocks three kinds of six: PUT + X-Trace, PATCH, POST + Authorization.
  expect(burst.filter((e) => e.blocked)).toHaveLength(30);
});

test('the service worker stopped twice mid-run: nothing lost, nothing duplicated', async () => {
  const waves = [0, 1, 2].map((w) => plan(`wave${w}`, 3, () => 400));
  for (const [w, wave] of waves.entries()) {
    const settled = fire(wave);
    if (w < 2) {
      // Stop while the wave's preflights are answered and its requests wait on the server.
      await new Promise((r) => setTimeout(r, 150));
      await stopServiceWorker(ext, page);
      await waitUntil(
        () => workerStopped(ext),
        (stopped) => stopped,
        { what: 'the worker to stop' },
      );
    }
    await settled;
  }
  let total = 0;
  for (const w of [0, 1, 2]) {
    await waitUntil(
      async () => watcher.unfinished(`${apiOrigin}/wave${w}/`),
      (n) => n === 0,
      { what: `wave ${w}` },
    );
    const { compared, problems } = await compare(`wave${w}`);
    expect(problems, `wave ${w}`).toEqual([]);
    total += compared;
  }
  expect(total).toBe(54);
});
