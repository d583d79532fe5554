/**
 * DevTools capture in Firefox (firefox-esr): with the toolbox open on the demo tab and nothing
 * recording through webRequest, the report holds every request from Firefox's own DevTools log
 * (`browser.devtools.network`), each failure with the reason Firefox gave in its console, the
 * preflights paired — although Firefox's log marks no preflight and lists a request it blocked at
 * its preflight only as that preflight — and each blocked request counted once.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import cors from 'cors';
import type { Express } from 'express';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { ReportReply, StatusReply } from '../../extension/shared/messages.ts';
import { fixesFor } from '../../src/fixes/index.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { createDemoApi, DEMO_REQUESTS, type DemoServers, startDemo } from '../servers/demo-api.ts';
import { type LaunchedFirefox, launchFirefox, loadDemo } from './firefox.ts';
import { waitUntil } from './wait.ts';

const DIST_FIREFOX = resolve(import.meta.dirname, '../../dist-firefox');

let demo: DemoServers;
let firefox: LaunchedFirefox;
let tabId: number;
let demoPage: Page;
/** URL → the first reason Firefox gave for it. */
const firefoxSaid = new Map<string, string>();

beforeAll(async () => {
  if (!existsSync(resolve(DIST_FIREFOX, 'manifest.json')))
    throw new Error('dist-firefox/ has no build: run `npm run build` first (npm test does).');
  demo = await startDemo(0, 0);
  // --devtools: the toolbox opens on the first tab, as a developer's would be.
  firefox = await launchFirefox({ args: ['--devtools'] });
  const addonId = await firefox.install(DIST_FIREFOX);
  // The add-on's devtools page runs in the open toolbox.
  await firefox.evaluateInAddon(addonId, 'extension/devtools/', 'location.href');
  const [page] = await firefox.browser.pages();
  if (!page) throw new Error('Firefox opened no tab');
  demoPage = page;
  // A page of the demo's host that makes no request brings the page observer to that host, as a
  // developer's app open in the tab would; the demo is the next page there.
  await page.goto(`${demo.pageOrigin}/idle`);
  await waitUntil(
    () =>
      firefox.evaluateInBackground(
        addonId,
        'browser.scripting.getRegisteredContentScripts().then((s) => s.flatMap((x) => x.matches))',
      ) as Promise<string[]>,
    (matches) => matches.join(' ') === 'http://localhost/*',
    { what: 'the page observer, for the demo host only', timeoutMs: 15_000 },
  );
  // An extension page to ask from (Firefox does not deliver a background page's message to itself).
  await firefox.evaluateInBackground(
    addonId,
    `chrome.tabs.create({ url: chrome.runtime.getURL('extension/popup/index.html') }).then(() => true)`,
  );
  await waitUntil(
    () => firefox.evaluateInTab('moz-extension://', 'true').catch(() => false),
    (ready) => ready === true,
    { what: 'the extension page to load', timeoutMs: 15_000 },
  );
  // The switch to the demo's host moved the tab to another process, and the toolbox with it: the
  // demo loads once DevTools serves the tab again, as it does when a developer reloads.
  const idleTab = (await firefox.evaluateInBackground(
    addonId,
    `chrome.tabs.query({}).then((ts) => ts.find((t) => (t.url ?? '').endsWith('/idle'))?.id ?? -1)`,
  )) as number;
  await waitUntil(
    () => ask<StatusReply>({ type: 'cors:status', tabId: idleTab }),
    (s) => s.capture === 'devtools' && !s.armed,
    { what: 'DevTools to serve the tab, nothing recording', timeoutMs: 15_000 },
  );
  tabId = await loadDemo(firefox, addonId, page, demo.pageOrigin, firefoxSaid);
}, 120_000);

afterAll(async () => {
  await firefox?.close();
  await demo?.close();
});

function ask<T>(message: object): Promise<T> {
  return firefox.evaluateInTab(
    'moz-extension://',
    `chrome.runtime.sendMessage(${JSON.stringify(message)})`,
  ) as Promise<T>;
}

