/**
 * `npm run screenshots`: the panel (light and dark), the popup, and the panel showing a HAR that
 * Chromium's DevTools exported, taken from real Chromium on the demo, into tests/screenshots/ for
 * the README and docs/; then the stores' pictures into store/: screenshots of the real DevTools
 * window at 1280×800 and the 440×280 promo tile.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reloadDemo, runDemoAgain, startDemo } from '../servers/demo-api.ts';
import { DEVTOOLS_ARGS, DevToolsHar } from './devtools-har.ts';
import { DEBUGGING_PORT_ARG, DevToolsWindow } from './devtools-window.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

const OUT = resolve(import.meta.dirname, '../screenshots');
const STORE = resolve(import.meta.dirname, '../../store');

const demo = await startDemo(0, 0);
const ext = await launchWithExtension([...DEVTOOLS_ARGS]);
const scratch = mkdtempSync(join(tmpdir(), 'cors-lens-shots-'));
let popupPng: Buffer | undefined;
try {
  const client = await ReportClient.open(ext);
  const page = await ext.context.newPage();
  await page.goto(`${demo.pageOrigin}/`);
  const tabId = await client.tabId(demo.pageOrigin);
  // DevTools opened with the tab and takes a moment to start; then the page again, as a user's
  // "Reload to capture" does, so DevTools' log holds it from its first request.
  await client.captured(tabId, 'devtools');
  await reloadDemo(page);
  await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.length >= 7 && r.entries.every((e) => e.state !== 'pending'),
  );
  const panel = await ext.context.newPage();
  await panel.setViewportSize({ width: 1280, height: 760 });
  for (const theme of ['light', 'dark'] as const) {
    await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}&theme=${theme}`));
    await panel.getByRole('listbox').getByRole('option').filter({ hasText: '/api/orders' }).click();
    await panel.getByRole('listbox').focus();
    await panel.screenshot({ path: resolve(OUT, `panel-${theme}.png`) });
  }
  const popup = await ext.context.newPage();
  await popup.setViewportSize({ width: 404, height: 470 });
  await popup.goto(ext.url(`extension/popup/index.html?tabId=${tabId}`));
  await waitUntil(
    () => popup.locator('.blocked-count').textContent(),
    (t) => t === '6',
    { what: 'the popup count' },
  );
  await popup.screenshot({ path: resolve(OUT, 'popup.png') });
  popupPng = await popup.screenshot();

  // The same page's requests again, this time as a HAR exported by DevTools and opened in the panel.
  const devtools = await DevToolsHar.attach(page);
  await runDemoAgain(page);
  const har = join(scratch, 'localhost.har');
  writeFileSync(har, await devtools.export());
  await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}&theme=light`));
  await panel.locator('input[type="file"]').setInputFiles(har);
  await panel.locator('.imported').waitFor();
  await panel.getByRole('listbox').getByRole('option').filter({ hasText: '/api/profile' }).last().click();
  await panel.screenshot({ path: resolve(OUT, 'panel-import.png') });
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await ext.close();
}

/**
 * The popup as a first-time user meets it: DevTools closed, nothing recording, the demo's
 * requests blocked all the same (the worker's error listener counts them, without headers).
 */
const closed = await launchWithExtension([]);
try {
  const client = await ReportClient.open(closed);
  const page = await closed.context.newPage();
  await page.goto(`${demo.pageOrigin}/`);
  const tabId = await client.tabId(demo.pageOrigin);
  await waitUntil(
    () => client.status(tabId),
    (s) => s.blocked >= 6,
    { what: 'the failures counted' },
  );
  const popup = await closed.context.newPage();
  await popup.setViewportSize({ width: 404, height: 420 });
  await popup.goto(closed.url(`extension/popup/index.html?tabId=${tabId}`));
  await popup.locator('.blocked-count').waitFor();
  await popup.screenshot({ path: resolve(OUT, 'popup-not-recording.png') });
} finally {
  await closed.close();
}

/**
 * The panel where developers use it: inside the real DevTools window, docked right (DevTools'
 * default, a narrow panel), at the bottom and undocked. One browser each: the dock side is set
 * before the panel shows, as a user's DevTools opens.
 */
const DOCKS = [
  { side: 'right', window: '1000,820' },
  { side: 'bottom', window: '1280,900' },
  { side: 'undocked', window: '1280,900' },
] as const;
try {
  for (const { side, window } of DOCKS) {
    const docked = await launchWithExtension([
      ...DEVTOOLS_ARGS,
      DEBUGGING_PORT_ARG,
      `--window-size=${window}`,
    ]);
    try {
      const { page, devtools } = await demoInDevTools(docked, side);
      await devtools.showPanel();
      // "Reload to capture", as the panel offers: the log then holds the page whole, headers and all.
      await reloadDemo(page);
      await devtools.panelRows((rows) => rows.some(recordedOrders), 'the demo rows');
      // A reload can leave DevTools repainting its tabs: show the panel again before the picture.
      await devtools.showPanel();
      await selectRow(devtools, '/api/orders');
      await new Promise((r) => setTimeout(r, 800));
      writeFileSync(resolve(OUT, `devtools-${side}.png`), await devtools.screenshot());
      await devtools.close();
    } finally {
      await docked.close();
    }
  }
  await storePictures();
  console.log(`Screenshots written to ${OUT} and ${STORE}`);
} finally {
  await demo.close();
}

