/** The CORS panel: toolbar, request list and verdict card for one inspected tab. */

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { StackId } from '../../src/fixes/index.ts';
import type { OpenedFile } from '../../src/har/open.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { entryMatches } from '../../src/report/filter.ts';
import { problemKeyOf, problemsOf } from '../../src/report/problems.ts';
import { serverOf } from '../../src/report/servers.ts';
import { kindOf } from '../../src/report/summary.ts';
import { BROWSER } from '../platform/browser.ts';
import { onSettingsChanged } from '../platform/storage.ts';
import type { Settings, StatusReply } from '../shared/messages.ts';
import { parseSettings } from '../shared/settings.ts';
import { downloadReport, type ExportFormat, send } from '../ui/client.ts';
import { ExportControls, RedactionWarning } from '../ui/ExportControls.tsx';
import { t } from '../ui/i18n.ts';
import type { ConnectionState, LogSource } from '../ui/source.ts';
import { openPickedFile } from './open-file.ts';
import { ProblemBar } from './ProblemBar.tsx';
import { RequestList } from './RequestList.tsx';
import { VerdictCard } from './VerdictCard.tsx';

const REASON_LABEL = {
  'development-origin': 'reasonDevelopmentOrigin',
  'panel-open': 'reasonPanelOpen',
  user: 'reasonUser',
} as const;

/** A file the user opened: the panel shows its requests instead of the live ones. */
type Imported = Extract<OpenedFile, { ok: true }> & { readonly name: string };

const SOURCE_LABEL = { chrome: 'importChrome', firefox: 'importFirefox', other: 'importOther' } as const;

/** Rows the first read brings: enough to fill the list; the rest comes in the read after. */
const FIRST_PAINT_ROWS = 200;

