/**
 * The fix for the chosen stack: remembered across sessions, guessed from the server's own headers
 * (X-Powered-By, Server) until the user picks one. Copied, never sent anywhere.
 */
import { STACK_LABELS, STACKS, type StackId } from '../../src/fixes/index.ts';
import type { EntryDescription } from '../../src/report/describe.ts';
import { CopyButton } from '../ui/CopyButton.tsx';
import { t } from '../ui/i18n.ts';

interface Props {
  readonly fix: NonNullable<EntryDescription['fix']>;
  /** The stack the user chose, or null while the shown one is guessed or the default. */
  readonly chosen: StackId | null;
  readonly onChoose: (stack: StackId) => void;
  /** The server the fix is merged for ("http://localhost:8000 — 7 requests, 6 blocked"), or null. */
  readonly server?: string | null;
}

export function FixView({ fix, chosen, onChoose, server = null }: Props) {
  return (
    <section class="fix" aria-label={t('fixTitle')}>
      <h3>{t('fixTitle')}</h3>
      {server ? (
        <p class="fix-server">
          {t('fixServer')} {server}
        </p>
      ) : null}
      <div class="fix-bar">
        <label>
          {t('fixStack')}{' '}
          <select
            value={fix.stack}
            onChange={(ev) => onChoose((ev.currentTarget as HTMLSelectElement).value as StackId)}
          >
            {STACKS.map((s) => (
              <option key={s} value={s}>
                {STACK_LABELS[s]}
                {s === fix.stack && fix.guessed && chosen === null ? ` — ${t('fixGuessed')}` : ''}
              </option>
            ))}
          </select>
        </label>
        <CopyButton text={fix.text} label="copyFix" />
      </div>
      <pre class="fix-code">
        <code>{fix.text}</code>
      </pre>
    </section>
  );
}
