/** The DevTools page only adds the "CORS" panel; the panel itself knows which tab it inspects. */
import { ext } from '../platform/index.ts';

void ext.devtools.panels.create(
  ext.i18n.getMessage('panelTitle') || 'CORS',
  '/icons/icon-32.png',
  '/extension/panel/index.html',
);
