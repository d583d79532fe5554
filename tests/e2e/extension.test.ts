/** The built extension loads in real Chromium: manifest, service worker, DevTools panel and popup pages. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type LoadedExtension, launchWithExtension } from './extension.ts';

let ext: LoadedExtension;

beforeAll(async () => {
  ext = await launchWithExtension();
});

afterAll(async () => {
  await ext?.close();
});

test('the manifest is Manifest V3, named CORS Lens, with a popup and a DevTools page', async () => {
  const manifest = await ext.worker.evaluate(() => chrome.runtime.getManifest());
  expect(manifest.manifest_version).toBe(3);
  expect(await ext.worker.evaluate(() => chrome.i18n.getMessage('extName'))).toBe('CORS Lens');
  expect(manifest.action?.default_popup).toBe('extension/popup/index.html');
  expect(manifest.devtools_page).toBe('extension/devtools/index.html');
  expect(manifest.background).toMatchObject({ type: 'module' });
});

test('the service worker answers a typed message from an extension page', async () => {
  const page = await ext.context.newPage();
  await page.goto(ext.url('extension/popup/index.html'));
  const reply = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'cors:ping' }));
  expect(reply).toEqual({ ready: true, version: '0.1.0' });
  // Anything that is not one of our messages gets no answer rather than an error.
  const ignored = await page.evaluate(() => chrome.runtime.sendMessage({ type: 'something-else' }));
  expect(ignored).toBeUndefined();
  await page.close();
});

test('the panel and the popup render', async () => {
  const page = await ext.context.newPage();
  await page.goto(ext.url('extension/panel/index.html'));
  await expect
    .poll(() => page.locator('#app').textContent())
    .toMatch(/Open this page from DevTools, or with \?tabId=/);
  await page.goto(ext.url('extension/panel/index.html?tabId=1'));
  await expect.poll(() => page.getByRole('listbox').count()).toBe(1);
  await page.goto(ext.url('extension/popup/index.html'));
  await expect.poll(() => page.locator('h1').textContent()).toBe('CORS Lens');
  await page.close();
});
