/**
 * Firefox smoke test, in Debian's firefox-esr: the Firefox build lints clean with web-ext, installs,
 * captures the demo's broken API (preflights included) and reports each failure with the reason
 * Firefox itself gave in its console ("Reason: …", read here as the page error Firefox raised),
 * named first in the panel.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReportEntry } from '../../src/report/entry.ts';
import { type DemoServers, startDemo } from '../servers/demo-api.ts';
import { type LaunchedFirefox, launchFirefox, loadDemo } from './firefox.ts';
import { waitUntil } from './wait.ts';

const DIST_FIREFOX = resolve(import.meta.dirname, '../../dist-firefox');
const WEB_EXT = resolve(import.meta.dirname, '../../node_modules/web-ext/bin/web-ext.js');

let demo: DemoServers;
let firefox: LaunchedFirefox;
let addonId: string;
let tabId: number;
/** URL → the first reason Firefox gave for it (a preflight block is followed by "did not succeed"). */
const firefoxSaid = new Map<string, string>();

beforeAll(async () => {
  if (!existsSync(resolve(DIST_FIREFOX, 'manifest.json')))
    throw new Error('dist-firefox/ has no build: run `npm run build` first (npm test does).');
  demo = await startDemo(0, 0);
  firefox = await launchFirefox();
  addonId = await firefox.install(DIST_FIREFOX);
  // Development origins record here, as the setting offers (off by default: it costs every request).
  await firefox.evaluateInBackground(
    addonId,
    `chrome.tabs.create({ url: chrome.runtime.getURL('extension/popup/index.html') }).then(() => true)`,
  );
  await waitUntil(
    () =>
      firefox
        .evaluateInTab(
          'moz-extension://',
          `chrome.runtime.sendMessage({ type: 'cors:settings', patch: { recordDevOrigins: true } })`,
        )
        .catch(() => null) as Promise<{ recordDevOrigins?: boolean } | null>,
    (settings) => settings?.recordDevOrigins === true,
    { what: 'the setting recordDevOrigins', timeoutMs: 15_000 },
  );
  await firefox.evaluateInBackground(
    addonId,
    `chrome.tabs.query({}).then((ts) => chrome.tabs.remove(ts.filter((t) => t.url?.startsWith('moz-extension://')).map((t) => t.id))).then(() => true)`,
  );
  const page = await firefox.browser.newPage();
  tabId = await loadDemo(firefox, addonId, page, demo.pageOrigin, firefoxSaid);
  // The panel, as a tab of the extension's own: it is what reads the report below.
  await firefox.evaluateInBackground(
    addonId,
    `chrome.tabs.create({ url: chrome.runtime.getURL('extension/panel/index.html?tabId=${tabId}') }).then(() => true)`,
  );
}, 120_000);

afterAll(async () => {
  await firefox?.close();
  await demo?.close();
});

describe('Firefox build', () => {
  test('web-ext lint: 0 errors, 0 warnings, 0 notices', () => {
    const r = spawnSync(
      process.execPath,
      [WEB_EXT, 'lint', '--source-dir', DIST_FIREFOX, '--output', 'json'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    const report = JSON.parse(r.stdout) as {
      summary: { errors: number; warnings: number; notices: number };
      errors: { code: string; message: string }[];
      warnings: { code: string; message: string }[];
    };
    expect([...report.errors, ...report.warnings].map((m) => `${m.code}: ${m.message}`)).toEqual([]);
    expect(report.summary).toEqual({ errors: 0, warnings: 0, notices: 0 });
  });
});

describe('Firefox capture (firefox-esr)', () => {
  async function report(): Promise<ReportEntry[]> {
    const reply = (await firefox.evaluateInTab(
      'moz-extension://',
      `chrome.runtime.sendMessage({ type: 'cors:report', tabId: ${tabId} })`,
    )) as { entries: ReportEntry[] };
    return reply.entries;
  }

  test('each blocked request is reported with the reason Firefox gave', async () => {
    const entries = await waitUntil(report, (es) => es.filter((e) => e.blocked).length >= 5, {
      timeoutMs: 15_000,
      what: 'the demo failures in the report',
    });
    expect(firefoxSaid.size).toBeGreaterThanOrEqual(6);
    let compared = 0;
    for (const [url, reason] of firefoxSaid) {
      if (reason === 'CORSMissingAllowCredentials') {
        // fetch(…, { credentials: 'include' }) without a cookie to send: webRequest shows no sign
        // of the credentials mode. The entry says its verdict turns on it — never "allowed".
        expect(entries.find((e) => e.url === url)).toMatchObject({ blocked: false, undetermined: true });
        continue;
      }
      const entry = entries.find((e) => e.url === url);
      expect(entry, `${url} (${reason}) is in the report`).toBeDefined();
      expect({ url, blocked: entry?.blocked, firefoxReason: entry?.firefoxReason }).toEqual({
        url,
        blocked: true,
        firefoxReason: reason,
      });
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(5);
    // The preflighted ones were paired with their preflight although Firefox announces the
    // request's headers before the preflight starts.
    const preflighted = entries.filter((e) => e.blocked && e.preflight !== null);
    expect(preflighted.map((e) => e.preflight?.status).sort()).toEqual([204, 204, 204, 404]);
  });

  test("the panel names Firefox's reason first", async () => {
    const orders = `${demo.apiOrigin}/api/orders`;
    const names = await firefox.evaluateInTab(
      'moz-extension://',
      `(async () => {
        document.querySelector('[role="option"][title="${orders}"]').click();
        await new Promise((r) => setTimeout(r, 200));
        return document.querySelector('.card .names').textContent;
      })()`,
    );
    expect(names).toBe(
      'Firefox: CORSMissingAllowHeaderFromPreflight · Chrome: HeaderDisallowedByPreflightResponse (authorization)',
    );
  });
});
