/**
 * What if the server answered differently: the preflight status and each `Access-Control-*` header
 * of the preflight and of the response, edited here, and at once the engine's verdict for every
 * request to that server. Pure engine, nothing sent. "Use as fix" renders the edited answer for
 * the chosen stack.
 */
import { useMemo, useState } from 'preact/hooks';
import type { CorsRequirement } from '../../src/fixes/index.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import type { ServerFix } from '../../src/report/servers.ts';
import {
  additionsOf,
  answerOf,
  capturedAnswer,
  PREFLIGHT_FIELDS,
  type PreflightField,
  RESPONSE_FIELDS,
  type ResponseField,
  requirementOfAnswer,
  type ServerAnswer,
  underMergedFix,
  whatIfAll,
} from '../../src/report/what-if.ts';
import { t } from '../ui/i18n.ts';
import { OutcomeList } from './OutcomeList.tsx';

interface Props {
  readonly server: ServerFix;
  readonly entries: readonly ReportEntry[];
  readonly selected: ReportEntry;
  readonly onUse: (use: UsedAnswer) => void;
}

/** An edited answer taken as the fix: its requirement, how many requests pass with it, what the fix adds. */
export interface UsedAnswer {
  readonly requirement: CorsRequirement;
  readonly passing: number;
  /** Refused under the fix; the rest of those not passing cannot be judged from headers (redirected, not recorded). */
  readonly blocked: number;
  readonly total: number;
  readonly added: readonly string[];
}

function Field({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  return (
    <label class="what-if-field">
      <span class="name">{label}</span>
      <input
        type="text"
        spellcheck={false}
        value={value ?? ''}
        placeholder={t('whatIfNotSent')}
        onInput={(ev) => {
          const v = (ev.currentTarget as HTMLInputElement).value;
          onChange(v === '' ? null : v);
        }}
      />
    </label>
  );
}

export function WhatIf({ server, entries, selected, onUse }: Props) {
  const others = entries.filter((e) => e.id !== selected.id);
  const [answer, setAnswer] = useState<ServerAnswer>(() => capturedAnswer(selected, others));
  const rows = useMemo(() => whatIfAll(entries, answer), [entries, answer]);
  const setPreflight = (name: PreflightField, value: string | null) =>
    setAnswer((a) => ({ ...a, preflight: { ...a.preflight, [name]: value } }));
  const setResponse = (name: ResponseField, value: string | null) =>
    setAnswer((a) => ({ ...a, response: { ...a.response, [name]: value } }));

  return (
    <details class="what-if">
      <summary>{t('whatIfTitle')}</summary>
      <p class="muted">{t('whatIfHelp')}</p>
      <div class="what-if-bar">
        <button type="button" onClick={() => setAnswer(capturedAnswer(selected, others))}>
          {t('whatIfCaptured')}
        </button>
        <button type="button" onClick={() => setAnswer(answerOf(server.requirement, selected.initiator))}>
          {t('whatIfMerged')}
        </button>
        <button
          type="button"
          class="primary"
          onClick={() => {
            // Judged as the rendered fix answers, which is not always the answer as typed (a `*`).
            const requirement = requirementOfAnswer(answer, server.requirement);
            const fixed = underMergedFix(entries, requirement);
            onUse({
              requirement,
              passing: fixed.filter((r) => r.outcome.kind === 'allowed').length,
              blocked: fixed.filter((r) => r.outcome.kind === 'blocked').length,
              total: fixed.length,
              added: additionsOf(answer),
            });
          }}
        >
          {t('whatIfUse')}
        </button>
      </div>
      <div class="what-if-form">
        <fieldset>
          <legend>{t('preflight')}</legend>
          <label class="what-if-field">
            <span class="name">{t('whatIfStatus')}</span>
            <input
              type="number"
              min={100}
              max={599}
              value={answer.preflightStatus}
              onInput={(ev) => {
                const n = Number((ev.currentTarget as HTMLInputElement).value);
                if (Number.isInteger(n) && n >= 100 && n <= 599)
                  setAnswer((a) => ({ ...a, preflightStatus: n }));
              }}
            />
          </label>
          {PREFLIGHT_FIELDS.map((name) => (
            <Field
              key={name}
              label={name}
              value={answer.preflight[name]}
              onChange={(v) => setPreflight(name, v)}
            />
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('whatIfResponse')}</legend>
          {RESPONSE_FIELDS.map((name) => (
            <Field
              key={name}
              label={name}
              value={answer.response[name]}
              onChange={(v) => setResponse(name, v)}
            />
          ))}
        </fieldset>
      </div>
      <OutcomeList rows={rows} />
    </details>
  );
}
