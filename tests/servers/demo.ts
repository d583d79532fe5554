/**
 * `npm start`: builds the extension (the npm script does that first), starts the demo — a page on
 * http://localhost:3000 and an Express API on http://localhost:8000 with the usual CORS mistakes —
 * and shows CORS Lens explaining them.
 *
 * With a display it opens Chromium with the extension loaded on the demo page. Without one, or
 * with --headless, it drives the page in headless Chromium with DevTools open on it, as a developer
 * would, and prints the extension's own report (read through its `cors:report` contract) as a
 * table, next to Chrome's verdict from CDP. With --serve it only serves the page and the API, for a
 * browser of your own with CORS Lens installed (Firefox, a store install, an add-on reviewer's).
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ReportEntry } from '../../extension/shared/messages.ts';
import { serverFixFor, serverHeading, serversOf } from '../../src/report/servers.ts';
import { launchChromium } from '../e2e/chromium.ts';
import { NetworkWatcher } from '../e2e/corpus-runner.ts';
import { DEVTOOLS_ARGS } from '../e2e/devtools-har.ts';
import { ReportClient } from '../e2e/report-client.ts';
import { waitUntil } from '../e2e/wait.ts';
import { DEMO_REQUESTS, type DemoServers, reloadDemo, startDemo } from './demo-api.ts';
import { describeListenError } from './listen.ts';

const DIST = resolve(import.meta.dirname, '../../dist');

const { values } = parseArgs({
  options: {
    headless: { type: 'boolean', default: false },
    serve: { type: 'boolean', default: false },
    'page-port': { type: 'string', default: '3000' },
    'api-port': { type: 'string', default: '8000' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`npm start [-- --headless | --serve] [-- --page-port 3000 --api-port 8000]

  --headless      drive the demo in headless Chromium and print the report (default without a display)
  --serve         only serve the demo page and API, for a browser of your own with CORS Lens installed
  --page-port N   port of the demo page (default 3000)
  --api-port N    port of the demo API (default 8000)`);
  process.exit(0);
}

function port(name: 'page-port' | 'api-port'): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`--${name} must be a port number, got "${values[name]}".`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  if (!existsSync(resolve(DIST, 'manifest.json'))) {
    console.error('dist/ has no built extension: run `npm start`, which builds it first.');
    process.exit(2);
  }
  let demo: DemoServers;
  try {
    demo = await startDemo(port('page-port'), port('api-port'));
  } catch (err) {
    const flag = (err as { flag?: string }).flag ?? '--page-port';
    console.error(
      describeListenError(err, flag === '--api-port' ? port('api-port') : port('page-port'), flag),
    );
    process.exit(2);
  }
  const { pageOrigin, apiOrigin, close } = demo;

  const headless = values.headless || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
  console.log(`CORS Lens is built in ${DIST}
Demo page: ${pageOrigin}/   Demo API (Express + cors): ${apiOrigin}/
`);
  if (values.serve) {
    console.log(`Open ${pageOrigin}/ in a browser with CORS Lens installed, open DevTools → CORS and reload
the page. Press Ctrl+C to stop.`);
    process.on('SIGINT', () => void close().then(() => process.exit(0)));
    return;
  }
  if (!headless) {
    await runWithDisplay(pageOrigin, close);
    return;
  }
  try {
    await runHeadless(pageOrigin);
  } finally {
    await close();
  }
}

async function runWithDisplay(pageOrigin: string, close: () => Promise<void>): Promise<void> {
  const browser = await launchChromium({ extensionDir: DIST, headless: false });
  const tab = browser.context.pages()[0] ?? (await browser.context.newPage());
  await tab.goto(`${pageOrigin}/`);
  console.log(`Chromium is open on the demo page with CORS Lens loaded.
Open DevTools (F12), choose the CORS panel and press "Reload to capture": DevTools records a tab
from the moment it opens. Close the browser or press Ctrl+C to stop.

To use your own Chrome instead: chrome://extensions → Developer mode → Load unpacked → ${DIST}`);
  const stop = async () => {
    await browser.close().catch(() => {});
    await close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  browser.context.on('close', () => void stop());
}

async function runHeadless(pageOrigin: string): Promise<void> {
  const browser = await launchChromium({ extensionDir: DIST, args: DEVTOOLS_ARGS });
  try {
    const worker =
      browser.context.serviceWorkers()[0] ??
      (await browser.context.waitForEvent('serviceworker', { timeout: 15_000 }));
    const ext = {
      ...browser,
      id: new URL(worker.url()).host,
      worker,
      url: (p: string) => `chrome-extension://${new URL(worker.url()).host}/${p}`,
    };
    const client = await ReportClient.open(ext);
    const tab = await browser.context.newPage();
    // Chrome's own verdicts, to show beside the extension's.
    await tab.goto('about:blank');
    const watcher = await NetworkWatcher.attach(tab);
    await tab.goto(`${pageOrigin}/`);
    const tabId = await client.tabId(pageOrigin);
    // DevTools opened with the tab, and takes a moment to start; then "Reload to capture".
    await client.captured(tabId, 'devtools');
    await reloadDemo(tab, 30_000);
    const { entries } = await waitUntil(
      () => client.report(tabId),
      (r) => r.entries.length >= DEMO_REQUESTS.length && r.entries.every((e) => e.state !== 'pending'),
      { what: 'the report', timeoutMs: 15_000 },
    );
    const chrome = new Map(watcher.finished('http://').map((t) => [`${t.method} ${t.url}`, t.done]));
    printTable(entries, chrome);
  } finally {
    await browser.close();
  }
}

function printTable(
  entries: readonly ReportEntry[],
  chrome: Map<string, { corsError: string | null } | undefined>,
): void {
  const rows = DEMO_REQUESTS.map((req) => {
    const entry = entries.find((e) => new URL(e.url).pathname === req.path);
    const verdict = !entry
      ? 'not captured'
      : entry.blocked
        ? 'BLOCKED'
        : entry.networkError
          ? 'network error'
          : 'allowed';
    const error = entry?.corsError ?? '';
    const culprit = entry?.verdict?.culprit;
    const status = entry?.preflight?.status;
    const preflightNote =
      entry?.blocked && status != null && (status < 200 || status > 299) ? `, OPTIONS got ${status}` : '';
    const culpritText = !entry?.blocked
      ? ''
      : entry.failedParameter
        ? `${culprit?.field ?? ''}: ${entry.failedParameter}`
        : culprit
          ? `${culprit.field}${culprit.received === null ? ' missing' : `: ${culprit.received}`}${preflightNote}`
          : '';
    const own = entry ? chrome.get(`${entry.method} ${entry.url}`) : undefined;
    const agrees =
      own === undefined ? '?' : (own.corsError ?? '') === error ? 'yes' : `no (${own.corsError})`;
    return [req.label, verdict, error, culpritText, agrees, entry?.verdict?.title ?? ''];
  });
  const header = ['request', 'verdict', 'Chrome error name', 'culprit', 'Chrome agrees', 'why'];
  const widths = header.map((h, i) =>
    Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))),
  );
  const last = header.length - 1;
  // The last column (the explanation's title) is never cut.
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === last ? c : c.slice(0, widths[i]).padEnd(widths[i] ?? 0))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  console.log('\nThe mistakes behind them:');
  for (const req of DEMO_REQUESTS) console.log(`  ${req.label}: ${req.mistake}`);
  // One fix per server: what a developer pastes once, for every request to that API.
  for (const server of serversOf(entries)) {
    const fix = serverFixFor(server, entries, null);
    console.log(
      `\nThe fix for ${serverHeading(server)} — ${fix.label}, in place of the app's own cors() setup:`,
    );
    for (const line of fix.text.split('\n')) console.log(`  ${line}`.trimEnd());
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
