/** The DevTools side: which tab a DevTools window inspects, its theme, and adding our panel. */
import { browser } from './browser.ts';

/** The tab the DevTools window inspects, or null outside DevTools (the panel opened as a tab). */
export function inspectedTabId(): number | null {
  return browser.devtools?.inspectedWindow ? browser.devtools.inspectedWindow.tabId : null;
}

/** DevTools' theme, or null outside DevTools. */
export function devtoolsTheme(): 'dark' | 'light' | null {
  if (!browser.devtools?.panels) return null;
  return browser.devtools.panels.themeName === 'dark' ? 'dark' : 'light';
}

export function createPanel(title: string, icon: string, page: string): void {
  void browser.devtools.panels.create(title, icon, page);
}
