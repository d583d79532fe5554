/**
 * The fix for the chosen stack: remembered across sessions, guessed from the server's own headers
 * (X-Powered-By, Server) until the user picks one. Copied, never sent anywhere.
 */
import type { ComponentChildren } from 'preact';
import { STACK_LABELS, STACK_PROOF, STACKS, type StackId } from '../../src/fixes/index.ts';
import type { EntryDescription } from '../../src/report/describe.ts';
import { CopyButton } from '../ui/CopyButton.tsx';
import { t } from '../ui/i18n.ts';

interface Props {
  readonly fix: NonNullable<EntryDescription['fix']>;
  /** The stack the user chose, or null while the shown one is guessed or the default. */
  readonly chosen: StackId | null;
  readonly onChoose: (stack: StackId) => void;
  /** What the fix is for, under the heading: the server it is merged for, or where an edited answer came from. */
  readonly children?: ComponentChildren;
  /** The heading: "Fix the server" unless told. */
  readonly title?: string;
}

export function FixView({ fix, chosen, onChoose, children, title = t('fixTitle') }: Props) {
  return (
    <section class="fix" aria-label={title}>
      <h3>{title}</h3>
      {children}
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
      <p class="fix-proof">
        {STACK_PROOF[fix.stack].by === 'server' ? t('fixProvenOn') : t('fixCheckedOn')}{' '}
        {STACK_PROOF[fix.stack].on}.
      </p>
      <pre class="fix-code">
        <code>{fix.text}</code>
      </pre>
    </section>
  );
}
