/**
 * `npm run screenshots`: the panel (light and dark), the popup, and the panel showing a HAR that
 * Chromium's DevTools exported, taken from real Chromium on the demo, into tests/screenshots/ for
 * the README.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDemoAgain, startDemo } from '../servers/demo-api.ts';
import { DEVTOOLS_ARGS, DevToolsHar } from './devtools-har.ts';
import { DEBUGGING_PORT_ARG, DevToolsWindow } from './devtools-window.ts';
import { launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

const OUT = resolve(import.meta.dirname, '../screenshots');

const demo = await startDemo(0, 0);
const ext = await launchWithExtension([...DEVTOOLS_ARGS]);
const scratch = mkdtempSync(join(tmpdir(), 'cors-lens-shots-'));
try {
  const client = await ReportClient.open(ext);
  const page = await ext.context.newPage();
  await page.goto(`${demo.pageOrigin}/`);
  const tabId = await client.tabId(demo.pageOrigin);
  // DevTools opened with the tab and takes a moment to start; then the page again, as a user's
  // "Reload to capture" does, so DevTools' log holds it from its first request.
  await client.captured(tabId, 'devtools');
  await page.reload();
  await waitUntil(
    () => page.title(),
    (t) => t.includes('done'),
    { what: 'the demo page' },
  );
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
      const client = await ReportClient.open(docked);
      const page = await docked.context.newPage();
      await page.goto(`${demo.pageOrigin}/`);
      const tabId = await client.tabId(demo.pageOrigin);
      await client.captured(tabId, 'devtools');
      const devtools = await DevToolsWindow.of(docked, demo.pageOrigin);
      await devtools.dock(side);
      await new Promise((r) => setTimeout(r, 1500));
      await devtools.showPanel();
      await runDemoAgain(page);
      await devtools.panelRows((rows) => rows.some((r) => r.includes('/api/orders')), 'the demo rows');
      await devtools.inPanel(
        `[...document.querySelectorAll('[role="option"]')].filter((r) => r.getAttribute('title').endsWith('/api/orders')).at(-1).click()`,
      );
      await new Promise((r) => setTimeout(r, 800));
      writeFileSync(resolve(OUT, `devtools-${side}.png`), await devtools.screenshot());
      await devtools.close();
    } finally {
      await docked.close();
    }
  }
  console.log(`Screenshots written to ${OUT}`);
} finally {
  await demo.close();
}
