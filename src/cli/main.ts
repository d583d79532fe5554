/** The `cors-lens` command: Node's file system and streams around runCli. Never prints a stack trace. */
import { readFileSync, statSync } from 'node:fs';
import { decodeFile } from '../har/open.ts';
import { watchCdp } from './cdp.ts';
import { cdpOptionsOf, EXIT_INTERNAL, runCli } from './run.ts';
import { terminalOf } from './terminal.ts';

const terminal = terminalOf(process.stdout, process.env);

function fileError(err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new Error('no such file');
  if (code === 'EISDIR') return new Error('is a directory, not a HAR file');
  if (code === 'EACCES') return new Error('permission denied');
  return new Error((err as Error).message ?? String(err));
}

// `cors-lens x.har | head`: a closed pipe is not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

const cdp = cdpOptionsOf(process.argv.slice(2));
if (cdp) {
  // Ctrl-C ends the watch and prints what was seen; the signal belongs to the command, not the library.
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  watchCdp(
    cdp,
    {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      terminal,
    },
    stop.signal,
  ).then(
    (code) => {
      process.exitCode = code;
      // The socket and timers are done with: leave even if a stray handle lingers.
      setTimeout(() => process.exit(code), 100).unref();
    },
    (err) => {
      process.stderr.write(`cors-lens: internal error: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(EXIT_INTERNAL);
    },
  );
} else {
  runFile();
}

function runFile(): void {
  try {
    const result = runCli(process.argv.slice(2), {
      readFile: (path) => {
        try {
          return decodeFile(readFileSync(path === '-' ? 0 : path));
        } catch (err) {
          return fileError(err);
        }
      },
      terminal,
      size: (path) => {
        if (path === '-') return null;
        try {
          return statSync(path).size;
        } catch {
          return null;
        }
      },
    });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.code;
  } catch (err) {
    // A bug of ours, not the user's file: one line, and a code of its own.
    process.stderr.write(`cors-lens: internal error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}
