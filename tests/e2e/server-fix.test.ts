/**
 * One fix per server, applied once. The demo's Express API fails six requests in six ways; a HAR
 * exported by Chromium's DevTools holds them. CORS Lens merges every request to that server —
 * blocked and allowed — into one requirement; its Express fix replaces the app's own cors() setup,
 * as written, on the real `cors` package; the page runs again, and Chrome must allow every request.
 * Fixed one request at a time, the same server got six corsOptions that undid each other.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCors from '@fastify/cors';
import { getRequestListener } from '@hono/node-server';
import koaCors from '@koa/cors';
import cors from 'cors';
import type { Express } from 'express';
import Fastify from 'fastify';
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
  runDemoAgain,
  startDemo,
} from '../servers/demo-api.ts';
import { type LaunchedBrowser, launchChromium } from './chromium.ts';
import { NetworkWatcher } from './corpus-runner.ts';
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
  const run = (bindings: Record<string, unknown>) =>
    new (
      Object.getPrototypeOf(async () => {}).constructor as new (
        ...args: string[]
      ) => (...a: unknown[]) => Promise<unknown>
    )(...Object.keys(bindings), code)(...Object.values(bindings));
  switch (stack) {
    case 'fastify': {
      let listener: RequestListener | undefined;
      const fastify = Fastify({
        serverFactory: (handler) => {
          listener = handler;
          return createServer();
        },
      });
      await run({ fastify, cors: fastifyCors });
      for (const r of DEMO_REQUESTS) {
        fastify.route({ method: (r.init.method ?? 'GET') as 'GET', url: r.path, handler: async () => ok });
      }
      await fastify.ready();
      if (!listener) throw new Error('fastify gave no handler');
      return listener;
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
