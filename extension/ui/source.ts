/**
 * Where the panel reads a tab's log from. Inside DevTools: the devtools page of the same DevTools
 * window, which keeps DevTools' network log judged in memory — the panel calls it directly, with
 * no round trip through the worker. Opened as a tab (`?tabId=N`): the worker, by messages.
 */
import { type ConnectionState, keepConnected } from '../platform/runtime.ts';
import type { EntriesChanged, ReportQuery, ReportReply, StatusReply } from '../shared/messages.ts';
import { DEVTOOLS_HANDLE } from '../shared/page-names.ts';
import { send } from './client.ts';

export type { ConnectionState };

export interface LogSource {
  readonly tabId: number;
  report(query: ReportQuery): Promise<ReportReply>;
  status(): Promise<StatusReply>;
  clear(): Promise<void>;
  /** Calls `onChange` whenever the log changes; returns the function that stops it. */
  subscribe(onChange: () => void, onState: (state: ConnectionState) => void): () => void;
  /** DevTools only: reload the inspected page, so that DevTools records it from its first request. */
  readonly reload?: () => void;
  /** DevTools only: show a line of the page's code in the Sources panel (line and column from 1). */
  readonly openSource?: (url: string, line: number, column: number) => void;
}

/** The worker's copy of a tab's log; while the panel's port is open the tab records. */
export function workerSource(tabId: number): LogSource {
  return {
    tabId,
    report: (query) => send({ type: 'cors:report', tabId, ...query }),
    status: () => send({ type: 'cors:status', tabId }),
    clear: async () => {
      await send({ type: 'cors:clear', tabId });
    },
    subscribe: (onChange, onState) =>
      keepConnected(`panel:${tabId}`, {
        onOpen: () => onChange(),
        onMessage: (message) => {
          const changed = message as EntriesChanged | null;
          if (changed?.type === 'cors:changed' && changed.tabId === tabId) onChange();
        },
        onState,
      }),
  };
}

/** What a devtools page leaves on its window for the panels of its DevTools window. */
export interface DevToolsHandle {
  source(tabId: number): LogSource | null;
}

type WithHandle = { [DEVTOOLS_HANDLE]?: DevToolsHandle };

function handleIn(w: Window): DevToolsHandle | null {
  try {
    return (w as unknown as WithHandle)[DEVTOOLS_HANDLE] ?? null;
  } catch {
    // Another origin's frame (DevTools' own): not ours to read.
    return null;
  }
}

/**
 * The devtools page of this panel's DevTools window. In Chrome both are frames of the DevTools
 * window, side by side and of one origin, so the panel finds it among its parent's frames; the
 * devtools page also leaves it on the panel's window when the panel is shown (Firefox's way).
 * Null when none answers within `timeoutMs`.
 */
export async function findDevToolsSource(tabId: number, timeoutMs: number): Promise<LogSource | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const own = handleIn(window)?.source(tabId);
    if (own) return own;
    const frames =
      window.parent === window
        ? []
        : Array.from({ length: window.parent.frames.length }, (_, i) => window.parent.frames[i]);
    for (const frame of frames) {
      const found = frame && frame !== window ? handleIn(frame as Window)?.source(tabId) : null;
      if (found) return found;
    }
    if (performance.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 25));
  }
}
