/**
 * The DevTools windows whose network log serves a tab: each one's devtools page connects a port
 * named `devtools:<tabId>` and sends the requests DevTools finishes. While one is connected the
 * tab needs no webRequest capture; the port also carries the settings to it.
 */
import type { Port } from '../platform/runtime.ts';
import type { DevToolsRequests, DevToolsSync, SettingsChanged } from '../shared/messages.ts';
import type { Settings } from '../shared/settings.ts';

/** How long `cors:report` waits for a devtools page's answer before it answers with what it has. */
export const SYNC_TIMEOUT_MS = 2000;

export class DevToolsPorts {
  readonly #ports = new Map<number, Set<Port>>();
  /** Syncs waiting for their answer: id → resolve. */
  readonly #syncs = new Map<number, () => void>();
  #nextSync = 1;

  /**
   * Takes a port if it is a devtools page's, and returns its tab (null for any other port). Call it
   * synchronously in `onConnect`: a devtools page sends its whole log the moment it connects, and a
   * message that arrives before the port has a listener is lost. `onServed(tabId, served)` hears
   * when a tab's first DevTools window connects and its last one goes; `onRequests` each batch.
   */
  connect(
    port: Port,
    onServed: (tabId: number, served: boolean) => void,
    onRequests: (message: DevToolsRequests) => void,
  ): number | null {
    const match = /^devtools:(\d+)$/.exec(port.name);
    if (!match) return null;
    const tabId = Number(match[1]);
    const ports = this.#ports.get(tabId) ?? new Set();
    ports.add(port);
    this.#ports.set(tabId, ports);
    onServed(tabId, true);
    port.onMessage.addListener((message: unknown) => {
      const m = message as DevToolsRequests | null;
      if (m?.type !== 'cors:devtools-requests' || m.tabId !== tabId || !Array.isArray(m.requests)) return;
      onRequests(m);
      if (typeof m.synced === 'number') this.#syncs.get(m.synced)?.();
    });
    port.onDisconnect.addListener(() => {
      ports.delete(port);
      if (ports.size > 0) return;
      if (this.#ports.get(tabId) === ports) this.#ports.delete(tabId);
      onServed(tabId, false);
    });
    return tabId;
  }

  /** Tells one devtools page the settings (once they are loaded). */
  tell(port: Port, settings: Settings): void {
    try {
      port.postMessage({ type: 'cors:settings-changed', settings } satisfies SettingsChanged);
    } catch {
      // It went away meanwhile.
    }
  }

  /**
   * Asks the tab's DevTools windows for what their log holds now, and resolves when each has
   * answered (its requests handed to `onRequests` first) or after SYNC_TIMEOUT_MS. Resolves at once
   * when no DevTools window serves the tab.
   */
  sync(tabId: number): Promise<void> {
    const ports = [...(this.#ports.get(tabId) ?? [])];
    return Promise.all(
      ports.map(
        (port) =>
          new Promise<void>((resolve) => {
            const id = this.#nextSync++;
            const done = () => {
              clearTimeout(timer);
              this.#syncs.delete(id);
              resolve();
            };
            const timer = setTimeout(done, SYNC_TIMEOUT_MS);
            this.#syncs.set(id, done);
            try {
              port.postMessage({ type: 'cors:devtools-sync', id } satisfies DevToolsSync);
            } catch {
              done();
            }
          }),
      ),
    ).then(() => undefined);
  }

  /**
   * Tells every devtools page the settings changed (preserve log, ring size). A port whose page
   * went away without its disconnect being delivered yet throws: it is dropped, and the other
   * windows are still told.
   */
  settingsChanged(settings: Settings): void {
    const message: SettingsChanged = { type: 'cors:settings-changed', settings };
    for (const ports of this.#ports.values()) {
      for (const port of [...ports]) {
        try {
          port.postMessage(message);
        } catch {
          // Its disconnect, when Chrome delivers it, still tells the worker the window is gone.
          ports.delete(port);
        }
      }
    }
  }

  forget(tabId: number): void {
    this.#ports.delete(tabId);
  }
}