test("Firefox's DevTools log: every request, each failure with Firefox's reason, counted once", async () => {
  const report = () => ask<{ entries: ReportEntry[] }>({ type: 'cors:report', tabId }).then((r) => r.entries);
  const entries = await waitUntil(report, (es) => es.filter((e) => e.blocked).length >= 5, {
    timeoutMs: 15_000,
    what: 'the demo failures in the report',
  });
  // All from DevTools: nothing records through webRequest.
  expect(entries.map((e) => e.source)).toEqual(entries.map(() => 'devtools'));
  expect(firefoxSaid.size).toBeGreaterThanOrEqual(6);
  let compared = 0;
  for (const [url, reason] of firefoxSaid) {
    // credentials: 'include' without a cookie leaves no trace in the headers; the page observer
    // tells it (see docs/firefox.md), so that failure is named as Firefox named it too.
    const found = entries.filter((e) => e.url === url);
    expect(found.map((e) => ({ url, blocked: e.blocked, firefoxReason: e.firefoxReason }))).toEqual([
      { url, blocked: true, firefoxReason: reason },
    ]);
    compared++;
  }
  expect(compared).toBe(6);
  // The request Firefox let through is allowed, not "credentials?".
  expect(
    entries
      .filter((e) => !firefoxSaid.has(e.url))
      .map((e) => ({ blocked: e.blocked, undetermined: e.undetermined })),
  ).toEqual([{ blocked: false, undetermined: false }]);
  // The three blocked at their preflight exist only as their preflight in Firefox's log.
  const preflighted = entries.filter((e) => e.blocked && e.preflight !== null);
  expect(preflighted.map((e) => e.preflight?.status).sort()).toEqual([204, 204, 204, 404]);
  // No preflight listed as a request of its own.
  expect(entries.filter((e) => e.method === 'OPTIONS')).toEqual([]);
  const status = await ask<StatusReply>({ type: 'cors:status', tabId });
  expect({ capture: status.capture, recording: status.recording, blocked: status.blocked }).toEqual({
    capture: 'devtools',
    recording: false,
    blocked: entries.filter((e) => e.blocked).length,
  });
});

test("the demo's seven as Firefox judged them, no header Firefox adds in any fix, and the merged fix applied once makes Firefox allow all seven", async () => {
  const reply = await ask<ReportReply>({ type: 'cors:report', tabId });
  const entries = reply.entries;
  expect(entries.length).toBe(DEMO_REQUESTS.length);
  // Firefox's own verdicts: each URL it named a reason for is blocked with that reason; the one
  // it did not is allowed.
  expect(
    entries
      .map((e) => ({ url: e.url, blocked: e.blocked, firefoxReason: e.firefoxReason }))
      .sort((a, b) => a.url.localeCompare(b.url)),
  ).toEqual(
    entries
      .map((e) => ({
        url: e.url,
        blocked: firefoxSaid.has(e.url),
        firefoxReason: firefoxSaid.get(e.url) ?? null,
      }))
      .sort((a, b) => a.url.localeCompare(b.url)),
  );
  // Headers Firefox adds by itself (Priority, its User-Agent) are never the page's.
  const named = entries.flatMap((e) => e.requirement?.headers ?? []).map((h) => h.toLowerCase());
  expect(named).not.toContain('priority');
  expect(named).not.toContain('user-agent');
  const [server] = reply.servers ?? [];
  if (!server) throw new Error('no merged fix in the report');
  expect({
    headers: [...server.requirement.headers].sort(),
    credentials: server.requirement.credentials,
    origins: server.requirement.origins,
  }).toEqual({ headers: ['Authorization', 'Content-Type'], credentials: true, origins: [demo.pageOrigin] });
  expect(server.fixes.express).not.toMatch(/Priority|User-Agent/i);

  // The developer pastes the merged Express fix once; Firefox then allows every request.
  const fix = fixesFor(server.requirement).express;
  demo.useApi(
    createDemoApi(demo.pageOrigin, (app: Express) => {
      new Function('app', 'cors', fix.code)(app, cors);
    }),
  );
  firefoxSaid.clear();
  await demoPage.evaluate(() => {
    document.title = 'again';
    (document.getElementById('run') as HTMLButtonElement).click();
  });
  await waitUntil(
    () => demoPage.evaluate(() => document.title),
    (t) => t.includes('done'),
    { what: 'the demo requests, again', timeoutMs: 20_000 },
  );
  const results = await demoPage.evaluate(() =>
    [...document.querySelectorAll('#results li')].map((li) => ({
      text: li.textContent,
      ok: li.className === 'ok',
    })),
  );
  expect(results.filter((r) => !r.ok)).toEqual([]);
  expect(results.length).toBe(DEMO_REQUESTS.length);
  expect([...firefoxSaid]).toEqual([]);
});
