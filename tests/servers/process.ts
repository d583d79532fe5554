/**
 * A test server as its own process (Apache, Caddy, Flask, Django, Go, next dev): started in a
 * folder of its own, waited for until it answers, stopped whole (its process group) and its folder
 * removed. Its output is kept for a failure's message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../e2e/wait.ts';

export interface RunningApp {
  readonly origin: string;
  readonly source: string;
  close(): Promise<void>;
}

/** A folder for a generated project, removed by the server's close(). */
export function projectDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs a server process until `readyPath` answers; its output is kept for a failure's message. */
export async function run(
  command: readonly string[],
  dir: string,
  port: number,
  source: string,
  env: Record<string, string> = {},
  readyPath = '/api/catalog',
): Promise<RunningApp> {
  const [file, ...args] = command as [string, ...string[]];
  // Its own process group: servers that start workers (next dev) are stopped whole.
  const child: ChildProcess = spawn(file, args, {
    cwd: dir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  /** The whole process group: workers a server started (next dev) outlive its leader otherwise. */
  const signal = (name: NodeJS.Signals) => {
    if (!child.pid) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group is gone already.
    }
  };
  const close = async () => {
    signal('SIGTERM');
    if (!exited) {
      await waitUntil(
        () => Promise.resolve(exited),
        (done) => done,
        { what: `${file} to stop`, timeoutMs: 5000 },
      ).catch(() => signal('SIGKILL'));
    }
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      () =>
        exited
          ? Promise.resolve(true)
          : fetch(`${origin}${readyPath}`, { signal: AbortSignal.timeout(2000) }).then(
              () => true,
              () => false,
            ),
      (up) => up,
      { what: `${file} to listen`, timeoutMs: 60_000 },
    );
    if (exited) throw new Error(`${command.join(' ')} exited:\n${output}\n--- source ---\n${source}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { origin, source, close };
}
