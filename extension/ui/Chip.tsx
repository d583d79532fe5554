import type { ReportEntry } from '../../src/report/entry.ts';
import { kindOf } from '../../src/report/summary.ts';
import { t } from './i18n.ts';

const LABEL = {
  blocked: 'chipBlocked',
  allowed: 'chipAllowed',
  'network-error': 'chipNetworkError',
  'not-recorded': 'chipNotRecorded',
  undetermined: 'chipUndetermined',
  pending: 'chipPending',
  'same-origin': 'chipSameOrigin',
} as const;

/** `short`: for a list row, where the row's colour already says blocked. */
export function Chip({ entry, short = false }: { entry: ReportEntry; short?: boolean }) {
  const kind = kindOf(entry);
  if (kind === 'allowed' && entry.preflightCached) return <span class="chip cached">{t('chipCached')}</span>;
  if (short && kind === 'not-recorded')
    return (
      <span class="chip not-recorded" title={t('chipNotRecorded')}>
        {t('chipNotRecordedShort')}
      </span>
    );
  return <span class={`chip ${kind}`}>{t(LABEL[kind])}</span>;
}
