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
  console.log(`Screenshots written to ${OUT}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await ext.close();
  await demo.close();
}