/** The demo page in a tab of `ext`, once DevTools' log serves it, and its DevTools window docked at `side`. */
async function demoInDevTools(ext: LoadedExtension, side: 'right' | 'bottom' | 'undocked') {
  const client = await ReportClient.open(ext);
  const page = await ext.context.newPage();
  await page.goto(`${demo.pageOrigin}/`);
  await client.captured(await client.tabId(demo.pageOrigin), 'devtools');
  const devtools = await DevToolsWindow.of(ext, demo.pageOrigin);
  await devtools.dock(side);
  await new Promise((r) => setTimeout(r, 1500));
  return { page, devtools };
}

/** The row of the demo's POST /api/orders as DevTools recorded it (not a failure counted before). */
function recordedOrders(row: string): boolean {
  return row.includes('/api/orders') && !row.includes('not recorded');
}

/** Clicks the panel's newest row whose URL ends with `path`. */
function selectRow(devtools: DevToolsWindow, path: string): Promise<unknown> {
  return devtools.inPanel(
    `[...document.querySelectorAll('[role="option"]')].filter((r) => r.getAttribute('title').endsWith(${JSON.stringify(path)})).at(-1).click()`,
  );
}

/**
 * What the Chrome Web Store and Firefox Add-ons show: the real DevTools window, undocked and laid
 * out at the stores' 1280×800, on the demo; the popup on a plain backdrop at the same size; and
 * the promo tile, 440×280, drawn from the icon.
 */
async function storePictures(): Promise<void> {
  mkdirSync(join(STORE, 'screenshots'), { recursive: true });
  const ext = await launchWithExtension([...DEVTOOLS_ARGS, DEBUGGING_PORT_ARG, '--window-size=1280,900']);
  try {
    const { page, devtools } = await demoInDevTools(ext, 'undocked');
    await devtools.resize(1280, 800);
    await devtools.showPanel();
    // Reloaded with DevTools open, as a user's "Reload to capture" does: the log holds the page whole.
    await reloadDemo(page);
    await devtools.panelRows((rows) => rows.some(recordedOrders), 'the demo rows');
    const shot = async (name: string) => {
      await new Promise((r) => setTimeout(r, 800));
      writeFileSync(join(STORE, 'screenshots', name), await devtools.screenshot());
    };
    await selectRow(devtools, '/api/orders');
    await shot('1-why-blocked.png');
    await devtools.inPanel(`document.querySelector('.server-fix')?.scrollIntoView({ block: 'start' })`);
    await shot('2-one-fix-per-server.png');
    await devtools.setTheme('dark');
    await selectRow(devtools, '/api/profile');
    await new Promise((r) => setTimeout(r, 300));
    // The card keeps the previous one's scroll position (issue 24): back to its headline.
    await devtools.inPanel(
      `document.querySelectorAll('*').forEach((e) => { if (e.scrollTop) e.scrollTop = 0; })`,
    );
    await shot('3-dark-theme.png');
    await devtools.close();

    const backdrop = await ext.context.newPage();
    await backdrop.setViewportSize({ width: 1280, height: 800 });
    const icon = readFileSync(join(STORE, 'icon.svg'), 'utf8');
    const popup = popupPng ? `data:image/png;base64,${popupPng.toString('base64')}` : '';
    await backdrop.setContent(`<!doctype html><html><body style="margin:0;width:1280px;height:800px;display:flex;
      align-items:center;justify-content:center;gap:64px;background:#eef2f7;font:20px system-ui,sans-serif;color:#1f2937">
      <div style="max-width:440px"><div style="width:96px;height:96px">${icon}</div>
      <h1 style="font-size:34px;margin:24px 0 12px">The tab at a glance</h1>
      <p style="line-height:1.5;margin:0">The toolbar popup counts the tab's problems and blocked requests,
      says where the requests come from, and exports the report as JSON, Markdown or HTML.</p></div>
      <img src="${popup}" style="box-shadow:0 8px 32px rgba(0,0,0,.25);border-radius:8px"></body></html>`);
    await backdrop.screenshot({ path: join(STORE, 'screenshots', '4-popup.png') });

    await backdrop.setViewportSize({ width: 440, height: 280 });
    await backdrop.setContent(`<!doctype html><html><body style="margin:0;width:440px;height:280px;display:flex;
      align-items:center;gap:24px;padding:0 32px;box-sizing:border-box;background:#1e3a8a;color:#fff;
      font:16px system-ui,sans-serif"><div style="flex:none;width:112px;height:112px">${icon}</div>
      <div><div style="font-size:34px;font-weight:700;margin-bottom:10px">CORS Lens</div>
      <div style="font-size:17px;line-height:1.4">Why the browser blocked a request, and how to fix the server.</div></div>
      </body></html>`);
    await backdrop.screenshot({ path: join(STORE, 'promo-tile-440x280.png') });
  } finally {
    await ext.close();
  }
}
