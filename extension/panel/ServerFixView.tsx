/**
 * "Fix this server": the one fix for every request the log holds for the selected request's
 * server, what it does for each of them (judged by the engine, nothing sent), the check script to
 * keep, and the what-if editor whose answer can become the fix.
 */

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { hostOf } from '../../src/cors/origin.ts';
import { fixTextFor, type StackId } from '../../src/fixes/index.ts';
import { checkScript } from '../../src/report/check-script.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { type ServerFix, serverFixFor, serverHeading } from '../../src/report/servers.ts';
import { underMergedFix } from '../../src/report/what-if.ts';
import { downloadText } from '../ui/client.ts';
import { t } from '../ui/i18n.ts';
import { FixView } from './FixView.tsx';
import { OutcomeList } from './OutcomeList.tsx';
import { type UsedAnswer, WhatIf } from './WhatIf.tsx';

interface Props {
  readonly server: ServerFix;
  /** Every request to the server in the log, the selected one among them. */
  readonly entries: readonly ReportEntry[];
  readonly selected: ReportEntry;
  readonly stack: StackId | null;
  readonly onChooseStack: (stack: StackId) => void;
}

export function ServerFixView({ server, entries, selected, stack, onChooseStack }: Props) {
  /** An answer the user edited and took as the fix; null for the merged one. */
  const [edited, setEdited] = useState<UsedAnswer | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const merged = serverFixFor(server, entries, stack);
  const fix = edited ? { ...merged, text: fixTextFor(edited.requirement, merged.stack) } : merged;
  const top = useRef<HTMLElement>(null);
  // "Use as fix" sits far below the fix it changes: show the user what it rendered.
  useEffect(() => {
    if (edited) top.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [edited]);
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
    <section class="server-fix" ref={top}>
      <FixView
        fix={fix}
        chosen={stack}
        onChoose={onChooseStack}
        title={t(edited ? 'fixEditedTitle' : 'serverFixTitle')}
      >
        <p class="fix-server">
          {edited ? t('fixEditedServer') : t('fixServer')} {serverHeading(server)}
        </p>
        {edited ? (
          <div class={edited.blocked > 0 ? 'fix-edited warning' : 'fix-edited'} role="status">
            <p>
              {t('fixFromEdited')} {edited.passing} {t('fixEditedOf')} {edited.total} {t('fixEditedPass')}
              {edited.blocked > 0 ? `; ${edited.blocked} ${t('fixEditedStillBlocked')}` : ''}
              {edited.total - edited.passing - edited.blocked > 0
                ? `; ${edited.total - edited.passing - edited.blocked} ${t('fixEditedNotJudged')}`
                : ''}
              .{' '}
              <button type="button" onClick={() => setEdited(null)}>
                {t('fixBackToMerged')}
              </button>
            </p>
            {edited.added.length > 0 ? (
              <ul>
                {edited.added.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {server.notes.length > 0 && !edited ? <p class="fix-notes-label">{t('fixNotesAllRoutes')}</p> : null}
        {server.notes.length > 0 && !edited ? (
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
