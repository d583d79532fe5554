/** The popup page: the active tab's summary. `?tabId=N` shows another tab (tests, screenshots). */
import { render } from 'preact';
import { activeTabId } from '../platform/tabs.ts';
import { t } from '../ui/i18n.ts';
import { Popup } from './Popup.tsx';
import './popup.css';

const params = new URLSearchParams(location.search);
document.documentElement.dataset.theme =
  params.get('theme') ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

async function start(root: HTMLElement): Promise<void> {
  const fromQuery = Number(params.get('tabId'));
  const tabId = Number.isInteger(fromQuery) && fromQuery > 0 ? fromQuery : await activeTabId();
  if (tabId === undefined) {
    root.textContent = t('popupCannotInspect');
    return;
  }
  render(<Popup tabId={tabId} />, root);
}

const root = document.getElementById('app');
if (root) void start(root);
