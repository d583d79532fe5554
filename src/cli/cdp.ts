/**
 * `cors-lens --cdp <endpoint>`: attaches to a running Chrome (started with --remote-debugging-port),
 * to all its pages and to each new one as it opens, and prints every CORS failure as it happens —
 * Chrome's own verdict for what was blocked, the engine's explanation and fix for why. Ends after
 * `--timeout` seconds, when `stop` aborts (the command's Ctrl-C), or when Chrome goes away; exit 1
 * if anything was blocked, else 0.
 *
 * Node only (a WebSocket to Chrome: `ws`, since Node 20 has no WebSocket client of its own).
 */
import WebSocket from 'ws';
import { type CdpEntry, CdpNetworkLog, LATE_EVENTS_MS, MAX_TRACKED } from '../cdp/network.ts';
import type { StackId } from '../fixes/fix.ts';
import { culpritText, describeEntry, errorWithParameter, locationText } from '../report/describe.ts';
import { redact } from '../report/redact.ts';
import { renderTable, terminalSafe } from '../report/table.ts';
import { type Terminal, widthOf } from './terminal.ts';

export interface CdpOptions {
  readonly endpoint: string;
  /** Seconds to watch; null: until Ctrl-C or Chrome closes. */
  readonly timeout: number | null;
  readonly format: 'table' | 'json' | 'markdown';
  readonly stack: StackId | null;
  readonly redact: boolean;
  /** --width, or null for the terminal's. */
  readonly width?: number | null;
}

export interface CdpOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The terminal the output goes to (its columns, whether to colour); absent: not one. */
  readonly terminal?: Terminal;
}

