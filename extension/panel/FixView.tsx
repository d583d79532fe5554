/**
 * The fix for the chosen stack: remembered across sessions, guessed from the server's own headers
 * (X-Powered-By, Server) until the user picks one. Copied, never sent anywhere.
 */
import { guessStack, STACK_LABELS, STACKS, type StackId } from '../../src/fixes/index.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { t } from '../shared/i18n.ts';
import { CopyButton } from '../ui/CopyButton.tsx';

interface Props {
  readonly entry: ReportEntry;
  readonly chosen: StackId | null;
  readonly onChoose: (stack: StackId) => void;
}

export function FixView({ entry, chosen, onChoose }: Props) {
  if (!entry.fixes) return null;
  const guessed = guessStack(entry);
  const stack = chosen ?? guessed ?? 'express';
  const text = entry.fixes[stack];
  return (
    <section class="fix" aria-label={t('fixTitle')}>
      <h3>{t('fixTitle')}</h3>
      <div class="fix-bar">
        <label>
          {t('fixStack')}{' '}
          <select
            value={stack}
            onChange={(ev) => onChoose((ev.currentTarget as HTMLSelectElement).value as StackId)}
          >
            {STACKS.map((s) => (
              <option key={s} value={s}>
                {STACK_LABELS[s]}
                {s === guessed && chosen === null ? ` — ${t('fixGuessed')}` : ''}
              </option>
            ))}
          </select>
        </label>
        <CopyButton text={text} label="copyFix" />
      </div>
      <pre class="fix-code">
        <code>{text}</code>
      </pre>
    </section>
  );
}
