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
