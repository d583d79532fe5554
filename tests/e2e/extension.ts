/** Loads the built extension (dist/) into Chromium and waits until its service worker answers. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Worker } from 'playwright';
import type { CorsLensTestHook } from '../../extension/background/index.ts';
import { type LaunchedBrowser, launchChromium } from './chromium.ts';

export const DIST = resolve(import.meta.dirname, '../../dist');

export interface LoadedExtension extends LaunchedBrowser {
  readonly id: string;
  readonly worker: Worker;
  /** chrome-extension://<id>/<path> */
  url(path: string): string;
}

/** Chromium with the built extension (or a copy of it in `dir`) loaded. */
export async function launchWithExtension(
  args: readonly string[] = [],
  dir: string = DIST,
): Promise<LoadedExtension> {
  if (!existsSync(resolve(dir, 'manifest.json'))) {
    throw new Error(`${dir} has no built extension: run \`npm run build\` first (npm test does).`);
  }
  const browser = await launchChromium({ extensionDir: dir, args });
  const worker =
    browser.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await browser.context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const id = new URL(worker.url()).host;
  return { ...browser, id, worker, url: (path) => `chrome-extension://${id}/${path.replace(/^\//, '')}` };
}

/** Left in a worker instance before it is stopped: the instance Chrome starts next lacks it. */
const STOP_MARK = '__corsLensStopped';

const ours = (ext: LoadedExtension) => (w: { url(): string }) =>
  w.url().startsWith(`chrome-extension://${ext.id}/`);

/**
 * Stops the extension's service worker the way Chrome does when it is idle: its target is closed.
 * Uses a page's CDP session, whose Target domain sees every target of the browser. Chrome may start
 * the worker again at once (same target id, measured), so callers wait with workerStopped().
 */
export async function stopServiceWorker(
  ext: LoadedExtension,
  page: import('playwright').Page,
): Promise<void> {
  const running = ext.context.serviceWorkers().find(ours(ext));
  await running?.evaluate((mark) => Object.assign(globalThis, { [mark]: true }), STOP_MARK).catch(() => {});
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const worker = targetInfos.find(
      (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${ext.id}/`),
    );
    if (!worker) throw new Error('the extension has no running service worker to stop');
    await cdp.send('Target.closeTarget', { targetId: worker.targetId });
  } finally {
    await cdp.detach();
  }
}

/** Whether the instance stopServiceWorker marked is gone: no worker runs, or a new one does. */
export async function workerStopped(ext: LoadedExtension): Promise<boolean> {
  const worker = ext.context.serviceWorkers().find(ours(ext));
  if (!worker) return true;
  return worker.evaluate((mark) => !(mark in globalThis), STOP_MARK).catch(() => true);
}

/** The worker's test hook (`globalThis.corsLens`, typed by the worker itself). */
type WorkerGlobal = typeof globalThis & { corsLens: CorsLensTestHook };

/** Resolves once the worker has loaded its stored state. */
export function workerReady(ext: LoadedExtension): Promise<void> {
  return ext.worker.evaluate(() => (globalThis as WorkerGlobal).corsLens.ready);
}

/** Resolves when everything the worker captured so far is in storage. */
export function workerFlushed(ext: LoadedExtension): Promise<void> {
  return ext.worker.evaluate(() => (globalThis as WorkerGlobal).corsLens.flushed());
}
