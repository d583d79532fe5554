/**
 * `cors-lens --cdp` against a hostile DevTools endpoint (an HTTP `/json/version` and a WebSocket of
 * our own, no browser): malformed JSON, messages with neither method nor id, events with missing or
 * wrongly typed params, a 5 MB header value, then one well-formed blocked request, then the socket
 * closed. The command reports the blocked request, says how many messages it skipped, prints no
 * stack trace, and exits 1 (something was blocked), as documented.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { WebSocketServer } from 'ws';

const CLI = join(resolve(import.meta.dirname, '../..'), 'dist-cli/cors-lens.mjs');
const PAGE = 'http://localhost:3000';
const API = 'http://localhost:8000/api/orders';

const event = (method: string, params: unknown) => JSON.stringify({ method, params, sessionId: 'S1' });

/** What the fake Chrome sends once the command asks it to auto-attach. */
const HOSTILE = [
  'not json {',
  '{}',
  '[1, 2]',
  'null',
  event('Network.requestWillBeSent', null),
  event('Network.responseReceived', { requestId: '9', response: { status: '200', headers: {} } }),
  JSON.stringify({ method: 'Target.attachedToTarget', params: {} }),
  event('Network.loadingFailed', { requestId: '9', corsErrorStatus: 'HeaderDisallowedByPreflightResponse' }),
  // A header value that is not a string, and one whose String() throws.
  event('Network.requestWillBeSentExtraInfo', { requestId: '9', headers: { 'X-A': 1 } }),
  event('Network.requestWillBeSentExtraInfo', { requestId: '9', headers: { 'X-B': { toString: 1 } } }),
];
const MALFORMED = HOSTILE.length;
/** Real Network events the log does not read: neither taken nor called malformed. */
const UNREAD = [
  event('Network.policyUpdated', {}),
  event('Network.webTransportCreated', { transportId: 't' }),
];

const BLOCKED = [
  JSON.stringify({
    method: 'Target.attachedToTarget',
    params: { sessionId: 'S1', targetInfo: { type: 'page' }, waitingForDebugger: false },
  }),
  // Well-formed, same-origin, with a 5 MB header value: taken, and not a CORS request.
  event('Network.requestWillBeSent', {
    requestId: 'big',
    documentURL: `${PAGE}/`,
    request: { url: `${PAGE}/big`, method: 'GET', headers: { 'X-Big': 'x'.repeat(5 * 1024 * 1024) } },
    wallTime: 1,
    type: 'Fetch',
  }),
  event('Network.loadingFinished', { requestId: 'big' }),
  event('Network.requestWillBeSent', {
    requestId: '1',
    documentURL: `${PAGE}/`,
    request: {
      url: API,
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t', Origin: PAGE },
    },
    wallTime: 2,
    type: 'Fetch',
    initiator: { type: 'script' },
  }),
  event('Network.requestWillBeSent', {
    requestId: '1-p',
    documentURL: `${PAGE}/`,
    request: {
      url: API,
      method: 'OPTIONS',
      headers: {
        Origin: PAGE,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    },
    wallTime: 2,
    type: 'Preflight',
    initiator: { type: 'preflight', requestId: '1' },
  }),
  event('Network.responseReceived', {
    requestId: '1-p',
    response: {
      status: 204,
      headers: { 'Access-Control-Allow-Origin': PAGE, 'Access-Control-Allow-Headers': 'Content-Type' },
    },
  }),
  event('Network.loadingFinished', { requestId: '1-p' }),
  event('Network.loadingFailed', {
    requestId: '1',
    errorText: 'net::ERR_FAILED',
    corsErrorStatus: { corsError: 'HeaderDisallowedByPreflightResponse', failedParameter: 'authorization' },
  }),
];

let endpoint: string;
let close: () => Promise<void>;

beforeAll(async () => {
  const http = createServer((req, res) => {
    if (req.url !== '/json/version') {
      res.writeHead(404).end();
      return;
    }
    const { port } = http.address() as { port: number };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ webSocketDebuggerUrl: `ws://127.0.0.1:${port}/devtools/browser/x` }));
  });
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const command = JSON.parse(String(data)) as { id: number; method: string };
      socket.send(JSON.stringify({ id: command.id, result: {} }));
      if (command.method !== 'Target.setAutoAttach') return;
      for (const m of [...HOSTILE, ...UNREAD, ...BLOCKED]) socket.send(m);
      // Chrome goes away once the request is finished (and its late events would be in).
      setTimeout(() => socket.close(), 800);
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  close = async () => {
    wss.close();
    await new Promise((r) => http.close(r));
  };
});

afterAll(async () => {
  await close?.();
});

test('hostile messages are skipped and counted; the blocked request is reported; exit 1, no stack trace', async () => {
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [CLI, '--cdp', endpoint, '--timeout', '20'],
      { timeout: 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect(r.stdout).toContain(`✗ POST ${API}`);
  expect(r.stdout).toContain('Chrome: HeaderDisallowedByPreflightResponse (authorization)');
  expect(r.stderr).toContain(`cors-lens: skipped ${MALFORMED} malformed messages from Chrome.`);
  expect(r.stderr).toContain('Chrome closed the connection.');
  expect(`${r.stdout}${r.stderr}`).not.toMatch(/\n\s+at |TypeError|SyntaxError|internal error/);
  expect(r.code).toBe(1);
}, 40_000);
