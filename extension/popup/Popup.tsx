/**
 * The toolbar popup: the current tab's blocked requests with one line each, recording on or off,
 * and the exports. The details live in the DevTools panel.
 */

import { useEffect, useState } from 'preact/hooks';
import type { ReportEntry } from '../../src/report/entry.ts';
import { problemName, problemsOf, problemTitle } from '../../src/report/problems.ts';
import { kindOf, oneLine } from '../../src/report/summary.ts';
import { BROWSER } from '../platform/browser.ts';
import { onSettingsChanged } from '../platform/storage.ts';
import { reloadTab } from '../platform/tabs.ts';
import type { StatusReply } from '../shared/messages.ts';
import { parseSettings } from '../shared/settings.ts';
import { downloadReport, type ExportFormat, send } from '../ui/client.ts';
import { ExportControls, RedactionWarning } from '../ui/ExportControls.tsx';
import { t } from '../ui/i18n.ts';
import { Text } from '../ui/Text.tsx';

const LATEST = 3;
const PROBLEMS = 4;

export function Popup({ tabId }: { tabId: number }) {
  const [entries, setEntries] = useState<readonly ReportEntry[]>([]);
  const [dropped, setDropped] = useState(0);
  const [status, setStatus] = useState<StatusReply | null>(null);
  const [redactSecrets, setRedactSecrets] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const refresh = async () => {
    try {
      const [report, state] = await Promise.all([
        send({ type: 'cors:report', tabId }),
        send({ type: 'cors:status', tabId }),
      ]);
      setEntries(report.entries);
      setDropped(report.dropped);
      setStatus(state);
    } catch (err) {
      setError(String(err));
    }
  };

  useEffect(() => {
    void send({ type: 'cors:settings' }).then(
      (s) => setRedactSecrets(s.redact),
      () => {},
    );
    // The options page's redaction default, changed while the popup is open, shows at once; a
    // change of another setting leaves the box as the user set it.
    return onSettingsChanged((stored, before) => {
      const redact = parseSettings(stored).redact;
      if (redact !== parseSettings(before).redact) setRedactSecrets(redact);
    });
  }, []);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [tabId]);

  const blocked = entries.filter((e) => kindOf(e) === 'blocked' || kindOf(e) === 'not-recorded');
  const problems = problemsOf(entries);
  // Blocked requests nothing recorded the headers of are not yet problems anyone explained.
  const unexplained = problems.length > 0 && problems.every((p) => p.notRecorded);
  const setRecording = async (on: boolean, reload: boolean) => {
    setStatus(await send({ type: 'cors:record', tabId, recording: on }));
    if (reload) await reloadTab(tabId);
  };
  const exportAs = (format: ExportFormat) =>
    downloadReport(format, entries, { redact: redactSecrets, tabId, dropped, browser: BROWSER });

  return (
    <main class="popup">
      <header>
        <h1>{t('appName')}</h1>
        <span class={`recording ${captureClass(status)}`}>
          {status?.capture === 'devtools'
            ? `● ${t('captureDevTools')}`
            : status?.recording
              ? `● ${t('recordingOn')}`
              : `○ ${t('recordingOff')}`}
        </span>
      </header>
      {error ? (
        <p class="warning" role="alert">
          {error}
        </p>
      ) : null}
      {unexplained ? (
        <p class="count" aria-live="polite">
          <strong class="blocked-count">{blocked.length}</strong>{' '}
          {t(blocked.length === 1 ? 'popupBlockedUnexplainedOne' : 'popupBlockedUnexplained')}
        </p>
      ) : (
        <p class="count" aria-live="polite">
          <strong class="problem-count">{problems.length}</strong>{' '}
          {problems.length === 1 ? t('popupProblem') : t('popupProblems')} ·{' '}
          <strong class="blocked-count">{blocked.length}</strong> {t('popupBlocked')}
        </p>
      )}
      {problems.length > 0 && !unexplained ? (
        <ul class="problems">
          {problems.slice(0, PROBLEMS).map((p) => (
            <li key={p.key}>
              <span class="times">{p.count}×</span> <Text value={problemTitle(p)} />
              <br />
              <span class="why">
                {p.origin}
                {p.culprit ? ` · ${p.culprit}` : ''}
                {p.notRecorded ? null : (
                  <>
                    {' · '}
                    <span class="name">{problemName(p, BROWSER === 'firefox')}</span>
                  </>
                )}
              </span>
            </li>
          ))}
          {problems.length > PROBLEMS ? (
            <li class="muted">
              … {problems.length - PROBLEMS} {t('popupMoreProblems')}
            </li>
          ) : null}
        </ul>
      ) : null}
      {blocked.length === 0 ? (
        <p class="muted">{t('popupNoBlocks')}</p>
      ) : (
        <ol class="latest" aria-label={t('popupLatest')}>
          {blocked
            .slice(-LATEST)
            .reverse()
            .map((e) => (
              <li key={e.id}>
                <span class="method">{e.method}</span>{' '}
                <span class="url" title={e.url}>
                  {shortUrl(e.url)}
                </span>
                {kindOf(e) === 'not-recorded' ? null : (
                  <>
                    <br />
                    <span class="why">
                      <Text value={oneLine(e)} />
                    </span>
                  </>
                )}
              </li>
            ))}
        </ol>
      )}
      {status?.capture === 'none' ? <p class="muted">{t('popupNotRecordingHint')}</p> : null}
      {status?.recordingAfterPage ? (
        <p class="notice" role="status">
          {t('recordingAfterPage')}{' '}
          <button type="button" onClick={() => void reloadTab(tabId)}>
            {t('reloadToCapture')}
          </button>
        </p>
      ) : null}
      <div class="actions">
        {status?.capture === 'devtools' ? null : status?.recording ? (
          status.reasons.includes('user') ? (
            <button type="button" onClick={() => void setRecording(false, false)}>
              {t('stopRecording')}
            </button>
          ) : null
        ) : (
          <>
            <button type="button" class="primary" onClick={() => void setRecording(true, true)}>
              {t('recordAndReload')}
            </button>
            <button type="button" onClick={() => void setRecording(true, false)}>
              {t('record')}
            </button>
          </>
        )}
      </div>
      <p class="muted">{status?.capture === 'devtools' ? t('popupPanelOpen') : t('popupOpenPanel')}</p>
      <ExportControls
        class="actions"
        redact={redactSecrets}
        onRedact={setRedactSecrets}
        onExport={exportAs}
      />
      <RedactionWarning redact={redactSecrets} />
    </main>
  );
}

/** The status dot: red only while recording slows the browser; DevTools' own log is neutral. */
function captureClass(status: StatusReply | null): string {
  if (status?.capture === 'devtools') return 'devtools';
  return status?.recording ? 'on' : 'off';
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = `${u.host}${u.pathname}`;
    return path.length > 60 ? `${path.slice(0, 57)}…` : path;
  } catch {
    return url.slice(0, 60);
  }
}
