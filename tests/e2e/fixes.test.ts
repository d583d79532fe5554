/**
 * Fixes that work: for each kind of failure in the corpus, the generated fix for every JavaScript
 * stack is applied to a real server built with the real package (Express + cors, Fastify +
 * @fastify/cors, Koa + @koa/cors, Hono + hono/cors) or a real Vite dev server (its proxy), the same
 * request runs again in Chromium, and Chrome must now allow it. The snippet's code runs as
 * written; only its import lines are replaced by the packages handed in.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyCors from '@fastify/cors';
import { serve } from '@hono/node-server';
import koaCors from '@koa/cors';
import cors from 'cors';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Fix, fixesFor } from '../../src/fixes/index.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { hopUrl, type Scenario, scenarioById } from '../servers/scenarios.ts';
import { startViteWithFix } from '../servers/vite.ts';
import type { LaunchedBrowser } from './chromium.ts';
import {
  type BlockedCase,
  blockedEntries,
  fetchFromPage,
  NetworkWatcher,
  openCorpusPage,
} from './corpus-runner.ts';

/** One scenario per kind of failure the corpus has (redirect kinds need the URL changed, not headers). */
const FAILING = [
  'simple-missing-acao',
  'simple-trailing-slash',
  'simple-acao-two-lines',
  'simple-acao-no-scheme',
  'cred-wildcard',
  'cred-missing-acac',
  'pf-404-no-cors',
  'pf-405-with-acao',
  'pf-401-with-acao',
  'pf-wildcard-credentials',
  'pf-origin-mismatch',
  'pf-credentials-missing',
  'pf-method-missing',
  'pf-method-lowercase-patch',
  'pf-methods-invalid',
  'pf-header-missing-authorization',
  'pf-header-wildcard-credentials',
  'pf-headers-invalid',
  'pf-ok-response-missing-acao',
  'express-classic-post-json',
  'express-fixed-patch',
  'express-no-credentials-option-put',
  'express-unmounted-path',
] as const;

let servers: CorpusServers;
let browser: LaunchedBrowser;
let page: Page;
let watcher: NetworkWatcher;
let entries: Map<string, BlockedCase>;

beforeAll(async () => {
  ({ servers, browser, page, watcher } = await openCorpusPage());
  entries = await blockedEntries(page, watcher, servers.origins, servers.log, FAILING);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await servers?.close();
});

interface Running {
  readonly origin: string;
  close(): Promise<void>;
}

const ok = { fixed: true };

/** Runs `fix.code` as written, with the packages its imports would have bound. */
function run(fix: Fix, bindings: Record<string, unknown>): unknown {
  const names = Object.keys(bindings);
  const Async = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<unknown>;
  return new Async(...names, fix.code)(...names.map((n) => bindings[n]));
}

type Stack = 'express' | 'fastify' | 'koa' | 'hono';

async function startFixed(stack: Stack, fix: Fix, path: string, method: string): Promise<Running> {
  switch (stack) {
    case 'express': {
      const app = express();
      await run(fix, { app, cors });
      app.all(path, (_req, res) => {
        res.json(ok);
      });
      return listen(createServer(app));
    }
    case 'koa': {
      const app = new Koa();
      await run(fix, { app, cors: koaCors });
      app.use((ctx) => {
        if (ctx.path === path) ctx.body = ok;
      });
      return listen(createServer(app.callback()));
    }
    case 'fastify': {
      const fastify = Fastify();
      await run(fix, { fastify, cors: fastifyCors });
      fastify.route({
        method: method.toUpperCase() === method ? method : method.toUpperCase(),
        url: path,
        handler: async () => ok,
      });
      if (method.toUpperCase() !== method) fastify.route({ method, url: path, handler: async () => ok });
      await fastify.listen({ port: 0, host: '127.0.0.1' });
      return {
        origin: `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`,
        close: () => fastify.close(),
      };
    }
    case 'hono': {
      const app = new Hono();
      await run(fix, { app, cors: honoCors });
      app.all(path, (c) => c.json(ok));
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise((r) => server.once('listening', r));
      return {
        origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((r) => server.close(() => r(undefined))),
      };
    }
  }
}

async function listen(server: ReturnType<typeof createServer>): Promise<Running> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The scenario's request again, from the page, against another server; Chrome's verdict over CDP. */
async function rerun(scenario: Scenario, url: string) {
  const before = watcher.known();
  await fetchFromPage(page, url, scenario.request);
  return watcher.verdictFor(url, before);
}

describe.each(['express', 'fastify', 'koa', 'hono'] as const)('%s fix on a real server', (stack) => {
  test.each(FAILING)('%s: Chrome allows the request once the fix is applied', async (id) => {
    const { entry, requirement } = entries.get(id) as BlockedCase;
    const scenario = scenarioById(id);
    const path = new URL(entry.url).pathname;
    const fix = fixesFor(requirement)[stack];
    // A fix can have a page-side part: a lower-case method must be written in upper case.
    const pageFix = requirement.problems.some((p) => p.kind === 'lowercase-method')
      ? { ...scenario, request: { ...scenario.request, method: scenario.request.method?.toUpperCase() } }
      : scenario;
    if (pageFix !== scenario) expect(fix.notes.join(' ')).toMatch(/Write method: "PATCH" in the page/);
    const server = await startFixed(stack, fix, path, pageFix.request.method ?? 'GET');
    try {
      const url = `${server.origin}${path}${new URL(entry.url).search}`;
      const verdict = await rerun(pageFix, url);
      expect(verdict, `${stack} fix for ${id}:\n${fix.code}`).toMatchObject({
        blocked: false,
        corsError: null,
        errorText: null,
      });
    } finally {
      await server.close();
    }
  });
});

describe('Vite dev proxy', () => {
  test.each(FAILING.filter((id) => !id.startsWith('express')))(
    '%s: through the proxy the request is same-origin and allowed',
    async (id) => {
      const { requirement } = entries.get(id) as BlockedCase;
      const scenario = scenarioById(id);
      const fix = fixesFor(requirement)['vite-proxy'];
      // The snippet is a vite.config module, run as written.
      const vite = await startViteWithFix(fix.code, '<!doctype html><title>vite page</title>');
      const viteOrigin = vite.origin;
      const proxied = await browser.context.newPage();
      try {
        await proxied.goto(`${viteOrigin}/`);
        const own = await NetworkWatcher.attach(proxied);
        const url = `${viteOrigin}${hopUrl('', id, 0)}`;
        const before = own.known();
        const result = await fetchFromPage(proxied, url, scenario.request);
        const verdict = await own.verdictFor(url, before);
        expect(verdict).toMatchObject({ blocked: false, corsError: null });
        expect(result.ok, JSON.stringify(result)).toBe(true);
      } finally {
        await proxied.close();
        await vite.close();
      }
    },
  );
});
