/**
 * The real DevTools window, driven as a user would see it. Chromium runs with
 * --auto-open-devtools-for-tabs and a debugging port; puppeteer-core connects to the same browser,
 * finds the DevTools window inspecting a page (a target of its own), shows our panel there with
 * DevTools' own InspectorView, docks it, and reaches the panel's frame inside it (an out-of-process
 * frame, attached through Target.setAutoAttach) to read what the user sees.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type CDPSession } from 'puppeteer-core';
import type { LoadedExtension } from './extension.ts';
import { waitUntil } from './wait.ts';

/** Added to Chromium's flags so that a second client can attach (written to DevToolsActivePort). */
export const DEBUGGING_PORT_ARG = '--remote-debugging-port=0';

interface Evaluated {
  result?: { value?: unknown };
  exceptionDetails?: { text?: string; exception?: { description?: string } };
}

export class DevToolsWindow {
  /** The frames inside the DevTools window (the devtools page, the panels), by target id. */
  readonly #frames = new Map<string, { url: string; session: CDPSession }>();

  private constructor(
    private readonly browser: Browser,
    private readonly frontend: CDPSession,
    private readonly extensionId: string,
  ) {
    frontend.on('Target.attachedToTarget', (e) => {
      const child = frontend.connection()?.session(e.sessionId);
      if (child) this.#frames.set(e.targetInfo.targetId, { url: e.targetInfo.url, session: child });
    });
    // A frame attaches before it has loaded its page: its URL comes after.
    frontend.on('Target.targetInfoChanged', (e) => {
      const frame = this.#frames.get(e.targetInfo.targetId);
      if (frame) frame.url = e.targetInfo.url;
    });
    frontend.on('Target.detachedFromTarget', (e) => {
      for (const [id, f] of this.#frames) if (f.session.id() === e.sessionId) this.#frames.delete(id);
    });
  }

  /** The DevTools window inspecting the tab at `pageUrl`, once DevTools has booted. */
  static async of(ext: LoadedExtension, pageUrl: string): Promise<DevToolsWindow> {
    const port = readFileSync(join(ext.profile, 'DevToolsActivePort'), 'utf8').split('\n')[0];
    const browser = await puppeteer.connect({
      browserURL: `http://127.0.0.1:${port}`,
      defaultViewport: null,
    });
    let found: DevToolsWindow | undefined;
    await waitUntil(
      async () => {
        for (const target of browser.targets().filter((t) => t.url().startsWith('devtools://devtools/'))) {
          const session = await target.createCDPSession().catch(() => null);
          if (!session) continue;
          const inspected = await evaluate(
            session,
            `(async () => (await import('./core/sdk/sdk.js')).TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL() ?? '')()`,
          ).catch(() => '');
          if (typeof inspected === 'string' && inspected.startsWith(pageUrl)) {
            found = new DevToolsWindow(browser, session, ext.id);
            await session.send('Target.setAutoAttach', {
              autoAttach: true,
              waitForDebuggerOnStart: false,
              flatten: true,
            });
            return true;
          }
          await session.detach().catch(() => {});
        }
        return false;
      },
      (ok) => ok,
      { what: `the DevTools window of ${pageUrl}`, timeoutMs: 30_000, intervalMs: 250 },
    );
    if (!found) throw new Error('unreachable');
    return found;
  }

  /** Shows the CORS panel (or another panel of the extension, by title), as clicking its tab does. */
  async showPanel(title = 'CORS', timeoutMs = 15_000): Promise<void> {
    await waitUntil(
      () =>
        evaluate(
          this.frontend,
          `(async () => {
            const UI = await import('./ui/legacy/legacy.js');
            const view = UI.InspectorView.InspectorView.instance();
            const id = 'chrome-extension://${this.extensionId}${title}';
            await view.showPanel(id);
            // Asked before the devtools page added the panel, DevTools shows none: try again then.
            return view.tabbedPane.selectedTabId === id;
          })()`,
        ).catch(() => false),
      (shown) => shown === true,
      { what: `the ${title} panel to show`, timeoutMs, intervalMs: 200 },
    );
  }

  /** The id of the panel DevTools shows (elements, sources, network, or ours). */
  async selectedPanel(): Promise<string> {
    return (await evaluate(
      this.frontend,
      `(async () => (await import('./ui/legacy/legacy.js')).InspectorView.InspectorView.instance().tabbedPane.selectedTabId ?? '')()`,
    )) as string;
  }

  /** Docks DevTools to the right, to the bottom, or undocks it. */
  async dock(side: 'right' | 'bottom' | 'undocked'): Promise<void> {
    await evaluate(
      this.frontend,
      `(async () => { (await import('./ui/legacy/legacy.js')).DockController.DockController.instance().setDockSide('${side}'); })()`,
    );
  }

  /** Switches DevTools' theme, as its Settings → Preferences → Theme does. */
  async setTheme(theme: 'dark' | 'light'): Promise<void> {
    await evaluate(
      this.frontend,
      `(async () => { (await import('./core/common/common.js')).Settings.Settings.instance().moduleSetting('ui-theme').set('${theme}'); })()`,
    );
  }

  /** Evaluates in the panel's frame (once it exists) and returns the value. */
  inPanel<T>(expression: string): Promise<T> {
    return this.inFrame<T>('/extension/panel/index.html', expression);
  }

  /** Evaluates in the frame of DevTools' window whose URL contains `urlPart` (once it exists). */
  async inFrame<T>(urlPart: string, expression: string): Promise<T> {
    const session = await waitUntil(
      async () => {
        for (const frame of this.#frames.values()) {
          if (frame.url.includes(urlPart)) return frame.session;
          // The URL may not have been reported yet: ask the frame itself.
          const url = await evaluate(frame.session, 'location.href').catch(() => '');
          if (typeof url === 'string' && url.includes(urlPart)) {
            frame.url = url;
            return frame.session;
          }
        }
        return null;
      },
      (s) => s !== null,
      { what: `the frame of ${urlPart}`, timeoutMs: 15_000 },
    );
    return (await evaluate(session as CDPSession, expression)) as T;
  }

  /** The JS heap of the frame whose URL contains `urlPart`, in MB, after a garbage collection. */
  async heapMB(urlPart: string): Promise<number> {
    await this.inFrame(urlPart, 'true');
    const frame = [...this.#frames.values()].find((f) => f.url.includes(urlPart));
    if (!frame) throw new Error(`no frame of ${urlPart}`);
    await frame.session.send('HeapProfiler.collectGarbage');
    const { usedSize } = (await frame.session.send('Runtime.getHeapUsage')) as { usedSize: number };
    return Math.round((usedSize / 1024 / 1024) * 10) / 10;
  }

  /** The texts of the panel's rows, once `ready` holds for them. */
  panelRows(ready: (rows: string[]) => boolean, what: string): Promise<string[]> {
    return waitUntil(
      () =>
        this.inPanel<string[]>(
          `[...document.querySelectorAll('[role="option"]')].map((r) => r.getAttribute('title') + ' | ' + r.textContent)`,
        ).catch(() => []),
      ready,
      { what, timeoutMs: 15_000 },
    );
  }

  /** A PNG of the whole DevTools window, as the user sees it. */
  async screenshot(): Promise<Buffer> {
    const { data } = await this.frontend.send('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(data, 'base64');
  }

  /** Lays DevTools' window out at exactly width × height CSS pixels (a store's screenshot size). */
  async resize(width: number, height: number): Promise<void> {
    await this.frontend.send('Emulation.setDeviceMetricsOverride', {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
  }

  async close(): Promise<void> {
    await this.browser.disconnect();
  }
}

async function evaluate(session: CDPSession, expression: string): Promise<unknown> {
  const reply = (await session.send('Runtime.evaluate', {
    expression,
    awaitPromise: true,
    returnByValue: true,
  })) as Evaluated;
  if (reply.exceptionDetails) {
    throw new Error(reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text ?? 'threw');
  }
  return reply.result?.value;
}