/** The browser's WebSocket URL: given as is, or asked of the HTTP endpoint (`/json/version`). */
async function browserSocket(endpoint: string): Promise<string> {
  if (/^wss?:\/\//i.test(endpoint)) return endpoint;
  let base: URL;
  try {
    base = new URL(/^https?:\/\//i.test(endpoint) ? endpoint : `http://${endpoint}`);
  } catch {
    throw new Error(`"${endpoint}" is not an address`);
  }
  let reply: Response;
  try {
    reply = await fetch(new URL('/json/version', base), { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(
      cause?.code === 'ECONNREFUSED' ? 'nothing listens there' : (cause?.message ?? (err as Error).message),
    );
  }
  const body = (await reply.json().catch(() => null)) as { webSocketDebuggerUrl?: string } | null;
  if (!reply.ok || !body?.webSocketDebuggerUrl)
    throw new Error("it does not answer as Chrome's DevTools endpoint");
  return body.webSocketDebuggerUrl;
}

/** One failure, as it happens: the table's line and what explains it. */
function failureLines(c: CdpEntry, o: CdpOptions): string {
  const d = describeEntry(o.redact ? (redact([c.entry])[0] ?? c.entry) : c.entry, {
    stack: o.stack,
    browser: 'chrome',
    redact: o.redact,
  });
  const chrome = errorWithParameter(c.chrome.corsError, c.chrome.failedParameter);
  const lines = [`✗ ${d.method} ${d.url}`, `  Chrome: ${chrome}`];
  if (d.culprit) lines.push(`  Culprit: ${culpritText(d.culprit)}`);
  if (d.madeBy) lines.push(`  Made by ${locationText(d.madeBy)}`);
  if (c.disagree) {
    const engine = c.entry.verdict?.blocked
      ? errorWithParameter(c.entry.verdict.corsError, c.entry.verdict.failedParameter)
      : 'allowed';
    lines.push(
      `  CORS Lens disagrees: its engine says ${engine}. Please report it: both verdicts are above.`,
    );
  }
  if (d.explanation) lines.push(`  ${d.explanation}`);
  return `${terminalSafe(lines.join('\n'))}\n`;
}

function jsonLine(c: CdpEntry): string {
  const e = c.entry;
  return `${JSON.stringify({
    type: 'cors-failure',
    method: e.method,
    url: e.url,
    initiator: e.initiator,
    corsError: c.chrome.corsError,
    failedParameter: c.chrome.failedParameter,
    culprit: e.verdict?.culprit ?? null,
    madeBy: e.initiatorLocation,
    engine: {
      corsError: e.verdict?.blocked ? e.verdict.corsError : null,
      failedParameter: e.verdict?.failedParameter ?? null,
    },
    disagree: c.disagree,
    explanation: e.explanation,
  })}\n`;
}

/** Watches the browser at `options.endpoint`; resolves with the exit code. */
export async function watchCdp(options: CdpOptions, out: CdpOutput, stop?: AbortSignal): Promise<number> {
  if (stop?.aborted) return 0;
  let socketUrl: string;
  try {
    socketUrl = await browserSocket(options.endpoint);
  } catch (err) {
    out.stderr(
      `cors-lens: cannot attach to Chrome at ${options.endpoint}: ${(err as Error).message}. Start Chrome with --remote-debugging-port=9222 and pass --cdp http://127.0.0.1:9222.\n`,
    );
    return 2;
  }
  const entries: CdpEntry[] = [];
  const log = new CdpNetworkLog((c) => {
    entries.push(c);
    if (c.chrome.corsError === null && !c.disagree) return;
    out.stdout(options.format === 'json' ? jsonLine(c) : failureLines(c, options));
  });

  const ws = new WebSocket(socketUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  let nextId = 1;
  const send = (method: string, params: object = {}, sessionId?: string) =>
    ws.send(JSON.stringify({ id: nextId++, method, params, ...(sessionId ? { sessionId } : {}) }));

  const opened = await new Promise<Error | null>((resolve) => {
    ws.once('open', () => resolve(null));
    ws.once('error', (err) => resolve(err));
  });
  if (opened) {
    out.stderr(`cors-lens: cannot attach to Chrome at ${options.endpoint}: ${opened.message}.\n`);
    return 2;
  }
  // A socket error is followed by its close, which ends the watch: nothing to throw.
  ws.on('error', () => {});
  // Everything from the socket is checked before use: a message that is not JSON, has neither a
  // method nor an id, or carries params of the wrong shape is skipped and counted, never thrown on.
  let malformed = 0;
  ws.on('message', (data) => {
    let msg: { id?: unknown; method?: unknown; params?: unknown; sessionId?: unknown };
    try {
      msg = JSON.parse(String(data));
    } catch {
      malformed++;
      return;
    }
    if (typeof msg !== 'object' || msg === null) {
      malformed++;
      return;
    }
    if (typeof msg.method !== 'string') {
      // A reply to one of our commands carries its id instead.
      if (typeof msg.id !== 'number') malformed++;
      return;
    }
    if (msg.method === 'Target.attachedToTarget') {
      const p = msg.params as {
        sessionId?: unknown;
        targetInfo?: { type?: unknown };
        waitingForDebugger?: unknown;
      };
      if (typeof p?.sessionId !== 'string' || typeof p.targetInfo?.type !== 'string') {
        malformed++;
        return;
      }
      if (p.targetInfo.type === 'page' || p.targetInfo.type === 'iframe')
        send('Network.enable', {}, p.sessionId);
      // New pages wait until their network is watched, so their first requests are seen too.
      if (p.waitingForDebugger === true) send('Runtime.runIfWaitingForDebugger', {}, p.sessionId);
      return;
    }
    if (typeof msg.sessionId === 'string' && msg.method.startsWith('Network.')) {
      try {
        log.event(msg.sessionId, msg.method, msg.params);
      } catch {
        // Checked field by field already; anything left that throws is one more malformed message.
        malformed++;
      }
    }
  });
  send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
  out.stderr(
    `cors-lens: watching Chrome at ${options.endpoint}${options.timeout !== null ? ` for ${options.timeout} s` : ''} (Ctrl-C to stop).\n`,
  );

  let closedByChrome = false;
  await new Promise<void>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const done = () => {
      if (timer) clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    if (options.timeout !== null) timer = setTimeout(done, options.timeout * 1000);
    // Ctrl-C may have come while connecting: the signal is already aborted then.
    if (stop?.aborted) done();
    else stop?.addEventListener('abort', done, { once: true });
    ws.once('close', () => {
      closedByChrome = true;
      done();
    });
  });
  if (closedByChrome) out.stderr('cors-lens: Chrome closed the connection.\n');
  // Requests Chrome finished in the last moment still count; their late answers are awaited a while
  // (not when Chrome went away: nothing more will come).
  await new Promise((r) => setTimeout(r, 300));
  const deadline = Date.now() + (closedByChrome ? 0 : LATE_EVENTS_MS);
  while (log.waiting > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  log.flush();
  ws.close();
  malformed += log.malformed;
  if (malformed > 0)
    out.stderr(
      `cors-lens: skipped ${malformed} malformed message${malformed === 1 ? '' : 's'} from Chrome.\n`,
    );
  if (log.dropped > 0)
    out.stderr(
      `cors-lens: let go of ${log.dropped} requests Chrome never finished (over ${MAX_TRACKED} at once).\n`,
    );
  const blocked = entries.filter((c) => c.chrome.corsError !== null);
  if (options.format === 'json') {
    out.stdout(`${JSON.stringify({ type: 'summary', requests: entries.length, blocked: blocked.length })}\n`);
  } else if (blocked.length > 0) {
    out.stdout(
      `\n${renderTable(
        entries.map((c) => c.entry),
        {
          source: options.endpoint,
          total: entries.length,
          redact: options.redact,
          all: false,
          stack: options.stack,
          width: widthOf(options.width ?? null, out.terminal),
          color: out.terminal?.color ?? false,
        },
      )}`,
    );
  } else {
    out.stdout(`Nothing was blocked (${entries.length} cross-origin requests seen).\n`);
  }
  return blocked.length > 0 ? 1 : 0;
}
