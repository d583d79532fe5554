/** Messaging between the extension's pages and its worker, and the worker's own lifetime. */
import type { Runtime } from 'webextension-polyfill';
import { browser } from './browser.ts';

export type Port = Runtime.Port;

/** Sends a message to the worker and resolves with its reply (undefined when nobody answered). */
export function sendMessage(message: unknown): Promise<unknown> {
  return browser.runtime.sendMessage(message);
}

/**
 * Answers messages: `handle` returns the reply's promise, or undefined for a message it does not
 * take (another listener may). Registered synchronously, so a message that wakes the worker is
 * delivered.
 */
export function onMessage(handle: (message: unknown) => Promise<unknown> | undefined): void {
  browser.runtime.onMessage.addListener((message: unknown) => handle(message));
}

export function connect(name: string): Port {
  return browser.runtime.connect({ name });
}

export type ConnectionState = 'connected' | 'reconnecting';

/**
 * A port to the worker that comes back by itself: when Chrome stops the worker the port drops;
 * it is opened again at once, then with a growing pause. `onOpen` runs on every (re)connection
 * (the place to send what the worker may have missed); returns the function that closes it.
 */
export function keepConnected(
  name: string,
  handlers: {
    readonly onOpen: (port: Port) => void;
    readonly onMessage: (message: unknown) => void;
    readonly onState?: (state: ConnectionState) => void;
  },
): () => void {
  let port: Port | null = null;
  let closed = false;
  let delay = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    timer = setTimeout(open, delay);
    delay = Math.min(2000, delay === 0 ? 100 : delay * 2);
  };
  const open = () => {
    if (closed) return;
    try {
      port = connect(name);
    } catch {
      schedule();
      return;
    }
    const current = port;
    current.onMessage.addListener((message: unknown) => {
      delay = 0;
      handlers.onMessage(message);
    });
    current.onDisconnect.addListener(() => {
      port = null;
      if (closed) return;
      handlers.onState?.('reconnecting');
      schedule();
    });
    handlers.onState?.('connected');
    handlers.onOpen(current);
  };
  open();
  return () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    port?.disconnect();
  };
}

export function onConnect(listener: (port: Port) => void): void {
  browser.runtime.onConnect.addListener(listener);
}

export function extensionVersion(): string {
  return browser.runtime.getManifest().version;
}

/**
 * Any extension API call resets the service worker's idle timer (Chrome 110+): while a tab records
 * the worker keeps itself alive this way. Returns the function that stops it.
 */
export function keepAlive(): () => void {
  const timer = setInterval(() => void browser.runtime.getPlatformInfo(), 20_000);
  return () => clearInterval(timer);
}

/** Opens the extension's options page (where the log's size is set). */
export function openOptions(): void {
  void browser.runtime.openOptionsPage().catch(() => {});
}
