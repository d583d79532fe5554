/** Copies text to the clipboard and says so for a moment. */
import { useState } from 'preact/hooks';
import { t } from './i18n.ts';
import type { MessageKey } from './strings.ts';

export function CopyButton({ text, label = 'copy' }: { text: string; label?: MessageKey }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() =>
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      {copied ? t('copied') : t(label)}
    </button>
  );
}
