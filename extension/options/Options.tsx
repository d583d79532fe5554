/**
 * The options: development origins (validated, with a URL to test them on), how many requests each
 * tab keeps, preserve log, the default stack and the redaction default. A checkbox or a choice goes
 * to the worker at once (`cors:settings`); a typed value when it is committed — Enter, leaving the
 * field, or a pause in typing — never on each key: "5000" typed over "1000" passes through "500",
 * which would have trimmed every tab's log. Keeping fewer requests is asked first, saying what goes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { matchingPattern, patternProblem } from '../../src/capture/dev-origins.ts';
import { STACK_LABELS, STACKS, type StackId } from '../../src/fixes/fix.ts';
import { onSettingsChanged } from '../platform/storage.ts';
import {
  parseSettings,
  RING_SIZE_MAX,
  RING_SIZE_MIN,
  type Settings,
  validPatterns,
  validRingSize,
} from '../shared/settings.ts';
import { send } from '../ui/client.ts';
import { t } from '../ui/i18n.ts';

/** How long typing must pause before a typed value is saved. */
const COMMIT_PAUSE_MS = 1000;

function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

export function Options() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [origins, setOrigins] = useState('');
  const [ring, setRing] = useState('');
  const [testUrl, setTestUrl] = useState('http://localhost:5173/');
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** A smaller ring size typed and committed, waiting for the user to confirm what it drops. */
  const [shrinkTo, setShrinkTo] = useState<number | null>(null);
  const pause = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** The commit waiting for typing to pause: run at once if the page goes away first. */
  const waiting = useRef<(() => void) | null>(null);
  const now = (commit: () => void) => {
    if (pause.current) clearTimeout(pause.current);
    pause.current = null;
    waiting.current = null;
    commit();
  };
  const later = (commit: () => void) => {
    if (pause.current) clearTimeout(pause.current);
    waiting.current = commit;
    pause.current = setTimeout(() => now(commit), COMMIT_PAUSE_MS);
  };
  useEffect(() => {
    const flush = () => {
      if (waiting.current) now(waiting.current);
    };
    addEventListener('pagehide', flush);
    return () => {
      removeEventListener('pagehide', flush);
      flush();
    };
  }, []);

  const show = (s: Settings) => {
    setSettings(s);
    setOrigins(s.devOrigins.join('\n'));
    setRing(String(s.ringSize));
  };

  useEffect(() => {
    void send({ type: 'cors:settings' }).then(show, (err) => setError(String(err)));
    // Changed elsewhere (a panel's preserve log, another options tab): what commits compare against.
    return onSettingsChanged((stored) => setSettings(parseSettings(stored)));
  }, []);

  const change = async (patch: Partial<Settings>) => {
    try {
      const next = await send({ type: 'cors:settings', patch });
      setSettings(next);
      // The worker checks every field itself and keeps the old value of one it refuses: say which.
      const refused = (Object.keys(patch) as (keyof Settings)[]).filter(
        (k) => JSON.stringify(next[k]) !== JSON.stringify(patch[k]),
      );
      setError(refused.length > 0 ? `${t('optionsRejected')}${refused.join(', ')}` : null);
      if (refused.length < Object.keys(patch).length)
        setSaved(`${t('optionsSaved')} ${new Date().toLocaleTimeString()}`);
    } catch (err) {
      setError(String(err));
    }
  };

  if (!settings) return <main class="options">{error ?? '…'}</main>;

  /** The typed patterns, saved when every line is one and they differ from the saved ones. */
  const commitPatterns = (text: string) => {
    const next = linesOf(text);
    if (!validPatterns(next)) return;
    if (next.join('\n') !== settings.devOrigins.join('\n')) void change({ devOrigins: next });
  };
  /** The typed ring size: more is saved, fewer is asked first, anything out of range waits. */
  const commitRing = (text: string) => {
    const n = Number(text);
    if (!validRingSize(n)) return;
    if (n < settings.ringSize) setShrinkTo(n);
    else {
      setShrinkTo(null);
      if (n > settings.ringSize) void change({ ringSize: n });
    }
  };

  const patterns = linesOf(origins);
  const problems = patterns.flatMap((p) => {
    const problem = patternProblem(p);
    return problem ? [`${p}: ${problem}`] : [];
  });
  const ringValue = Number(ring);
  const ringOk = validRingSize(ringValue);
  // Tested against what is typed (its valid lines), so a pattern can be tried before it is kept.
  const match = matchingPattern(
    testUrl,
    patterns.filter((p) => patternProblem(p) === null),
  );

  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      {error ? (
        <p class="warning" role="alert">
          {error}
        </p>
      ) : null}

      <fieldset>
        <legend>{t('optionsDevOrigins')}</legend>
        <label>
          <input
            type="checkbox"
            checked={settings.recordDevOrigins}
            onChange={(ev) =>
              void change({ recordDevOrigins: (ev.currentTarget as HTMLInputElement).checked })
            }
          />{' '}
          {t('optionsRecordDev')}
        </label>
        <p class="help">{t('optionsRecordDevHelp')}</p>
        <label for="dev-origins">{t('optionsPatterns')}</label>
        <textarea
          id="dev-origins"
          spellcheck={false}
          value={origins}
          onInput={(ev) => {
            const text = (ev.currentTarget as HTMLTextAreaElement).value;
            setOrigins(text);
            // Saved once typing pauses, and only when every line is a pattern.
            later(() => commitPatterns(text));
          }}
          onBlur={(ev) => now(() => commitPatterns((ev.currentTarget as HTMLTextAreaElement).value))}
        />
        {problems.length > 0 ? (
          <ul class="errors" role="alert">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        ) : null}
        <p class="help">{t('optionsPatternsHelp')}</p>
        <label for="test-url">{t('optionsTestUrl')}</label>
        <input
          id="test-url"
          type="url"
          value={testUrl}
          onInput={(ev) => setTestUrl((ev.currentTarget as HTMLInputElement).value)}
        />
        <p class={`match ${match ? 'yes' : 'no'}`} role="status">
          {match ? `${t('optionsMatches')} ${match}` : t('optionsNoMatch')}
        </p>
      </fieldset>

      <fieldset>
        <legend>{t('optionsLog')}</legend>
        <label for="ring-size">{t('optionsRingSize')}</label>{' '}
        <input
          id="ring-size"
          type="number"
          min={RING_SIZE_MIN}
          max={RING_SIZE_MAX}
          step={100}
          value={ring}
          onInput={(ev) => {
            const text = (ev.currentTarget as HTMLInputElement).value;
            setRing(text);
            setShrinkTo(null);
            later(() => commitRing(text));
          }}
          onKeyDown={(ev) => {
            if (ev.key === 'Enter') now(() => commitRing((ev.currentTarget as HTMLInputElement).value));
          }}
          onBlur={(ev) => now(() => commitRing((ev.currentTarget as HTMLInputElement).value))}
        />
        {shrinkTo !== null ? (
          <p class="warning" role="alert">
            {t('optionsShrinkFrom')} {settings.ringSize.toLocaleString()} {t('optionsShrinkTo')}{' '}
            {shrinkTo.toLocaleString()}: {t('optionsShrinkDrops')}{' '}
            <button
              type="button"
              onClick={() => {
                void change({ ringSize: shrinkTo });
                setShrinkTo(null);
              }}
            >
              {t('optionsShrinkApply')} {shrinkTo.toLocaleString()}
            </button>{' '}
            <button
              type="button"
              onClick={() => {
                setShrinkTo(null);
                setRing(String(settings.ringSize));
              }}
            >
              {t('optionsShrinkCancel')} {settings.ringSize.toLocaleString()}
            </button>
          </p>
        ) : null}
        {ringOk ? null : (
          <p class="errors" role="alert">
            {t('optionsRingRange')} {RING_SIZE_MIN.toLocaleString()}–{RING_SIZE_MAX.toLocaleString()}.
          </p>
        )}
        <p class="help">{t('optionsRingHelp')}</p>
        <label>
          <input
            type="checkbox"
            checked={settings.preserveLog}
            onChange={(ev) => void change({ preserveLog: (ev.currentTarget as HTMLInputElement).checked })}
          />{' '}
          {t('preserveLog')}
        </label>
      </fieldset>

      <fieldset>
        <legend>{t('optionsFixesAndReports')}</legend>
        <label for="stack">{t('optionsStack')}</label>{' '}
        <select
          id="stack"
          value={settings.stack ?? ''}
          onChange={(ev) => {
            const v = (ev.currentTarget as HTMLSelectElement).value;
            void change({ stack: v === '' ? null : (v as StackId) });
          }}
        >
          <option value="">{t('optionsStackGuess')}</option>
          {STACKS.map((s) => (
            <option key={s} value={s}>
              {STACK_LABELS[s]}
            </option>
          ))}
        </select>
        <p>
          <label>
            <input
              type="checkbox"
              checked={settings.redact}
              onChange={(ev) => void change({ redact: (ev.currentTarget as HTMLInputElement).checked })}
            />{' '}
            {t('optionsRedact')}
          </label>
        </p>
      </fieldset>
      <p class="saved" role="status">
        {saved}
      </p>
    </main>
  );
}
