/**
 * The DevTools windows whose network log serves a tab: each one's devtools page connects a port
 * named `devtools:<tabId>` and sends the requests DevTools finishes. While one is connected the
 * tab needs no webRequest capture; the port also carries the settings to it.
 */
import type { Port } from '../platform/runtime.ts';
import type { DevToolsRequests, SettingsChanged } from '../shared/messages.ts';
import type { Settings } from '../shared/settings.ts';

export class DevToolsPorts {
  readonly #ports = new Map<number, Set<Port>>();

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
      if (m?.type === 'cors:devtools-requests' && m.tabId === tabId && Array.isArray(m.requests))
        onRequests(m);
    });
    port.onDisconnect.addListener(() => {
      ports.delete(port);
      if (ports.size > 0) return;
      this.#ports.delete(tabId);
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

  /** Tells every devtools page the settings changed (preserve log, ring size). */
  settingsChanged(settings: Settings): void {
    const message: SettingsChanged = { type: 'cors:settings-changed', settings };
    for (const ports of this.#ports.values()) for (const port of ports) port.postMessage(message);
  }

  forget(tabId: number): void {
    this.#ports.delete(tabId);
  }
}
