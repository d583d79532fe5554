/**
 * One fix per server, applied once. The demo's Express API fails six requests in six ways; a HAR
 * exported by Chromium's DevTools holds them. CORS Lens merges every request to that server —
 * blocked and allowed — into one requirement; its Express fix replaces the app's own cors() setup,
 * as written, on the real `cors` package; the page runs again, and Chrome must allow every request.
 * Fixed one request at a time, the same server got six corsOptions that undid each other.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCors from '@fastify/cors';
import { getRequestListener } from '@hono/node-server';
import koaCors from '@koa/cors';
import cors from 'cors';
import express, { type Express } from 'express';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type CorsRequirement, fixesFor } from '../../src/fixes/index.ts';
import { importHar } from '../../src/har/import.ts';
import { checkScript } from '../../src/report/check-script.ts';
import { serversOf } from '../../src/report/servers.ts';
import {
  createDemoApi,
  DEMO_REQUESTS,
  type DemoServers,
  demoPage,
  runDemoAgain,
  startDemo,
} from '../servers/demo-api.ts';
import { fastifyServer, runFix } from '../servers/js-apps.ts';
import { forwardTo, listenLoopback } from '../servers/listen.ts';
import { startNginx } from '../servers/nginx.ts';
import { startViteWithFix } from '../servers/vite.ts';
import { type LaunchedBrowser, launchChromium } from './chromium.ts';
import { NetworkWatcher, type RequestTrace } from './corpus-runner.ts';
import { DEVTOOLS_ARGS, DevToolsHar } from './devtools-har.ts';
import { waitUntil } from './wait.ts';

let demo: DemoServers;
let browser: LaunchedBrowser;
let page: Page;

beforeAll(async () => {
  demo = await startDemo(0, 0);
  browser = await launchChromium({ args: DEVTOOLS_ARGS });
  page = await browser.context.newPage();
  await page.goto(`${demo.pageOrigin}/`);
  await waitUntil(
    () => page.title(),
    (t) => t.includes('done'),
    { what: 'the demo page' },
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

/** The demo's API merged requirement, from Chromium's own HAR of the demo (read once). */
let merged: CorsRequirement | undefined;

/** Runs the demo again against what the API serves now; Chrome's corsError for each request. */
async function chromeVerdicts(): Promise<{ request: string; corsError: string | null }[]> {
  const watcher = await NetworkWatcher.attach(page);
  await runDemoAgain(page);
  const verdicts = await waitUntil(
    () => Promise.resolve(watcher.finished(demo.apiOrigin)),
    (done) => DEMO_REQUESTS.every((r) => done.some((t) => t.url === demo.apiOrigin + r.path)),
    { what: "Chrome's verdicts for the demo requests" },
  );
  await watcher.cdp.detach();
  return DEMO_REQUESTS.map((r) => ({
    request: r.label,
    corsError: verdicts.filter((t) => t.url === demo.apiOrigin + r.path).at(-1)?.done?.corsError ?? null,
  }));
}

/** Chrome's corsError for a finished request (null: allowed), or "not seen". */
const verdictOf = (trace: RequestTrace | undefined) => (trace?.done ? trace.done.corsError : 'not seen');

const allPass = () => DEMO_REQUESTS.map((r) => ({ request: r.label, corsError: null }));

test("the demo API's merged Express fix, applied once, makes every request pass in Chrome", async () => {
  const devtools = await DevToolsHar.attach(page);
  await runDemoAgain(page);
  const imported = importHar(await devtools.export());
  if (!imported.ok) throw new Error(imported.error);
  const servers = serversOf(imported.entries);
  expect(servers.map((s) => ({ origin: s.origin, requests: s.entryIds.length, blocked: s.blocked }))).toEqual(
    [{ origin: demo.apiOrigin, requests: DEMO_REQUESTS.length, blocked: DEMO_REQUESTS.length - 1 }],
  );
  const requirement = servers[0]?.requirement;
  if (!requirement) throw new Error('no requirement');
  merged = requirement;
  // The union of what every request needs — never an empty list that would refuse a default.
  expect({
    origins: requirement.origins,
    methods: [...requirement.methods].sort(),
    headers: [...requirement.headers].sort(),
    credentials: requirement.credentials,
  }).toEqual({
    origins: [demo.pageOrigin],
    methods: ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'],
    headers: ['Authorization', 'Content-Type'],
    credentials: true,
  });

  // The check to keep (cors-lens --emit-check): it fails against the server as it is…
  const script = join(mkdtempSync(join(tmpdir(), 'cors-lens-check-')), 'cors-check.sh');
  writeFileSync(script, checkScript(imported.entries) ?? '');
  // Asynchronously: the servers answering it run in this process.
  const check = () =>
    new Promise<{ status: number | null; stdout: string }>((resolve) => {
      execFile('sh', [script], { encoding: 'utf8', timeout: 60_000 }, (error, stdout) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
      );
    });
  const before = await check();
  expect(before.status, before.stdout).toBe(1);
  expect(before.stdout).toMatch(
    /^FAIL OPTIONS \/api\/orders \(for POST\): Access-Control-Allow-Headers lists authorization$/m,
  );

  // The developer replaces the app's cors() setup with the snippet, as written.
  const fix = fixesFor(requirement).express;
  const setup = (app: Express) => {
    new Function('app', 'cors', fix.code)(app, cors);
  };
  demo.useApi(createDemoApi(demo.pageOrigin, setup));
  expect(await chromeVerdicts()).toEqual(allPass());
  // …and passes once the fix is in.
  const after = await check();
  expect({
    status: after.status,
    failed: after.stdout.split('\n').filter((l) => l.startsWith('FAIL')),
  }).toEqual({
    status: 0,
    failed: [],
  });
});

