/**
 * The DevTools side: which tab a DevTools window inspects, its theme, our panel, and its network
 * log (`devtools.network`: everything DevTools recorded since it opened, then each request as it
 * finishes, at no cost to the page beyond what DevTools itself spends).
 */
import { BROWSER, browser } from './browser.ts';

/** The tab the DevTools window inspects, or null outside DevTools (the panel opened as a tab). */
export function inspectedTabId(): number | null {
  return browser.devtools?.inspectedWindow ? browser.devtools.inspectedWindow.tabId : null;
}

/** DevTools' theme, or null outside DevTools. */
export function devtoolsTheme(): 'dark' | 'light' | null {
  if (!browser.devtools?.panels) return null;
  return browser.devtools.panels.themeName === 'dark' ? 'dark' : 'light';
}

/**
 * Calls `listener` each time the user switches DevTools' theme: Chrome's setThemeChangeHandler,
 * Firefox's onThemeChanged. Outside DevTools, nothing.
 */
export function onDevtoolsThemeChange(listener: (theme: 'dark' | 'light') => void): void {
  const panels = browser.devtools?.panels as
    | {
        onThemeChanged?: { addListener(cb: (name: string) => void): void };
        setThemeChangeHandler?: (cb: (name: string) => void) => void;
      }
    | undefined;
  const relay = (name: string) => listener(name === 'dark' ? 'dark' : 'light');
  if (panels?.onThemeChanged) panels.onThemeChanged.addListener(relay);
  else if (typeof panels?.setThemeChangeHandler === 'function') panels.setThemeChangeHandler(relay);
}

/** Adds our panel; `onShown` hears the panel's window each time the user shows it, `onHidden` when it goes. */
export function createPanel(
  title: string,
  icon: string,
  page: string,
  onShown?: (panel: Window) => void,
  onHidden?: () => void,
): void {
  void browser.devtools.panels.create(title, icon, page).then((panel) => {
    if (onShown) panel.onShown.addListener(onShown);
    if (onHidden) panel.onHidden.addListener(onHidden);
  });
}

/**
 * The HAR entries DevTools has recorded for the tab since it opened — requests still in flight
 * included. Each call builds the whole log again: read it when someone needs it, not on a timer.
 */
export async function networkLog(): Promise<readonly unknown[]> {
  const log = await browser.devtools.network.getHAR();
  return Array.isArray(log?.entries) ? log.entries : [];
}

/**
 * Each request DevTools finishes from now on, as a HAR entry (failed ones included); returns the
 * function that stops listening. While anyone listens, DevTools builds a HAR entry for every
 * request of the tab and sends it over: about 1 ms of CPU each (Chromium 156), so listen only
 * while the entries are wanted.
 */
export function onNetworkRequest(listener: (entry: unknown) => void): () => void {
  const forward = (request: unknown) => listener(request);
  browser.devtools.network.onRequestFinished.addListener(forward);
  return () => browser.devtools.network.onRequestFinished.removeListener(forward);
}

/**
 * Whether DevTools' log can be read whole later, each request with an id: Chrome's `getHAR()` holds
 * everything since DevTools opened. Firefox's is empty until its Network panel exists (measured in
 * Firefox ESR 153) and its entries carry no id: there the log is followed from the start.
 */
export const NETWORK_LOG_READABLE_LATER = BROWSER === 'chrome';

/**
 * DevTools' own number for a request of its log: the same in `networkLog()` and in
 * `onNetworkRequest`, so an entry read twice is known. Null where the browser gives none.
 */
export function networkRequestId(entry: unknown): number | null {
  const id = typeof entry === 'object' && entry !== null ? (entry as { _id?: unknown })._id : undefined;
  return typeof id === 'number' ? id : null;
}

/** The inspected tab navigated to a new page. */
export function onNavigated(listener: (url: string) => void): void {
  browser.devtools.network.onNavigated.addListener(listener);
}

/** Reloads the inspected page, so that DevTools records it from its first request. */
export function reloadInspected(): void {
  browser.devtools.inspectedWindow.reload({});
}

interface OpenResource {
  openResource?: (url: string, lineNumber: number, columnNumber?: number) => void;
}

/**
 * Shows a line of the page's code in DevTools' Sources panel (`line` and `column` count from 1, as
 * a person reads them; DevTools counts from 0). False where the browser cannot.
 */
export function openSource(url: string, line: number, column: number): boolean {
  // Not modelled by webextension-polyfill: Chrome's and Firefox's own namespace carry it.
  const panels = (globalThis as { chrome?: { devtools?: { panels?: OpenResource } } }).chrome?.devtools
    ?.panels;
  if (typeof panels?.openResource !== 'function') return false;
  panels.openResource(url, Math.max(0, line - 1), Math.max(0, column - 1));
  return true;
}
