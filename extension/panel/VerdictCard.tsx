/**
 * Why one request was blocked or allowed: the culprit (expected vs received), the explanation,
 * Chrome's and Firefox's names, why a preflight was sent, and the preflight and the request side
 * by side with the culprit header highlighted. Every value is rendered as text.
 */
import type { HeaderList } from '../../src/cors/headers.ts';
import type { StackId } from '../../src/fixes/index.ts';
import { curlPreflight, curlRequest } from '../../src/report/curl.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { describeReason } from '../../src/report/reasons.ts';
import { redact } from '../../src/report/redact.ts';
import { oneLine } from '../../src/report/summary.ts';
import { t } from '../shared/i18n.ts';
import { Chip } from '../ui/Chip.tsx';
import { CopyButton } from '../ui/CopyButton.tsx';
import { Text, Value } from '../ui/Text.tsx';
import { FixView } from './FixView.tsx';

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
}

export function VerdictCard({ entry, stack, onChooseStack, firefoxFirst = false }: CardProps) {
  if (!entry) return <section class="card empty">{t('emptySelection')}</section>;
  const v = entry.verdict;
  const culprit = v?.culprit ?? null;
  const reasons = v?.preflight.reasons ?? [];
  const preflightHot = culprit?.where === 'preflight' ? culprit.field : undefined;
  const responseHot = culprit && culprit.where !== 'preflight' ? culprit.field : undefined;
  return (
    <section class="card" aria-label={oneLine(entry)}>
      <header>
        <h2>
          <span class="method">{entry.method}</span> <span class="url">{entry.url}</span>
        </h2>
        <Chip entry={entry} />
      </header>
      <p class="title">
        <Text value={oneLine(entry)} />
      </p>
      {entry.corsError ? (
        <p class="names">
          {firefoxFirst && entry.firefoxReason ? (
            <>
              {t('firefoxName')}: <code class="firefox-reason">{entry.firefoxReason}</code>
              {' · '}
            </>
          ) : null}
          {t('chromeName')}: <code class="cors-error">{entry.corsError}</code>
          {entry.failedParameter ? (
            <>
              {' '}
              (<code class="failed-parameter">{entry.failedParameter}</code>)
            </>
          ) : null}
          {!firefoxFirst && entry.firefoxReason ? (
            <>
              {' · '}
              {t('firefoxName')}: <code class="firefox-reason">{entry.firefoxReason}</code>
            </>
          ) : null}
        </p>
      ) : null}
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
      {entry.explanation ? (
        <p class="explanation">
          <Text value={entry.explanation} />
        </p>
      ) : null}
      <FixView entry={entry} chosen={stack} onChoose={onChooseStack} />
      {v?.link ? (
        <p>
          <a href={v.link} target="_blank" rel="noreferrer">
            {t('learnMore')}
          </a>
        </p>
      ) : null}
      <h3>{t('whyPreflight')}</h3>
      {reasons.length === 0 ? (
        <p>{t('noPreflightNeeded')}</p>
      ) : (
        <ul class="reasons">
          {reasons.map((r, i) => (
            <li key={i}>{describeReason(r)}</li>
          ))}
        </ul>
      )}
      {entry.preflightCached ? <p class="note">{t('preflightCachedNote')}</p> : null}
      <div class="pair">
        <div>
          <h3>
            {t('preflight')}
            {entry.preflight?.status != null ? ` — ${entry.preflight.status}` : ''}
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
      {v?.findings.some((f) => f.risk) ? (
        <>
          <h3>{t('warningsTitle')}</h3>
          <ul class="findings risks">
            {v.findings
              .filter((f) => f.risk)
              .map((f, i) => (
                <li key={i}>
                  ⚠ <Text value={f.message} />
                  {f.link ? (
                    <>
                      {' '}
                      <a href={f.link} target="_blank" rel="noreferrer">
                        {t('learnMore')}
                      </a>
                    </>
                  ) : null}
                </li>
              ))}
          </ul>
        </>
      ) : null}
      {v?.findings.some((f) => !f.risk) ? (
        <>
          <h3>{t('findings')}</h3>
          <ul class="findings">
            {v.findings
              .filter((f) => !f.risk)
              .map((f, i) => (
                <li key={i}>
                  <Text value={f.message} />
                </li>
              ))}
          </ul>
        </>
      ) : null}
      {entry.blocked ? (
        <>
          <h3>{t('reproduce')}</h3>
          <CopyLine text={curlPreflight(redact(entry))} />
          <CopyLine text={curlRequest(redact(entry), redact(entry.requestHeaders))} />
        </>
      ) : null}
    </section>
  );
}
