/**
 * The tab's problems above the list: each one the blocked requests to one server with the same
 * error and culprit, with its count, said in plain words first and Chrome's name second. The bar
 * wraps (no sideways scrolling at DevTools' right dock); past PROBLEMS_SHOWN, "N more" shows the
 * rest. In a short panel (a bottom dock) it keeps to one line: the first problem, cut to fit, and
 * "N more" — never a scroll area whose scrollbar Firefox hides until hovered. Choosing a problem shows only its requests, and a line under the bar says so, with the
 * way back.
 */
import { useState } from 'preact/hooks';
import { hostOf } from '../../src/cors/origin.ts';
import { type Problem, problemCount, problemName, problemTitle } from '../../src/report/problems.ts';
import { PROBLEMS_SHOWN } from '../shared/page-names.ts';
import { t } from '../ui/i18n.ts';
import { Text } from '../ui/Text.tsx';
import { useShortPanel } from './use-short-panel.ts';

interface Props {
  readonly problems: readonly Problem[];
  /** The chosen problem's key, or null for every request. */
  readonly chosen: string | null;
  readonly onChoose: (key: string | null) => void;
  readonly firefoxFirst: boolean;
}

export function ProblemBar({ problems, chosen, onChoose, firefoxFirst }: Props) {
  const [expanded, setExpanded] = useState(false);
  const short = useShortPanel();
  if (problems.length === 0) return null;
  const chosenProblem = problems.find((p) => p.key === chosen) ?? null;
  const first = problems.slice(0, short ? 1 : PROBLEMS_SHOWN);
  // The chosen problem stays in sight even when it is one of the rest.
  const listed =
    expanded || !chosenProblem || first.includes(chosenProblem)
      ? expanded
        ? problems
        : first
      : [...first, chosenProblem];
  const hidden = problems.length - listed.length;
  return (
    <>
      <nav class={short && !expanded ? 'problems short' : 'problems'} aria-label={t('problemsLabel')}>
        <span class="problems-count">{problemCount(problems)}</span>
        <ul>
          {listed.map((p) => (
            <li key={p.key}>
              <button
                type="button"
                class={p.key === chosen ? 'problem chosen' : 'problem'}
                aria-pressed={p.key === chosen}
                title={`${problemName(p, firefoxFirst)} — ${p.origin}${p.culprit ? ` (${p.culprit})` : ''}`}
                onClick={() => onChoose(p.key === chosen ? null : p.key)}
              >
                <span class="times">{p.count}×</span> <Text value={problemTitle(p)} />{' '}
                <span class="muted">
                  · {hostOf(p.origin)} · {problemName(p, firefoxFirst)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {hidden > 0 || expanded ? (
          <button type="button" class="more" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
            {expanded
              ? t('problemsFewer')
              : `${hidden} ${t(hidden === 1 ? 'problemsMoreOne' : 'problemsMore')}`}
          </button>
        ) : null}
      </nav>
      {chosenProblem ? (
        <p class="filtered" role="status">
          <span>
            {t('problemsFiltered')} {chosenProblem.count}× <Text value={problemTitle(chosenProblem)} />
          </span>{' '}
          <button type="button" class="clear" onClick={() => onChoose(null)}>
            ✕ {t('problemsAll')}
          </button>
        </p>
      ) : null}
    </>
  );
}