export function Panel({ source }: { source: LogSource }) {
  const tabId = source.tabId;
  const [entries, setEntries] = useState<readonly ReportEntry[]>([]);
  const [dropped, setDropped] = useState(0);
  const [status, setStatus] = useState<StatusReply | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connected');
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [blockedOnly, setBlockedOnly] = useState(false);
  /** The problem whose requests the list shows, or null for all. */
  const [problemKey, setProblemKey] = useState<string | null>(null);
  const [preserveLog, setPreserveLog] = useState(false);
  const [redactSecrets, setRedactSecrets] = useState(true);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [stack, setStack] = useState<StackId | null>(null);
  const [imported, setImported] = useState<Imported | null>(null);
  const [reading, setReading] = useState<string | null>(null);
  const [importError, setImportError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  /** What the panel holds of the log: finished entries by sequence number, and where to read on. */
  const log = useRef<{ generation: number; cursor: number; finished: Map<number, ReportEntry> } | null>(null);
  /** Whether the first (newest rows only) read is done. */
  const painted = useRef(false);
  /** Whether a read is in flight, and whether another is wanted after it. */
  const reads = useRef({ busy: false, again: false });

  const refresh = useCallback(async () => {
    try {
      const held = log.current;
      const [report, state] = await Promise.all([
        // The first read paints the newest rows only; the whole log follows right after.
        source.report({
          since: held?.cursor,
          generation: held?.generation,
          limit: painted.current ? undefined : FIRST_PAINT_ROWS,
        }),
        source.status(),
      ]);
      // Only what is new comes back when nothing was cleared: merge it, drop what the ring evicted.
      const finished = report.incremental && held ? held.finished : new Map<number, ReportEntry>();
      const pendingNow: ReportEntry[] = [];
      for (const e of report.entries) {
        if (e.seq === undefined) pendingNow.push(e);
        else finished.set(e.seq, e);
      }
      for (const seq of finished.keys()) if (seq < report.tail) finished.delete(seq);
      // After a partial first read, hold nothing: the next read brings the whole log.
      // A new page (or a cleared log) leaves an old file's error behind.
      if (held && report.generation !== held.generation) setImportError(null);
      log.current = report.partial
        ? null
        : { generation: report.generation, cursor: report.cursor, finished };
      setEntries([...finished.values(), ...pendingNow].sort((a, b) => a.time - b.time));
      setDropped(report.dropped);
      setStatus(state);
      setError(null);
      painted.current = true;
      // The rest of the log, in the read right after this one.
      if (report.partial) reads.current.again = true;
    } catch (err) {
      setError(String(err));
    }
  }, [source]);

  /**
   * One read in flight at a time: a change reads at once (no batching delay), and the changes that
   * come while a read is in flight are gathered into the one read after it.
   */
  const requestRefresh = useCallback(() => {
    const r = reads.current;
    if (r.busy) {
      r.again = true;
      return;
    }
    r.busy = true;
    void (async () => {
      do {
        r.again = false;
        await refresh();
      } while (r.again);
      r.busy = false;
    })();
  }, [refresh]);

  useEffect(() => source.subscribe(requestRefresh, setConnection), [source, requestRefresh]);

  const showSettings = useCallback((settings: Settings) => {
    setPreserveLog(settings.preserveLog);
    setStack(settings.stack);
  }, []);

  useEffect(() => {
    void send({ type: 'cors:settings' }).then(
      (settings) => {
        showSettings(settings);
        // The options' default; the toolbar box then changes it for this panel only.
        setRedactSecrets(settings.redact);
      },
      (err) => setError(String(err)),
    );
  }, [showSettings]);

  // A change made elsewhere (the options page, another DevTools window) shows here at once.
  useEffect(() => onSettingsChanged((stored) => showSettings(parseSettings(stored))), [showSettings]);

  /** Settings go to the worker, which keeps them and applies them; the panel shows what it answered. */
  const changeSettings = (patch: Partial<Settings>) =>
    send({ type: 'cors:settings', patch }).then(showSettings, (err) => setError(String(err)));

  const chooseStack = (next: StackId) => {
    setStack(next);
    void changeSettings({ stack: next });
  };

  const openPicked = async (file: File) => {
    setImportError(null);
    setReading(`${t('importReading')} ${file.name} (${(file.size / 1024 / 1024).toFixed(1)} MB)…`);
    const opened = await openPickedFile(file);
    setReading(null);
    if (!opened.ok) {
      setImportError(`${t('importFailed')} ${file.name}: ${opened.error}`);
      return;
    }
    setImported({ ...opened, name: file.name });
    setSelectedId(opened.entries.find((e) => kindOf(e) === 'blocked')?.id ?? null);
  };

  // A file dropped anywhere on the panel opens like one picked with "Open HAR…".
  const onDrop = useRef(openPicked);
  onDrop.current = openPicked;
  useEffect(() => {
    const over = (ev: DragEvent) => ev.preventDefault();
    const drop = (ev: DragEvent) => {
      const file = ev.dataTransfer?.files[0];
      if (!file) return;
      ev.preventDefault();
      void onDrop.current(file);
    };
    document.addEventListener('dragover', over);
    document.addEventListener('drop', drop);
    return () => {
      document.removeEventListener('dragover', over);
      document.removeEventListener('drop', drop);
    };
  }, []);

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

  const togglePreserve = async (on: boolean) => {
    setPreserveLog(on);
    await changeSettings({ preserveLog: on });
  };

  const browser = imported ? (imported.browser === 'firefox' ? 'firefox' : 'chrome') : BROWSER;
  const exportAs = (format: ExportFormat) =>
    downloadReport(format, shown, { redact: redactSecrets, tabId, dropped, stack, browser });

  return (
    <div class="panel">
      <div class="toolbar" role="toolbar" aria-label="CORS Lens">
        <span
          class={`recording ${status && status.capture !== 'none' && !imported ? 'on' : 'off'}`}
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
          {dropped.toLocaleString()} {t('dropped')}
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
