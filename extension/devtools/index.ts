/** The DevTools page only adds the "CORS" panel; the panel itself knows which tab it inspects. */
import { browser } from '../platform/index.ts';

void browser.devtools.panels.create(
  browser.i18n.getMessage('panelTitle') || 'CORS',
  '/icons/icon-32.png',
  '/extension/panel/index.html',
);
