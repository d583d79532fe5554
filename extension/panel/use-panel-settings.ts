/**
 * The settings the panel shows and changes: preserve log, the stack fixes are shown for, and this
 * panel's redaction (starting from the options' default). The worker keeps them; a change made
 * elsewhere (the options page, another DevTools window) shows here at once.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { StackId } from '../../src/fixes/index.ts';
import { onSettingsChanged } from '../platform/storage.ts';
import type { Settings } from '../shared/messages.ts';
import { parseSettings } from '../shared/settings.ts';
import { send } from '../ui/client.ts';

export function usePanelSettings(failed: (message: string) => void) {
  const [preserveLog, setPreserveLog] = useState(false);
  const [redactSecrets, setRedactSecrets] = useState(true);
  const [stack, setStack] = useState<StackId | null>(null);
  const fail = useRef(failed);
  fail.current = failed;

  const showSettings = useCallback((settings: Settings) => {
    setPreserveLog(settings.preserveLog);
    setStack(settings.stack);
  }, []);

  useEffect(() => {
    void send({ type: 'cors:settings' }).then(
      (settings) => {
        showSettings(settings);
        // The options' default; the toolbar box then changes it for this panel only.
        setRedactSecrets(settings.redact);
      },
      (err) => fail.current(String(err)),
    );
  }, [showSettings]);

  // A change made elsewhere (the options page, another DevTools window) shows here at once.
  useEffect(() => onSettingsChanged((stored) => showSettings(parseSettings(stored))), [showSettings]);

  /** Settings go to the worker, which keeps them and applies them; the panel shows what it answered. */
  const changeSettings = (patch: Partial<Settings>) =>
    send({ type: 'cors:settings', patch }).then(showSettings, (err) => fail.current(String(err)));

  const chooseStack = (next: StackId) => {
    setStack(next);
    void changeSettings({ stack: next });
  };

  const togglePreserve = async (on: boolean) => {
    setPreserveLog(on);
    await changeSettings({ preserveLog: on });
  };

  return { preserveLog, togglePreserve, stack, chooseStack, redactSecrets, setRedactSecrets };
}
