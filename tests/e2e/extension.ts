/** Loads the built extension (dist/) into Chromium and waits until its service worker answers. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Worker } from 'playwright';
import { type LaunchedBrowser, launchChromium } from './chromium.ts';

export const DIST = resolve(import.meta.dirname, '../../dist');

export interface LoadedExtension extends LaunchedBrowser {
  readonly id: string;
  readonly worker: Worker;
  /** chrome-extension://<id>/<path> */
  url(path: string): string;
}

export async function launchWithExtension(): Promise<LoadedExtension> {
  if (!existsSync(resolve(DIST, 'manifest.json'))) {
    throw new Error('dist/ has no built extension: run `npm run build` first (npm test does).');
  }
  const browser = await launchChromium({ extensionDir: DIST });
  const worker =
    browser.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await browser.context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const id = new URL(worker.url()).host;
  return { ...browser, id, worker, url: (path) => `chrome-extension://${id}/${path.replace(/^\//, '')}` };
}
