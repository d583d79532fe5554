/** The popup page: the active tab's summary. `?tabId=N` shows another tab (tests, screenshots). */
import { render } from 'preact';
import { ext } from '../platform/index.ts';
import { t } from '../shared/i18n.ts';
import { Popup } from './Popup.tsx';
import './popup.css';

const params = new URLSearchParams(location.search);
document.documentElement.dataset.theme =
  params.get('theme') ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');

async function start(root: HTMLElement): Promise<void> {
  const fromQuery = Number(params.get('tabId'));
  const tabId =
    Number.isInteger(fromQuery) && fromQuery > 0
      ? fromQuery
      : (await ext.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  if (tabId === undefined) {
    root.textContent = t('popupCannotInspect');
    return;
  }
  render(<Popup tabId={tabId} />, root);
}

const root = document.getElementById('app');
if (root) void start(root);
