/**
 * Why one request was blocked or allowed: the culprit (expected vs received), the explanation,
 * Chrome's and Firefox's names, why a preflight was sent, and the preflight and the request side
 * by side with the culprit header highlighted. Every value is rendered as text.
 */
import type { SourceLocation } from '../../src/capture/record.ts';
import type { HeaderList } from '../../src/cors/headers.ts';
import type { StackId } from '../../src/fixes/index.ts';
import { cacheSentence, describeEntry, type EntryDescription } from '../../src/report/describe.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import type { Problem } from '../../src/report/problems.ts';
import type { ServerFix } from '../../src/report/servers.ts';
import { Chip } from '../ui/Chip.tsx';
import { CopyButton } from '../ui/CopyButton.tsx';
import { clock } from '../ui/clock.ts';
import { t } from '../ui/i18n.ts';
import { Text, Value } from '../ui/Text.tsx';
import { FixView } from './FixView.tsx';
import { ServerFixView } from './ServerFixView.tsx';

function Headers({
  headers,
  highlight,
  label,
}: {
  headers: HeaderList | null;
  highlight?: string;
  label: string;
}) {
  if (!headers || headers.length === 0) return <p class="none">{t('notSeen')}</p>;
  const hot = highlight?.toLowerCase();
  const shown = headers.slice(0, 200);
  return (
    <table class="headers" aria-label={label}>
      <tbody>
        {shown.map((h, i) => (
          <tr key={i} class={h.name.toLowerCase() === hot ? 'culprit' : undefined}>
            <th scope="row">{h.name}</th>
            <td>
              <Value value={h.value.trim()} />
            </td>
          </tr>
        ))}
        {headers.length > shown.length ? (
          <tr>
            <td colSpan={2} class="cut">
              … {headers.length - shown.length} more headers
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}

function CopyLine({ text }: { text: string }) {
  return (
    <div class="curl">
      <code>{text}</code>
      <CopyButton text={text} />
    </div>
  );
}

interface CardProps {
  readonly entry: ReportEntry | null;
  readonly stack: StackId | null;
  readonly onChooseStack: (stack: StackId) => void;
  /** On Firefox (or for a Firefox HAR) the console's "Reason: …" is what the user knows: name it first. */
  readonly firefoxFirst?: boolean;
  /** Inside DevTools: shows a line of the page's code in the Sources panel. */
  readonly openSource?: ((url: string, line: number, column: number) => void) | undefined;
  /** The merged fix of the request's server, which the card shows instead of one for this request alone. */
  readonly server?: ServerFix | null;
  /** Every request to that server in the log, for its fix's effect and the what-if editor. */
  readonly serverEntries?: readonly ReportEntry[];
  /** Inside DevTools: reloads the page so that DevTools records it from its first request. */
  readonly reload?: (() => void) | undefined;
  /** The problem the request belongs to (same server, error and culprit), or null. */
  readonly problem?: Problem | null;
}

/**
 * A request blocked while nothing recorded its headers: what is known (method, URL, that it failed
 * as a CORS block does) and what is not, and how to see the rest. Nothing is claimed beyond that.
 */
function NotRecorded({ entry, reload }: { entry: ReportEntry; reload: CardProps['reload'] }) {
  return (
    <section class="card" aria-label={`${entry.method} ${entry.url}`}>
      <header>
        <h2>
          <span class="method">{entry.method}</span> <span class="url">{entry.url}</span>
        </h2>
        <Chip entry={entry} />
      </header>
      <p class="title">{t('notRecordedTitle')}</p>
      <p>{t('notRecordedUnknown')}</p>
      <p>
        {reload ? (
          <button type="button" class="primary" onClick={() => reload()}>
            {t('reloadToCapture')}
          </button>
        ) : (
          t('notRecordedHowTo')
        )}
      </p>
    </section>
  );
}

/** "Made by loadOrders() at app.js:42:13", the whole URL on hover; inside DevTools a click opens it in Sources. */
function MadeBy({ at, open }: { at: SourceLocation; open: CardProps['openSource'] }) {
  const file = `${shortFile(at.url)}:${at.line}:${at.column}`;
  return (
    <p class="made-by">
      {t('madeBy')} {at.functionName ? <code>{at.functionName}()</code> : null} {t('madeAt')}{' '}
      {open ? (
        <a
          href={at.url}
          title={at.url}
          onClick={(ev) => {
            ev.preventDefault();
            open(at.url, at.line, at.column);
          }}
        >
          {file}
        </a>
      ) : (
        <span title={at.url}>{file}</span>
      )}
    </p>
  );
}

/** A script's file as DevTools names it: the last part of its path, "(index)" for a page at a directory. */
function shortFile(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname.endsWith('/') ? '(index)' : (u.pathname.split('/').at(-1) ?? u.host);
  } catch {
    return url;
  }
}

function Names({ names }: { names: NonNullable<EntryDescription['names']> }) {
  const chrome = names.chrome ? (
    <>
      {t('chromeName')}: <code class="cors-error">{names.chrome.error}</code>
      {names.chrome.param ? (
        <>
          {' '}
          (<code class="failed-parameter">{names.chrome.param}</code>)
        </>
      ) : null}
    </>
  ) : null;
  const firefox = names.firefox ? (
    <>
      {t('firefoxName')}: <code class="firefox-reason">{names.firefox}</code>
    </>
  ) : null;
  const [first, second] = names.lead === 'firefox' ? [firefox, chrome] : [chrome, firefox];
  return (
    <p class="names">
      {first}
      {first && second ? ' · ' : null}
      {second}
    </p>
  );
}

export function VerdictCard({
  entry,
  stack,
  onChooseStack,
  firefoxFirst = false,
  openSource,
  server = null,
  serverEntries = [],
  reload,
  problem = null,
}: CardProps) {
  if (!entry) return <section class="card empty">{t('emptySelection')}</section>;
  if (entry.state === 'not-recorded') return <NotRecorded entry={entry} reload={reload} />;
  // The panel always redacts the curl lines it offers to copy; exports follow the user's choice.
  const d = describeEntry(entry, { stack, browser: firefoxFirst ? 'firefox' : 'chrome', redact: true });
  const culprit = d.culprit;
  const preflightHot = culprit?.where === 'preflight' ? culprit.field : undefined;
  const responseHot = culprit && culprit.where !== 'preflight' ? culprit.field : undefined;
  return (
    <section class="card" aria-label={d.headline}>
      <header>
        <h2>
          <span class="method">{d.method}</span> <span class="url">{d.url}</span>
        </h2>
        <Chip entry={entry} />
      </header>
      <p class="title">
        <Text value={d.headline} />
      </p>
      {problem && problem.count > 1 ? (
        <p class="problem-line">
          {t('problemLine')} {problem.count - 1} {t('problemOthers')}
        </p>
      ) : null}
      {d.madeBy ? <MadeBy at={d.madeBy} open={openSource} /> : null}
      {d.madeByWorker ? (
        <p class="made-by">
          <Text value={d.madeByWorker} />
        </p>
      ) : null}
      {d.names ? <Names names={d.names} /> : null}
      {culprit ? (
        <table class="culprit-table" aria-label={t('culprit')}>
          <thead>
            <tr>
              <th scope="col">{t('culprit')}</th>
              <th scope="col">{t('expected')}</th>
              <th scope="col">{t('received')}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>
                <code>{culprit.field}</code> <span class="where">({culprit.where})</span>
              </td>
              <td class="expected">
                <Value value={culprit.expected} />
              </td>
              <td class="received">
                {culprit.received === null ? <em>{t('missing')}</em> : <Value value={culprit.received} />}
              </td>
            </tr>
          </tbody>
        </table>
      ) : null}
      {d.explanation ? (
        <p class="explanation">
          <Text value={d.explanation} />
        </p>
      ) : null}
      {server ? (
        <ServerFixView
          server={server}
          entries={serverEntries}
          selected={entry}
          stack={stack}
          onChooseStack={onChooseStack}
        />
      ) : d.fix ? (
        <FixView fix={d.fix} chosen={stack} onChoose={onChooseStack} />
      ) : null}
      {d.link ? (
        <p>
          <a href={d.link.href} target="_blank" rel="noreferrer">
            {d.link.label}
          </a>
        </p>
      ) : null}
      <h3>{t('whyPreflight')}</h3>
      <p class="glossary">{t('preflightGlossary')}</p>
      {d.preflightReasons.length === 0 ? (
        <p>{t('noPreflightNeeded')}</p>
      ) : (
        <ul class="reasons">
          {d.preflightReasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
      {d.preflightCached ? (
        <p class="note">{cacheSentence(d.preflightCachedFrom, clock, firefoxFirst ? 'firefox' : 'chrome')}</p>
      ) : null}
      <div class="pair">
        <div>
          <h3>
            {t('preflight')}
            {d.preflightStatus !== null ? ` — ${d.preflightStatus}` : ''}
          </h3>
          <h4>{t('sent')}</h4>
          <Headers
            headers={entry.preflight?.requestHeaders ?? null}
            label={`${t('preflight')} ${t('sent')}`}
          />
          <h4>{t('answered')}</h4>
          <Headers
            headers={entry.preflight?.responseHeaders ?? null}
            highlight={preflightHot}
            label={`${t('preflight')} ${t('answered')}`}
          />
        </div>
        <div>
          <h3>
            {t('request')}
            {entry.response ? ` — ${entry.response.status}` : ''}
          </h3>
          <h4>{t('sent')}</h4>
          <Headers headers={entry.requestHeaders} label={`${t('request')} ${t('sent')}`} />
          <h4>{t('answered')}</h4>
          <Headers
            headers={entry.response?.headers ?? null}
            highlight={responseHot}
            label={`${t('request')} ${t('answered')}`}
          />
        </div>
      </div>
      {d.risks.length > 0 ? (
        <>
          <h3>{t('warningsTitle')}</h3>
          <ul class="findings risks">
            {d.risks.map((f, i) => (
              <li key={i}>
                ⚠ <Text value={f.message} />
                {f.link ? (
                  <>
                    {' '}
                    <a href={f.link} target="_blank" rel="noreferrer">
                      {f.linkLabel}
                    </a>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {d.notes.length > 0 ? (
        <>
          <h3>{t('findings')}</h3>
          <ul class="findings">
            {d.notes.map((f, i) => (
              <li key={i}>
                <Text value={f.message} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {d.reproduce ? (
        <>
          <h3>{t('reproduce')}</h3>
          {d.reproduce.preflight ? <CopyLine text={d.reproduce.preflight} /> : null}
          <CopyLine text={d.reproduce.request} />
        </>
      ) : null}
    </section>
  );
}
