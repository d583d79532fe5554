/**
 * The devtools page of one DevTools window: it adds the CORS panel, and captures the inspected
 * tab from DevTools' network log for that panel and for the worker (capture.ts) — while the panel
 * is shown, or when the worker asks.
 */
import { createPanel, inspectedTabId } from '../platform/devtools.ts';
import { DEVTOOLS_HANDLE } from '../shared/page-names.ts';
import { t } from '../ui/i18n.ts';
import type { DevToolsHandle } from '../ui/source.ts';
import { DevToolsCapture } from './capture.ts';

const tabId = inspectedTabId();
const capture = tabId === null ? null : new DevToolsCapture(tabId);
const handle: DevToolsHandle = { source: (id) => (capture && id === capture.tabId ? capture : null) };

// Left here for the panel, which looks among its DevTools window's frames (Chrome), and on the
// panel's own window each time it is shown (the way that also works in Firefox).
Object.assign(window, { [DEVTOOLS_HANDLE]: handle });
createPanel(
  t('panelTitle'),
  '/icons/icon-32.png',
  '/extension/panel/index.html',
  (panel) => {
    Object.assign(panel, { [DEVTOOLS_HANDLE]: handle });
    capture?.panelShown(true);
  },
  () => capture?.panelShown(false),
);
