/**
 * "Fix this server": the one fix for every request the log holds for the selected request's
 * server, what it does for each of them (judged by the engine, nothing sent), the check script to
 * keep, and the what-if editor whose answer can become the fix.
 */

import { useMemo, useState } from 'preact/hooks';
import { hostOf } from '../../src/cors/origin.ts';
import { type CorsRequirement, fixTextFor, type StackId } from '../../src/fixes/index.ts';
import { checkScript } from '../../src/report/check-script.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { type ServerFix, serverFixFor, serverHeading } from '../../src/report/servers.ts';
import { underMergedFix } from '../../src/report/what-if.ts';
import { downloadText } from '../ui/client.ts';
import { t } from '../ui/i18n.ts';
import { FixView } from './FixView.tsx';
import { OutcomeList } from './OutcomeList.tsx';
import { WhatIf } from './WhatIf.tsx';

interface Props {
  readonly server: ServerFix;
  /** Every request to the server in the log, the selected one among them. */
  readonly entries: readonly ReportEntry[];
  readonly selected: ReportEntry;
  readonly stack: StackId | null;
  readonly onChooseStack: (stack: StackId) => void;
}

export function ServerFixView({ server, entries, selected, stack, onChooseStack }: Props) {
  /** The requirement of an answer the user edited and took as the fix; null for the merged one. */
  const [edited, setEdited] = useState<CorsRequirement | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const merged = serverFixFor(server, entries, stack);
  const fix = edited ? { ...merged, text: fixTextFor(edited, merged.stack) } : merged;
  const rows = useMemo(() => underMergedFix(entries, server.requirement), [entries, server]);

  const downloadCheck = () => {
    const script = checkScript(entries);
    if (script === null) return;
    // Named after its server: one script per API, side by side in a repository.
    const host = hostOf(server.origin).replace(/[^a-z0-9.-]+/gi, '-');
    const name = downloadText(`cors-check-${host}`, 'sh', 'text/x-sh', script);
    setSaved(`${t('checkSaved')} ${name}`);
  };

  return (
    <section class="server-fix">
      <FixView fix={fix} chosen={stack} onChoose={onChooseStack} title={t('serverFixTitle')}>
        <p class="fix-server">
          {t('fixServer')} {serverHeading(server)}
        </p>
        {edited ? (
          <p class="fix-edited" role="status">
            {t('fixFromEdited')}{' '}
            <button type="button" onClick={() => setEdited(null)}>
              {t('fixBackToMerged')}
            </button>
          </p>
        ) : null}
        {server.notes.length > 0 ? (
          <ul class="fix-notes">
            {server.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        ) : null}
      </FixView>
      {edited ? null : (
        <details class="fix-effect" open>
          <summary>{t('fixEffect')}</summary>
          <OutcomeList rows={rows} />
        </details>
      )}
      <p class="check-bar">
        <button type="button" onClick={downloadCheck}>
          {t('checkDownload')}
        </button>{' '}
        <span class="muted">{t('checkWhat')}</span>
        {saved ? (
          <span class="saved" role="status">
            {' '}
            {saved}
          </span>
        ) : null}
      </p>
      <WhatIf key={selected.id} server={server} entries={entries} selected={selected} onUse={setEdited} />
    </section>
  );
}
