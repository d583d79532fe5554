/** Export buttons with the redaction switch, and the warning when it is off; panel and popup share them. */
import { useState } from 'preact/hooks';
import type { ExportFormat } from './client.ts';
import { t } from './i18n.ts';

const FORMATS = [
  ['json', 'exportJson'],
  ['markdown', 'exportMarkdown'],
  ['html', 'exportHtml'],
] as const;

interface Props {
  readonly redact: boolean;
  readonly onRedact: (on: boolean) => void;
  /** Starts the download; returns the file's name, which the controls then show. */
  readonly onExport: (format: ExportFormat) => string;
  readonly class?: string;
}

export function ExportControls({ redact, onRedact, onExport, class: className }: Props) {
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <span class={className}>
      {t('exportLabel')}:
      {FORMATS.map(([format, label]) => (
        <button
          key={format}
          type="button"
          aria-label={`${t('exportLabel')} ${t(label)}`}
          onClick={() => setSaved(onExport(format))}
        >
          {t(label)}
        </button>
      ))}
      <label class="redact">
        <input
          type="checkbox"
          checked={redact}
          onChange={(ev) => onRedact((ev.currentTarget as HTMLInputElement).checked)}
        />
        {t('redactSecrets')}
      </label>
      {saved ? (
        <span class="saved" role="status" title={saved}>
          {t('checkSaved')} {saved}
        </span>
      ) : null}
    </span>
  );
}

export function RedactionWarning({ redact }: { redact: boolean }) {
  return redact ? null : (
    <p class="warning" role="alert">
      {t('redactWarning')}
    </p>
  );
}
