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

export function Chip({ entry }: { entry: ReportEntry }) {
  const kind = kindOf(entry);
  if (kind === 'allowed' && entry.preflightCached) return <span class="chip cached">{t('chipCached')}</span>;
  return <span class={`chip ${kind}`}>{t(LABEL[kind])}</span>;
}
