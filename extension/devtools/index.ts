/** The DevTools page only adds the "CORS" panel; the panel itself knows which tab it inspects. */
import { createPanel } from '../platform/devtools.ts';
import { t } from '../ui/i18n.ts';

createPanel(t('panelTitle'), '/icons/icon-32.png', '/extension/panel/index.html');
