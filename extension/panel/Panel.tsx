/** The CORS panel: toolbar, request list and verdict card for one inspected tab. */

import { useMemo, useRef, useState } from 'preact/hooks';
import { entryMatches } from '../../src/report/filter.ts';
import { problemKeyOf, problemsOf } from '../../src/report/problems.ts';
import { serverOf } from '../../src/report/servers.ts';
import { kindOf } from '../../src/report/summary.ts';
import { BROWSER } from '../platform/browser.ts';
import { openOptions } from '../platform/runtime.ts';
import { downloadReport, type ExportFormat } from '../ui/client.ts';
import { ExportControls, RedactionWarning } from '../ui/ExportControls.tsx';
import { t } from '../ui/i18n.ts';
import type { LogSource } from '../ui/source.ts';
import { ProblemBar } from './ProblemBar.tsx';
import { RequestList } from './RequestList.tsx';
import { useFileImport } from './use-file-import.ts';
import { usePanelSettings } from './use-panel-settings.ts';
import { useTabLog } from './use-tab-log.ts';
import { VerdictCard } from './VerdictCard.tsx';

const REASON_LABEL = {
  'development-origin': 'reasonDevelopmentOrigin',
  'panel-open': 'reasonPanelOpen',
  user: 'reasonUser',
} as const;

const SOURCE_LABEL = { chrome: 'importChrome', firefox: 'importFirefox', other: 'importOther' } as const;

