/** Each request to a server, as it fared and as it would fare under an answer (the engine's word, nothing sent). */

import { pathAndQuery } from '../../src/cors/origin.ts';
import { outcomeCounts, outcomeText, type WhatIfRow } from '../../src/report/what-if.ts';
import { Chip } from '../ui/Chip.tsx';
import { t } from '../ui/i18n.ts';

/** Rows shown; the counts above them cover all. */
const SHOWN = 100;

export function OutcomeList({ rows }: { rows: readonly WhatIfRow[] }) {
  const { pass, withoutCredentials, tried } = outcomeCounts(rows);
  return (
    <>
      <p class="outcome-count" role="status">
        {pass} {t('outcomeOf')} {tried} {t('outcomePass')}
        {withoutCredentials > 0 ? ` · ${withoutCredentials} ${t('outcomeWithoutCredentials')}` : ''}
        {tried < rows.length ? ` (${rows.length - tried} ${t('outcomeNotTried')})` : ''}
      </p>
      <table class="outcomes">
        <thead>
          <tr>
            <th scope="col">{t('request')}</th>
            <th scope="col">{t('outcomeNow')}</th>
            <th scope="col">{t('outcomeThen')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN).map(({ entry, outcome }) => (
            <tr key={entry.id} class={`outcome ${outcome.kind}`}>
              <td class="request">
                <code>{entry.method}</code> <span title={entry.url}>{pathAndQuery(entry.url)}</span>
              </td>
              <td>
                <Chip entry={entry} />
              </td>
              <td class="then">{outcomeText(outcome)}</td>
            </tr>
          ))}
          {rows.length > SHOWN ? (
            <tr>
              <td colSpan={3} class="cut">
                … {rows.length - SHOWN} {t('outcomeMore')}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </>
  );
}
