/**
 * The panel page. Inside DevTools it shows the inspected tab from its DevTools window's own network
 * log (the devtools page keeps it; see ui/source.ts) and follows DevTools' theme; opened as a
 * normal tab with `?tabId=N` it shows the worker's log of that tab (and `&theme=dark|light` picks a
 * theme), which is how tests and screenshots use it.
 */
import { render } from 'preact';
import { devtoolsTheme, inspectedTabId, onDevtoolsThemeChange } from '../platform/devtools.ts';
import { markOnce, PANEL_MARKS } from '../shared/page-names.ts';
import { findDevToolsSource, type LogSource, workerSource } from '../ui/source.ts';
import { Panel } from './Panel.tsx';
import './panel.css';

markOnce(PANEL_MARKS.start);

const params = new URLSearchParams(location.search);

const theme =
  params.get('theme') ??
  devtoolsTheme() ??
  (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
document.documentElement.dataset.theme = theme;
// A theme switched in DevTools' settings applies at once, as it does to DevTools' own panels.
if (!params.has('theme')) {
  onDevtoolsThemeChange((next) => {
    document.documentElement.dataset.theme = next;
  });
}

/** Inside DevTools, its devtools page; without one (it failed to start), the worker. */
async function sourceOf(): Promise<LogSource | null> {
  const inspected = inspectedTabId();
  if (inspected !== null) return (await findDevToolsSource(inspected, 2000)) ?? workerSource(inspected);
  const fromQuery = Number(params.get('tabId'));
  return Number.isInteger(fromQuery) && fromQuery > 0 ? workerSource(fromQuery) : null;
}

const root = document.getElementById('app');
if (root) {
  void sourceOf().then((source) => {
    if (source) render(<Panel source={source} />, root);
    else root.textContent = 'Open this page from DevTools, or with ?tabId=<id> of the tab to show.';
  });
}
