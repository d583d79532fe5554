/**
 * The tab's problems above the list: each one the blocked requests to one server with the same
 * error and culprit, with its count. Choosing one shows only its requests; choosing it again, all.
 */
import { hostOf } from '../../src/cors/origin.ts';
import { type Problem, problemCount, problemName } from '../../src/report/problems.ts';
import { t } from '../ui/i18n.ts';

interface Props {
  readonly problems: readonly Problem[];
  /** The chosen problem's key, or null for every request. */
  readonly chosen: string | null;
  readonly onChoose: (key: string | null) => void;
  readonly firefoxFirst: boolean;
}

export function ProblemBar({ problems, chosen, onChoose, firefoxFirst }: Props) {
  if (problems.length === 0) return null;
  return (
    <nav class="problems" aria-label={t('problemsLabel')}>
      <span class="problems-count">{problemCount(problems)}</span>
      <ul>
        {problems.map((p) => (
          <li key={p.key}>
            <button
              type="button"
              class={p.key === chosen ? 'problem chosen' : 'problem'}
              aria-pressed={p.key === chosen}
              title={`${problemName(p, firefoxFirst)} — ${p.origin}${p.culprit ? ` (${p.culprit})` : ''}`}
              onClick={() => onChoose(p.key === chosen ? null : p.key)}
            >
              <span class="times">{p.count}×</span> {problemName(p, firefoxFirst)}{' '}
              <span class="muted">{hostOf(p.origin)}</span>
            </button>
          </li>
        ))}
      </ul>
      {chosen ? (
        <button type="button" onClick={() => onChoose(null)}>
          {t('problemsAll')}
        </button>
      ) : null}
    </nav>
  );
}
