/** The worker's devtools-page ports: a settings change reaches every window even when one port is stale. */
import { expect, test } from 'vitest';
import { DevToolsPorts } from '../../extension/background/devtools-ports.ts';
import type { Port } from '../../extension/platform/runtime.ts';
import { DEFAULT_SETTINGS } from '../../extension/shared/settings.ts';

/** A port as the worker sees it; `gone` makes postMessage throw, as a port whose page closed does. */
function fakePort(name: string) {
  const received: unknown[] = [];
  const disconnect: (() => void)[] = [];
  const port = {
    name,
    gone: false,
    received,
    postMessage(message: unknown) {
      if (port.gone) throw new Error('Attempting to use a disconnected port object');
      received.push(message);
    },
    onMessage: { addListener: () => {} },
    onDisconnect: { addListener: (f: () => void) => disconnect.push(f) },
    disconnect: () => {
      for (const f of disconnect) f();
    },
  };
  return port;
}

test('a stale port is dropped, the other windows are still told, and the tab is freed when it really goes', () => {
  const ports = new DevToolsPorts();
  const served: [number, boolean][] = [];
  const onServed = (tabId: number, on: boolean) => served.push([tabId, on]);
  const a = fakePort('devtools:1');
  const stale = fakePort('devtools:2');
  const b = fakePort('devtools:3');
  for (const p of [a, stale, b]) ports.connect(p as unknown as Port, onServed, () => {});
  stale.gone = true;
  const settings = { ...DEFAULT_SETTINGS, preserveLog: true };
  expect(() => ports.settingsChanged(settings)).not.toThrow();
  expect(a.received).toEqual([{ type: 'cors:settings-changed', settings }]);
  expect(b.received).toEqual([{ type: 'cors:settings-changed', settings }]);
  // Told again: the stale port is not tried twice.
  ports.settingsChanged(settings);
  expect(a.received).toHaveLength(2);
  // A new window for the tab connects before the stale one's disconnect arrives: it stays served.
  const again = fakePort('devtools:2');
  ports.connect(again as unknown as Port, onServed, () => {});
  stale.disconnect();
  ports.settingsChanged(settings);
  expect(again.received).toHaveLength(1);
});