export function Panel({ source }: { source: LogSource }) {
  const tabId = source.tabId;
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [blockedOnly, setBlockedOnly] = useState(false);
  /** The problem whose requests the list shows, or null for all. */
  const [problemKey, setProblemKey] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const { preserveLog, togglePreserve, stack, chooseStack, redactSecrets, setRedactSecrets } =
    usePanelSettings((message) => setError(message));
  const { imported, setImported, reading, importError, setImportError, openPicked } = useFileImport(
    (opened) => setSelectedId(opened.entries.find((e) => kindOf(e) === 'blocked')?.id ?? null),
  );
  const fileInput = useRef<HTMLInputElement>(null);

  const { entries, dropped, status, connection, requestRefresh } = useTabLog(source, {
    read: (newPage) => {
      setError(null);
      // A new page (or a cleared log) leaves an old file's error behind.
      if (newPage) setImportError(null);
    },
    failed: (message) => setError(message),
  });

  const visible = imported ? imported.entries : entries;

  const problems = useMemo(() => problemsOf(visible), [visible]);
  const chosenProblem = problems.find((p) => p.key === problemKey) ?? null;

  const shown = useMemo(() => {
    return visible.filter((e) => {
      if (blockedOnly && !['blocked', 'not-recorded', 'undetermined'].includes(kindOf(e))) return false;
      if (problemKey !== null && problemKeyOf(e) !== problemKey) return false;
      return entryMatches(e, filter);
    });
  }, [visible, filter, blockedOnly, problemKey]);

  const chooseProblem = (key: string | null) => {
    setProblemKey(key);
    const first = problems.find((p) => p.key === key)?.entryIds[0];
    if (first) setSelectedId(first);
  };

  const selected = visible.find((e) => e.id === selectedId) ?? null;
  // One fix per server, merged from every request to it: the card shows the fix its server needs.
  // Merged for the selected request's server only, when a request is selected.
  const server = useMemo(() => (selected ? serverOf(visible, selected) : null), [visible, selected]);
  const serverEntries = useMemo(() => {
    if (!server) return [];
    const ids = new Set(server.entryIds);
    return visible.filter((e) => ids.has(e.id));
  }, [visible, server]);

  const browser = imported ? (imported.browser === 'firefox' ? 'firefox' : 'chrome') : BROWSER;
  const exportAs = (format: ExportFormat) =>
    downloadReport(format, shown, {
      redact: redactSecrets,
      tabId,
      dropped,
      stack,
      browser,
      imported: imported !== null,
    });

  return (
    <div class="panel">
      <div class="toolbar" role="toolbar" aria-label="CORS Lens">
        <span
          class={`recording ${imported ? 'off' : status?.capture === 'devtools' ? 'devtools' : status?.recording ? 'on' : 'off'}`}
          role="status"
        >
          {imported
            ? `○ ${t('importViewing')}`
            : status?.capture === 'devtools'
              ? `● ${t('captureDevTools')}`
              : status?.recording
                ? `● ${t('recordingOn')} (${status.reasons.map((r) => t(REASON_LABEL[r])).join(', ')})`
                : `○ ${t('recordingOff')}`}
        </span>
        <input
          type="search"
          placeholder={t('filterPlaceholder')}
          aria-label={t('filterLabel')}
          value={filter}
          onInput={(ev) => setFilter((ev.currentTarget as HTMLInputElement).value)}
        />
        <label>
          <input
            type="checkbox"
            checked={blockedOnly}
            onChange={(ev) => setBlockedOnly((ev.currentTarget as HTMLInputElement).checked)}
          />
          {t('blockedOnly')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={preserveLog}
            onChange={(ev) => void togglePreserve((ev.currentTarget as HTMLInputElement).checked)}
          />
          {t('preserveLog')}
        </label>
        <button type="button" onClick={() => void source.clear().then(requestRefresh)}>
          {t('clear')}
        </button>
        <button type="button" onClick={() => fileInput.current?.click()} disabled={reading !== null}>
          {t('importOpen')}
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".har,.json,application/json"
          aria-label={t('importOpen')}
          hidden
          onChange={(ev) => {
            const input = ev.currentTarget as HTMLInputElement;
            const file = input.files?.[0];
            input.value = '';
            if (file) void openPicked(file);
          }}
        />
        <span class="spacer" />
        <ExportControls
          class="export"
          redact={redactSecrets}
          onRedact={setRedactSecrets}
          onExport={exportAs}
        />
      </div>
      <RedactionWarning redact={redactSecrets} />
      {reading ? (
        <p class="notice" role="status">
          {reading}
        </p>
      ) : null}
      {importError ? (
        <p class="warning import-error" role="alert">
          {importError}{' '}
          <button type="button" onClick={() => setImportError(null)}>
            {t('dismiss')}
          </button>
        </p>
      ) : null}
      {imported ? (
        <div class="imported" role="status">
          <span>
            {t('importShowing')} <strong>{imported.name}</strong> (
            {imported.kind === 'report' ? t('importReport') : t(SOURCE_LABEL[imported.browser])}):{' '}
            {imported.entries.length} {t('importCrossOrigin')},{' '}
            {imported.entries.filter((e) => kindOf(e) === 'blocked').length} {t('importBlocked')}.
          </span>{' '}
          <button
            type="button"
            onClick={() => {
              setImported(null);
              setImportError(null);
            }}
          >
            {t('importBack')}
          </button>
          {imported.notes.map((n) => (
            <p class="notice" key={n}>
              {n}
            </p>
          ))}
        </div>
      ) : null}
      {status?.pageBeforeCapture && !imported ? (
        <p class="notice" role="status">
          {t('pageBeforeCapture')}{' '}
          {source.reload ? (
            <button type="button" onClick={() => source.reload?.()}>
              {t('reloadToCapture')}
            </button>
          ) : null}
        </p>
      ) : null}
      {status?.recordingAfterPage && !imported ? (
        <p class="notice" role="status">
          {t('recordingAfterPage')}
        </p>
      ) : null}
      {connection === 'reconnecting' ? (
        <p class="notice" role="status">
          {t('reconnecting')}
        </p>
      ) : null}
      {error ? (
        <p class="warning" role="alert">
          {error}
        </p>
      ) : null}
      {status?.notices.map((n) => (
        <p class="notice" key={n}>
          {n}
        </p>
      ))}
      {dropped > 0 ? (
        <p class="notice">
          {dropped.toLocaleString()} {t('dropped')}{' '}
          <button type="button" class="link" onClick={openOptions}>
            {t('droppedKeepMore')}
          </button>
        </p>
      ) : null}
      <ProblemBar
        problems={problems}
        chosen={chosenProblem ? chosenProblem.key : null}
        onChoose={chooseProblem}
        firefoxFirst={browser === 'firefox'}
      />
      <div class="main">
        <RequestList
          entries={shown}
          selectedId={selectedId}
          onSelect={setSelectedId}
          empty={
            visible.length === 0 ? (
              <p>{imported ? t('emptyFile') : t('emptyList')}</p>
            ) : (
              <>
                <p>
                  {filter.trim()
                    ? `${t('emptyFilter')} “${filter.trim()}”${blockedOnly ? ` ${t('emptyAmongBlocked')}` : ''}.`
                    : t('emptyBlocked')}
                </p>
                <button
                  type="button"
                  onClick={() => {
                    setFilter('');
                    setBlockedOnly(false);
                    setProblemKey(null);
                  }}
                >
                  {t('emptyShowAll')} ({visible.length})
                </button>
              </>
            )
          }
        />
        <VerdictCard
          // A card of its own for each request: it opens at its headline, not where the last one was scrolled.
          key={selected?.id ?? ''}
          entry={selected}
          openSource={imported ? undefined : source.openSource}
          stack={stack}
          onChooseStack={chooseStack}
          firefoxFirst={browser === 'firefox'}
          server={server}
          serverEntries={serverEntries}
          reload={imported ? undefined : source.reload}
          problem={selected ? (problems.find((p) => p.key === problemKeyOf(selected)) ?? null) : null}
        />
      </div>
    </div>
  );
}
