/**
 * The user's settings: one type, read from anything (stored values may be old or hand-edited) and
 * changed by patches. The worker owns them; pages change them with the `cors:settings` message.
 */
import { DEFAULT_DEV_ORIGINS, isDevelopmentUrl, patternProblem } from '../../src/capture/dev-origins.ts';
import { STACKS, type StackId } from '../../src/fixes/fix.ts';

export interface Settings {
  /**
   * Whether tabs on a development origin record through webRequest while DevTools is closed. Off by
   * default: the webRequest listeners that see CORS headers slow every request of the browser
   * (×1.6 measured), DevTools capture costs nothing, and failures are counted either way.
   */
  readonly recordDevOrigins: boolean;
  /** Page hosts that count as development origins (host names, `*.` suffixes, IPv4 CIDR ranges, `[::1]`). */
  readonly devOrigins: readonly string[];
  /** Requests each tab keeps, newest first go last. */
  readonly ringSize: number;
  /** Keep a tab's log across navigations. */
  readonly preserveLog: boolean;
  /** The stack fixes are shown for; null: guessed from the server, else the default. */
  readonly stack: StackId | null;
  /** Whether exports start with secrets redacted (the user can still turn it off per export). */
  readonly redact: boolean;
}

export const DEFAULT_RING_SIZE = 1000;

export const DEFAULT_SETTINGS: Settings = {
  recordDevOrigins: false,
  devOrigins: DEFAULT_DEV_ORIGINS,
  ringSize: DEFAULT_RING_SIZE,
  preserveLog: false,
  stack: null,
  redact: true,
};

/** The ring sizes the options page offers to set: enough to matter, not so many that storage fills. */
export const RING_SIZE_MIN = 100;
export const RING_SIZE_MAX = 20_000;

/** A ring size the options page offers and the worker takes. */
export function validRingSize(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= RING_SIZE_MIN && (n as number) <= RING_SIZE_MAX;
}

/** A development-origin list whose every line is a pattern. */
export function validPatterns(list: unknown): list is string[] {
  return Array.isArray(list) && list.every((x) => typeof x === 'string' && patternProblem(x) === null);
}

/** Whether a tab at `url` records because it is on a development origin. */
export function recordsAsDevelopment(settings: Settings, url: string | undefined): boolean {
  return settings.recordDevOrigins && isDevelopmentUrl(url, settings.devOrigins);
}

/** Settings from a stored or sent value: each field taken when valid, the default otherwise. */
export function parseSettings(value: unknown): Settings {
  return patchSettings(DEFAULT_SETTINGS, value);
}

/** `settings` with the valid fields of `patch` applied; the rest of `patch` is ignored. */
export function patchSettings(settings: Settings, patch: unknown): Settings {
  if (typeof patch !== 'object' || patch === null) return settings;
  const p = patch as Record<string, unknown>;
  return {
    recordDevOrigins:
      typeof p.recordDevOrigins === 'boolean' ? p.recordDevOrigins : settings.recordDevOrigins,
    // Every line a pattern, or the patch is not taken: a half-typed list never replaces the one in use.
    devOrigins: validPatterns(p.devOrigins) ? p.devOrigins : settings.devOrigins,
    // The options page's range, checked here too: a size typed half-way ("5" of "5000") never trims a log.
    ringSize: validRingSize(p.ringSize) ? p.ringSize : settings.ringSize,
    redact: typeof p.redact === 'boolean' ? p.redact : settings.redact,
    preserveLog: typeof p.preserveLog === 'boolean' ? p.preserveLog : settings.preserveLog,
    stack:
      p.stack === null
        ? null
        : typeof p.stack === 'string' && (STACKS as readonly string[]).includes(p.stack)
          ? (p.stack as StackId)
          : settings.stack,
  };
}
