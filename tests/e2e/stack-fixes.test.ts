/**
 * Every fix we print runs: for each stack that can run here, a real server of that stack broken
 * the way people break it (tests/servers/stack-lab.ts), the lab page run against it in Chromium,
 * the server's merged fix taken from DevTools' own HAR of that run (as the panel and `cors-lens`
 * compute it), applied once by code that does only what the fix's text says, and the page run
 * again. Chrome's own verdict (CDP `corsErrorStatus`) is the expected value before and after:
 * before, the broken requests are blocked as the engine says; after, Chrome allows every request,
 * and the protected route still refuses a request without credentials.
 */
import type { Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { StackId } from '../../src/fixes/index.ts';
import { importHar } from '../../src/har/import.ts';
import { serversOf } from '../../src/report/servers.ts';
import { startApache } from '../servers/apache.ts';
import { startCaddy } from '../servers/caddy.ts';
import { startGo } from '../servers/go-app.ts';
import { type JsStack, jsLabApi } from '../servers/js-apps.ts';
import { type Listening, listenLoopback } from '../servers/listen.ts';
import { startNext, startNextWithRewrites } from '../servers/next-app.ts';
import { startNginx } from '../servers/nginx.ts';
import { startDjango, startFlask } from '../servers/python-apps.ts';
import {
  LAB_REQUESTS,
  type LabRequest,
  labPage,
  nodeHttpWithFix,
  startUpstream,
} from '../servers/stack-lab.ts';
import { startWebpackWithFix } from '../servers/webpack-proxy.ts';
import { type LaunchedBrowser, launchChromium } from './chromium.ts';
import { NetworkWatcher } from './corpus-runner.ts';
import { DEVTOOLS_ARGS, DevToolsHar } from './devtools-har.ts';
import { waitUntil } from './wait.ts';

interface Server {
  readonly origin: string;
  close(): Promise<void>;
}

interface StackUnderTest {
  readonly stack: StackId;
  /** The server as people break it, or with `fix` applied. */
  start(fix?: string): Promise<Server>;
  /** The lab requests Chrome blocks on the broken server. */
  readonly broken: readonly LabRequest['id'][];
  /**
   * A dev proxy's fix: the page is served by the dev server and calls its own origin (the API is
   * not yours and stays as it is). The page's URL on the server `start(fix)` gave.
   */
  readonly proxiedPage?: (server: Server) => string;
}

/** The API that is not yours: the lab's app, with no CORS at all, as a third-party API may be. */
const notYours = async (): Promise<Server> => ({
  origin: `http://127.0.0.1:${upstream.port}`,
  close: async () => {},
});

let browser: LaunchedBrowser;
let pageServer: Listening;
let pageOrigin: string;
let upstream: Listening;

/** A Node stack's lab API on a loopback port. */
async function jsServer(stack: JsStack, fix?: string): Promise<Server> {
  const server = await listenLoopback(await jsLabApi(stack, pageOrigin, fix));
  return { origin: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}

const STACKS: readonly StackUnderTest[] = [
  {
    stack: 'express',
    start: (fix) => jsServer('express', fix),
    // The login check and express.json() before cors(): 401 on the preflight, a parse error
    // without CORS headers; PATCH, Authorization and credentials left out.
    broken: ['protected', 'method', 'credentials', 'error'],
  },
  {
    stack: 'fastify',
    start: (fix) => jsServer('fastify', fix),
    // An onRequest login hook added before @fastify/cors: 401 on the preflight.
    broken: ['protected', 'method', 'credentials'],
  },
  {
    stack: 'koa',
    start: (fix) => jsServer('koa', fix),
    // The login middleware before @koa/cors: 401 on the preflight; PATCH and credentials left out.
    broken: ['protected', 'method', 'credentials'],
  },
  {
    stack: 'hono',
    start: (fix) => jsServer('hono', fix),
    broken: ['protected', 'method', 'credentials'],
  },
  {
    stack: 'http',
    start: async (fix) => {
      const server = await listenLoopback(nodeHttpWithFix(fix));
      return { origin: `http://127.0.0.1:${server.port}`, close: () => server.close() };
    },
    // Node's http with no CORS at all: every cross-origin read is refused.
    broken: ['works', 'protected', 'method', 'credentials', 'no-options', 'error'],
  },
  {
    stack: 'nginx',
    start: (fix) =>
      startNginx(
        fix ??
          `location /api {
    add_header Access-Control-Allow-Origin "${pageOrigin}";
    add_header Access-Control-Allow-Methods "GET, POST, PUT";
    add_header Access-Control-Allow-Headers "Content-Type";
    # …your existing proxy_pass or root stays here.
}`,
        `http://127.0.0.1:${upstream.port}`,
      ),
    // Every preflight proxied to the app (404), whose errors get no add_header without "always".
    broken: ['protected', 'method', 'credentials', 'no-options', 'error'],
  },
  {
    stack: 'apache',
    start: (fix) => startApache(pageOrigin, `http://127.0.0.1:${upstream.port}`, fix),
    // Every preflight reaches the app, which routes no OPTIONS (404); the protected one is
    // refused by Basic authentication (401, no CORS headers without "always"); no credentials.
    broken: ['protected', 'method', 'credentials', 'no-options', 'error'],
  },
  {
    stack: 'caddy',
    start: (fix) => startCaddy(pageOrigin, `http://127.0.0.1:${upstream.port}`, fix),
    // basicauth answers the protected preflight 401; the other preflights reach the app (404).
    broken: ['protected', 'method', 'credentials', 'no-options', 'error'],
  },
  {
    stack: 'flask',
    start: (fix) => startFlask(pageOrigin, fix),
    // before_request answers the preflight 401; Authorization, PATCH and credentials forgotten.
    broken: ['protected', 'method', 'credentials'],
  },
  {
    stack: 'django',
    start: (fix) => startDjango(pageOrigin, fix),
    // A login middleware above CorsMiddleware (401), PATCH and credentials forgotten, and a
    // CORS_URLS_REGEX that misses the files route (its view answers OPTIONS 405).
    broken: ['protected', 'method', 'credentials', 'no-options'],
  },
  {
    stack: 'next',
    start: (fix) => startNext(pageOrigin, fix),
    // proxy.ts's login check answers the preflight 401; next.config.js headers() forgot PATCH,
    // Authorization and credentials, and its '/api/:path' misses /api/files/report.pdf.
    broken: ['protected', 'method', 'credentials', 'no-options'],
  },
  {
    stack: 'next-proxy',
    start: (fix) => (fix ? startNextWithRewrites(labPage(''), fix) : notYours()),
    broken: ['works', 'protected', 'method', 'credentials', 'no-options', 'error'],
    proxiedPage: (server) => `${server.origin}/lab.html`,
  },
  {
    stack: 'webpack-proxy',
    start: (fix) => (fix ? startWebpackWithFix(fix, labPage('')) : notYours()),
    broken: ['works', 'protected', 'method', 'credentials', 'no-options', 'error'],
    proxiedPage: (server) => `${server.origin}/lab.html`,
  },
  {
    stack: 'go',
    start: (fix) => startGo(pageOrigin, fix),
    // The login middleware around rs/cors (401), PATCH, Authorization and credentials left out.
    broken: ['protected', 'method', 'credentials'],
  },
];

beforeAll(async () => {
  pageServer = await listenLoopback((req, res) => {
    const api = new URL(req.url ?? '/', 'http://x').searchParams.get('api') ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(labPage(api));
  });
  pageOrigin = `http://localhost:${pageServer.port}`;
  upstream = await startUpstream();
  browser = await launchChromium({ args: DEVTOOLS_ARGS });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await upstream?.close();
  await pageServer?.close();
});

/** Runs the lab page again; Chrome's verdict and the page's own result for each request. */
async function runLab(page: Page, api: string) {
  const watcher = await NetworkWatcher.attach(page);
  await page.evaluate('run()');
  await waitUntil(
    () => page.title(),
    (t) => t === 'done',
    { what: 'the lab page' },
  );
  const finished = await waitUntil(
    () => Promise.resolve(watcher.finished(api)),
    (done) => LAB_REQUESTS.every((r) => done.some((t) => t.url === api + r.path)),
    { what: "Chrome's verdicts for the lab requests" },
  );
  await watcher.cdp.detach();
  const seen = await page.locator('#results li').allTextContents();
  return LAB_REQUESTS.map((r) => ({
    id: r.id,
    corsError: finished.filter((t) => t.url === api + r.path).at(-1)?.done?.corsError ?? null,
    page: seen.find((line) => line.startsWith(`${r.id} `))?.slice(r.id.length + 1) ?? 'not run',
  }));
}

/** Pages a test opened: closed after it, pass or fail, so the next stack starts clean. */
const opened: Page[] = [];
afterEach(async () => {
  for (const page of opened.splice(0)) await page.close().catch(() => {});
});

async function openLab(api: string, url = `${pageOrigin}/?api=${encodeURIComponent(api)}`): Promise<Page> {
  const page = await browser.context.newPage();
  opened.push(page);
  await page.goto(url);
  await waitUntil(
    () => page.title(),
    (t) => t === 'done',
    { what: 'the lab page' },
  );
  return page;
}

describe.each(STACKS)('$stack', ({ stack, start, broken, proxiedPage }) => {
  test('broken as people break it, then its merged fix applied once: Chrome allows every request', async () => {
    // Before: the mistakes are real — Chrome blocks exactly these.
    const before = await start();
    let fix: string;
    try {
      const page = await openLab(before.origin);
      const devtools = await DevToolsHar.attach(page);
      const verdicts = await runLab(page, before.origin);
      expect(
        verdicts.filter((v) => v.corsError).map((v) => v.id),
        JSON.stringify(verdicts),
      ).toEqual(broken);
      // The fix, as the panel and cors-lens compute it: one per server, merged from every request.
      // DevTools' log may lag Chrome's own events by a moment: export until it holds the run whole.
      const imported = await waitUntil(
        async () => importHar(await devtools.export()),
        (r) =>
          !r.ok ||
          LAB_REQUESTS.every((q) =>
            r.entries.some((e) => e.url === before.origin + q.path && e.state !== 'pending'),
          ),
        { what: "DevTools' log of the lab run", timeoutMs: 15_000, intervalMs: 250 },
      );
      if (!imported.ok) throw new Error(imported.error);
      for (const v of verdicts) {
        const entry = imported.entries
          .filter((e) => e.url === before.origin + LAB_REQUESTS.find((r) => r.id === v.id)?.path)
          .at(-1);
        const seen = entry && {
          state: entry.state,
          blocked: entry.blocked,
          networkError: entry.networkError,
          preflight: entry.preflight?.status,
          response: entry.response?.status,
          outcome: entry.verdict?.outcome,
        };
        expect(
          entry?.corsError ?? null,
          `${v.id}: the engine names Chrome's error ${JSON.stringify(seen)}`,
        ).toBe(v.corsError);
      }
      const server = serversOf(imported.entries).find((s) => s.origin === before.origin);
      if (!server) throw new Error(`no fix for ${before.origin}`);
      fix = server.fixes[stack];
    } finally {
      await before.close();
    }

    // After: the fix pasted once, the page again.
    const after = await start(fix);
    try {
      const page = await openLab(after.origin, proxiedPage?.(after));
      const verdicts = await runLab(page, after.origin);
      expect(
        verdicts.map((v) => ({ id: v.id, corsError: v.corsError })),
        `${fix}\n${JSON.stringify(verdicts)}`,
      ).toEqual(LAB_REQUESTS.map((r) => ({ id: r.id, corsError: null })));
      // The page reads each answer: the protected route's 201 with credentials, the import's own error.
      expect(
        verdicts.every((v) => /^\d{3}$/.test(v.page)),
        JSON.stringify(verdicts),
      ).toBe(true);
      expect(verdicts.find((v) => v.id === 'protected')?.page).toMatch(/^20\d$/);
      // And the protected route is still protected: the fix let preflights through, nothing else.
      const anonymous = await fetch(`${after.origin}/api/orders`, {
        method: 'POST',
        headers: { Origin: pageOrigin, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(anonymous.status).toBe(401);
    } finally {
      await after.close();
    }
  }, 90_000);
});