/** The same API in another stack: the demo's routes, with that stack's merged fix run as written. */
async function apiIn(stack: 'fastify' | 'koa' | 'hono', code: string): Promise<RequestListener> {
  const ok = { ok: true };
  const run = (bindings: Record<string, unknown>) => runFix(code, bindings);
  switch (stack) {
    case 'fastify': {
      const { fastify, listener } = fastifyServer();
      await run({ fastify, cors: fastifyCors });
      for (const r of DEMO_REQUESTS) {
        fastify.route({ method: (r.init.method ?? 'GET') as 'GET', url: r.path, handler: async () => ok });
      }
      return listener();
    }
    case 'koa': {
      const app = new Koa();
      await run({ app, cors: koaCors });
      app.use((ctx) => {
        if (DEMO_REQUESTS.some((r) => r.path === ctx.path)) ctx.body = ok;
      });
      return app.callback();
    }
    case 'hono': {
      const app = new Hono();
      await run({ app, cors: honoCors });
      for (const r of DEMO_REQUESTS) app.on(r.init.method ?? 'GET', r.path, (c) => c.json(ok));
      return getRequestListener(app.fetch);
    }
  }
}

test.each(['fastify', 'koa', 'hono'] as const)(
  'the same merged requirement as a %s fix, applied once, makes every request pass',
  async (stack) => {
    if (!merged) throw new Error('the Express test computes the requirement first');
    demo.useApi(await apiIn(stack, fixesFor(merged)[stack].code));
    expect(await chromeVerdicts()).toEqual(allPass());
  },
);

test('the merged nginx fix, in front of the demo API as it is, makes every request pass', async () => {
  if (!merged) throw new Error('the Express test computes the requirement first');
  // The broken API stays as it was; nginx serves the fix's one location block in front of it.
  const upstream = await listenLoopback(createDemoApi(demo.pageOrigin));
  const nginx = await startNginx(fixesFor(merged).nginx.code, `http://127.0.0.1:${upstream.port}`);
  try {
    // The page keeps calling the API's origin: that port now hands everything to nginx.
    demo.useApi(forwardTo(nginx.origin));
    expect(await chromeVerdicts()).toEqual(allPass());
  } finally {
    await nginx.close();
    await upstream.close();
  }
});

test('the merged Vite proxy fix: the page calls its own origin, and every request reaches the broken API', async () => {
  if (!merged) throw new Error('the Express test computes the requirement first');
  demo.useApi(createDemoApi(demo.pageOrigin));
  // The fix for a server that is not yours: the dev server forwards /api to it.
  const vite = await startViteWithFix(fixesFor(merged)['vite-proxy'].code, demoPage(''));
  const proxied = await browser.context.newPage();
  try {
    await proxied.goto(`${vite.origin}/`);
    await waitUntil(
      () => proxied.title(),
      (t) => t.includes('done'),
      { what: 'the demo page through Vite' },
    );
    const watcher = await NetworkWatcher.attach(proxied);
    await runDemoAgain(proxied);
    const finished = await waitUntil(
      () => Promise.resolve(watcher.finished(`${vite.origin}/api/`)),
      (done) => DEMO_REQUESTS.every((r) => done.some((t) => t.url === vite.origin + r.path)),
      { what: 'the demo requests through Vite' },
    );
    expect(
      DEMO_REQUESTS.map((r) => ({
        request: r.label,
        corsError: verdictOf(finished.find((t) => t.url === vite.origin + r.path)),
      })),
    ).toEqual(allPass());
    // And the page got the API's answers (an HTTP status each), not "Failed to fetch".
    const results = await proxied.locator('#results li').allTextContents();
    expect(results).toHaveLength(DEMO_REQUESTS.length);
    for (const line of results) expect(line).toMatch(/ → \d{3}$/);
  } finally {
    await proxied.close();
    await vite.close();
  }
});

