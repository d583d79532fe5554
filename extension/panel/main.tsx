/**
 * The panel page. Inside DevTools it inspects the DevTools window's tab and follows DevTools'
 * theme; opened as a normal tab with `?tabId=N` it shows that tab's log (and `&theme=dark|light`
 * picks a theme), which is how tests and screenshots use it.
 */
import { render } from 'preact';
import { devtoolsTheme, inspectedTabId } from '../platform/devtools.ts';
import { Panel } from './Panel.tsx';
import './panel.css';

const params = new URLSearchParams(location.search);
const tabId = inspectedTabId() ?? Number(params.get('tabId'));

const theme =
  params.get('theme') ??
  devtoolsTheme() ??
  (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
document.documentElement.dataset.theme = theme;

const root = document.getElementById('app');
if (root) {
  if (Number.isInteger(tabId) && tabId > 0) render(<Panel tabId={tabId} />, root);
  else root.textContent = 'Open this page from DevTools, or with ?tabId=<id> of the tab to show.';
}
