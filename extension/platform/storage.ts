/** Extension storage: the session area the capture store lives in, and the settings in the local one. */
import { browser } from './browser.ts';

/** A storage area as the capture store uses it (a fake one serves in tests). */
export interface StorageArea {
  get(keys: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** Survives the service worker being stopped; cleared when the browser closes. */
export function sessionStorage(): StorageArea {
  return browser.storage.session;
}

/** The saved settings, as stored (the caller parses them). */
export async function loadSettings(): Promise<unknown> {
  return (await browser.storage.local.get('settings')).settings;
}

export async function saveSettings(settings: object): Promise<void> {
  await browser.storage.local.set({ settings });
}

/**
 * Hears every change of the saved settings, whoever made it (the options page, another panel):
 * `listener` gets the stored value (the caller parses it). Returns the function that stops it.
 */
export function onSettingsChanged(listener: (stored: unknown, before: unknown) => void): () => void {
  const forward = (changes: Record<string, { newValue?: unknown; oldValue?: unknown }>, area: string) => {
    if (area === 'local' && 'settings' in changes)
      listener(changes.settings?.newValue, changes.settings?.oldValue);
  };
  browser.storage.onChanged.addListener(forward);
  return () => browser.storage.onChanged.removeListener(forward);
}

/** Small values the worker keeps across its own restarts (which tabs the user asked to record). */
export async function loadSessionValue(key: string): Promise<unknown> {
  return (await browser.storage.session.get(key))[key];
}

export async function saveSessionValue(key: string, value: unknown): Promise<void> {
  await browser.storage.session.set({ [key]: value });
}