/** A second API with the tutorial's mistakes of its own: one custom header, DELETE and cookies forgotten. */
function inventoryApi(pageOrigin: string, corsSetup?: (app: Express) => void): Express {
  const app = express();
  if (corsSetup) corsSetup(app);
  else app.use(cors({ origin: pageOrigin, methods: ['GET', 'POST'], allowedHeaders: ['Content-Type'] }));
  app.get('/v2/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/v2/items', (_req, res) => {
    res.json([]);
  });
  app.get('/v2/me', (_req, res) => {
    res.json({ user: 'ada' });
  });
  app.delete('/v2/items/:id', (_req, res) => {
    res.status(204).end();
  });
  return app;
}

test('a page that talks to two servers gets one fix per server; each applied once, every request passes', async () => {
  let pageHtml = '';
  const pageServer = await listenLoopback((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(pageHtml);
  });
  const pageOrigin = `http://localhost:${pageServer.port}`;
  let ordersApp: RequestListener = createDemoApi(pageOrigin);
  let inventoryApp: RequestListener = inventoryApi(pageOrigin);
  const orders = await listenLoopback((req, res) => ordersApp(req, res));
  const inventory = await listenLoopback((req, res) => inventoryApp(req, res));
  const a = `http://localhost:${orders.port}`;
  const b = `http://127.0.0.1:${inventory.port}`;
  const requests = [
    ...DEMO_REQUESTS.filter((r) => ['works', 'authorization', 'patch'].includes(r.id)).map((r) => ({
      url: a + r.path,
      init: r.init,
    })),
    { url: `${b}/v2/health`, init: {} },
    { url: `${b}/v2/items`, init: { headers: { 'X-Api-Key': 'k-123' } } },
    { url: `${b}/v2/items/7`, init: { method: 'DELETE' } },
    // Sent with credentials and no preflight: it goes out, and Chrome's headers prove the mode.
    { url: `${b}/v2/me`, init: { credentials: 'include' } },
  ];
  pageHtml = `<!doctype html><title>two servers</title><script type="module">
const requests = ${JSON.stringify(requests)};
window.run = async () => {
  document.title = 'running';
  for (const r of requests) await fetch(r.url, r.init).catch(() => {});
  document.title = 'done';
};
run();
</script>`;
  const twoPage = await browser.context.newPage();
  const runAll = async () => {
    await twoPage.evaluate('run()');
    await waitUntil(
      () => twoPage.title(),
      (t) => t === 'done',
      { what: 'the two-server page' },
    );
  };
  try {
    await twoPage.goto(`${pageOrigin}/`);
    await waitUntil(
      () => twoPage.title(),
      (t) => t === 'done',
      { what: 'the two-server page' },
    );
    const devtools = await DevToolsHar.attach(twoPage);
    await runAll();
    const imported = importHar(await devtools.export());
    if (!imported.ok) throw new Error(imported.error);
    const servers = serversOf(imported.entries);
    expect(
      servers.map((s) => ({ origin: s.origin, requests: s.entryIds.length, blocked: s.blocked })),
    ).toEqual([
      { origin: a, requests: 3, blocked: 2 },
      { origin: b, requests: 4, blocked: 3 },
    ]);
    const [forOrders, forInventory] = servers.map((s) => s.requirement);
    if (!forOrders || !forInventory) throw new Error('two requirements');
    // Each server's fix holds what its own requests need, and nothing of the other's.
    expect([...forInventory.headers].sort()).toEqual(['Content-Type', 'X-Api-Key']);
    expect(forInventory.methods).toContain('DELETE');
    expect(forInventory.credentials).toBe(true);
    expect(forOrders.headers).not.toContain('X-Api-Key');
    expect(forOrders.credentials).toBe(false);

    const apply = (code: string) => (app: Express) => {
      new Function('app', 'cors', code)(app, cors);
    };
    ordersApp = createDemoApi(pageOrigin, apply(fixesFor(forOrders).express.code));
    inventoryApp = inventoryApi(pageOrigin, apply(fixesFor(forInventory).express.code));
    const watcher = await NetworkWatcher.attach(twoPage);
    await runAll();
    await waitUntil(
      () => Promise.resolve(requests.every((r) => watcher.finished(r.url).length > 0)),
      (all) => all,
      { what: "Chrome's verdicts for the two servers' requests" },
    );
    const verdicts = requests.map((r) => ({
      url: r.url,
      corsError: verdictOf(watcher.finished(r.url).at(-1)),
    }));
    expect(verdicts).toEqual(requests.map((r) => ({ url: r.url, corsError: null })));
  } finally {
    await twoPage.close();
    await Promise.all([pageServer.close(), orders.close(), inventory.close()]);
  }
});
