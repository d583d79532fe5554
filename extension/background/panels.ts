/**
 * The CORS panels that are open, by the tab they inspect: each connects a port named
 * `panel:<tabId>` and hears `cors:changed` whenever that tab's log changes.
 */
import type { Port } from '../platform/runtime.ts';
import type { EntriesChanged } from '../shared/messages.ts';

export class PanelPorts {
  readonly #ports = new Map<number, Set<Port>>();

  /**
   * Takes a port if it is a panel's; `onOpen(tabId, open)` hears when a tab's first panel opens and
   * its last one closes.
   */
  connect(port: Port, onOpen: (tabId: number, open: boolean) => void): void {
    const match = /^panel:(\d+)$/.exec(port.name);
    if (!match) return;
    const tabId = Number(match[1]);
    const ports = this.#ports.get(tabId) ?? new Set();
    ports.add(port);
    this.#ports.set(tabId, ports);
    onOpen(tabId, true);
    port.onDisconnect.addListener(() => {
      ports.delete(port);
      if (ports.size > 0) return;
      this.#ports.delete(tabId);
      onOpen(tabId, false);
    });
  }

  notify(tabId: number): void {
    const ports = this.#ports.get(tabId);
    if (!ports) return;
    const message: EntriesChanged = { type: 'cors:changed', tabId };
    for (const port of ports) port.postMessage(message);
  }

  forget(tabId: number): void {
    this.#ports.delete(tabId);
  }
}
