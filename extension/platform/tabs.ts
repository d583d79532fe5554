/** Tabs: their ids and URLs, their lifecycle, and the toolbar badge on each. */
import { browser } from './browser.ts';
import { localized } from './i18n.ts';

export interface TabInfo {
  readonly id: number;
  readonly url: string | undefined;
}

export async function allTabs(): Promise<TabInfo[]> {
  const tabs = await browser.tabs.query({});
  return tabs.flatMap((t) => (t.id === undefined ? [] : [{ id: t.id, url: t.url }]));
}

export async function activeTabId(): Promise<number | undefined> {
  return (await browser.tabs.query({ active: true, currentWindow: true }))[0]?.id;
}

export async function reloadTab(tabId: number): Promise<void> {
  await browser.tabs.reload(tabId);
}

export function onTabRemoved(listener: (tabId: number) => void): void {
  browser.tabs.onRemoved.addListener((tabId) => listener(tabId));
}

/** A tab started loading (`loading`), or its URL changed (`url`). */
export function onTabUpdated(
  listener: (
    tabId: number,
    change: { loading: boolean; url: string | undefined },
    tabUrl: string | undefined,
  ) => void,
): void {
  browser.tabs.onUpdated.addListener((tabId, change, tab) =>
    listener(tabId, { loading: change.status === 'loading', url: change.url }, tab.url),
  );
}

/**
 * The number on the toolbar icon of one tab (nothing for 0), and its tooltip saying what the
 * number counts. A closed tab is no error.
 */
export function setBadgeCount(tabId: number, count: number): void {
  void browser.action.setBadgeText({ tabId, text: count > 0 ? String(count) : '' }).catch(() => {});
  void browser.action.setBadgeBackgroundColor({ tabId, color: '#dc2626' }).catch(() => {});
  const title =
    count === 0
      ? localized('extName') || 'CORS Lens'
      : localized('badgeTitle', [String(count)]) ||
        `CORS Lens: blocked cross-origin requests in this tab: ${count}`;
  void browser.action.setTitle({ tabId, title }).catch(() => {});
}
