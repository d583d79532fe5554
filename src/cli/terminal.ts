/** Where the command's output goes: how wide to wrap it and whether to colour it. */
import { DEFAULT_WIDTH } from '../report/table.ts';

export interface Terminal {
  /** Columns: the terminal's, else $COLUMNS; null when neither says. */
  readonly columns: number | null;
  readonly color: boolean;
}

/**
 * The terminal as Node's stdout and the environment describe it. Colour only on a terminal, unless
 * FORCE_COLOR asks for it (any value but 0 or false); NO_COLOR (any non-empty value) turns it off.
 */
export function terminalOf(
  stdout: { readonly isTTY?: boolean; readonly columns?: number },
  env: Readonly<Record<string, string | undefined>>,
): Terminal {
  const fromEnv = Number(env.COLUMNS);
  const columns =
    stdout.isTTY && Number.isInteger(stdout.columns) && (stdout.columns as number) > 0
      ? (stdout.columns as number)
      : Number.isInteger(fromEnv) && fromEnv > 0
        ? fromEnv
        : null;
  const force = env.FORCE_COLOR;
  const forced = force !== undefined && force !== '0' && force !== 'false';
  // NO_COLOR counts when set to anything but the empty string (no-color.org).
  const refused = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return { columns, color: forced || (!refused && stdout.isTTY === true) };
}

/** The columns the table wraps to: --width, else the terminal's, else DEFAULT_WIDTH. */
export function widthOf(width: number | null, terminal: Terminal | undefined): number {
  return width ?? terminal?.columns ?? DEFAULT_WIDTH;
}
