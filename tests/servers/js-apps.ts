/**
 * The lab's API in the Node stacks, with the real packages (Express + cors, Fastify +
 * @fastify/cors, Koa + @koa/cors, Hono + hono/cors), each broken the way its users break it: the
 * login check and the body parser run before CORS, PATCH, Authorization and credentials are left
 * out. A fix is applied as its text says — "first, before the routes, body parsers and auth
 * checks": the user's CORS setup removed and the fix's code run before everything else, as written.
 */
import { createServer, type RequestListener } from 'node:http';
import fastifyCors from '@fastify/cors';
import { getRequestListener } from '@hono/node-server';
import koaCors from '@koa/cors';
import cors from 'cors';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import Koa from 'koa';
import { LAB_AUTHORIZATION } from './stack-lab.ts';

export type JsStack = 'express' | 'fastify' | 'koa' | 'hono';

/**
 * Runs a fix as pasted, with `bindings` in scope: its import lines (`import … from`, `require(…)`)
 * name the very packages the bindings are, so they are left out; the rest runs as written.
 */
export function runFix(fix: string, bindings: Record<string, unknown>): Promise<unknown> {
  const code = fix
    .split('\n')
    .filter((line) => !/^import .* from ['"][^'"]+['"];/.test(line) && !/^const \w+ = require\(/.test(line))
    .join('\n');
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...a: unknown[]) => Promise<unknown>;
  return new AsyncFunction(...Object.keys(bindings), code)(...Object.values(bindings));
}

/** A Fastify instance served by a plain Node request listener, once its routes are in (`listener()`). */
export function fastifyServer(): { fastify: FastifyInstance; listener(): Promise<RequestListener> } {
  let handler: RequestListener | undefined;
  const fastify = Fastify({
    serverFactory: (h) => {
      handler = h;
      return createServer();
    },
  });
  return {
    fastify,
    listener: async () => {
      await fastify.ready();
      if (!handler) throw new Error('fastify gave no handler');
      return handler;
    },
  };
}

const loggedIn = (path: string, authorization: string | undefined) =>
  path !== '/api/orders' || authorization === LAB_AUTHORIZATION;

/** The lab's API in `stack`; with `fixCode`, the fix runs first in place of the user's own setup. */
export async function jsLabApi(
  stack: JsStack,
  pageOrigin: string,
  fixCode?: string,
): Promise<RequestListener> {
  switch (stack) {
    case 'express': {
      const app = express();
      if (fixCode) await runFix(fixCode, { app, cors });
      app.use((req, res, next) => {
        if (loggedIn(req.path, req.headers.authorization)) next();
        else res.status(401).json({ error: 'Log in first' });
      });
      app.use(express.json());
      if (!fixCode) {
        app.use(
          cors({ origin: pageOrigin, methods: ['GET', 'POST', 'PUT'], allowedHeaders: ['Content-Type'] }),
        );
      }
      app.get('/api/catalog', (_req, res) => void res.json([]));
      app.post('/api/orders', (_req, res) => void res.status(201).json({ id: 1 }));
      app.patch('/api/profile', (_req, res) => void res.json({ ok: true }));
      app.get('/api/me', (_req, res) => void res.json({ user: 'ada' }));
      app.put('/api/files/:name', (req, res) => void res.json({ saved: req.params.name }));
      app.post('/api/import', (req, res) => void res.json({ imported: Object.keys(req.body ?? {}).length }));
      return app;
    }
    case 'fastify': {
      const { fastify, listener } = fastifyServer();
      if (fixCode) await runFix(fixCode, { fastify, cors: fastifyCors });
      fastify.addHook('onRequest', async (request, reply) => {
        if (!loggedIn(request.url.split('?')[0] ?? '', request.headers.authorization))
          return reply.code(401).send({ error: 'Log in first' });
      });
      if (!fixCode) {
        await fastify.register(fastifyCors, {
          origin: pageOrigin,
          methods: ['GET', 'POST', 'PUT'],
          allowedHeaders: ['Content-Type'],
        });
      }
      fastify.get('/api/catalog', async () => []);
      fastify.post('/api/orders', async (_request, reply) => reply.code(201).send({ id: 1 }));
      fastify.patch('/api/profile', async () => ({ ok: true }));
      fastify.get('/api/me', async () => ({ user: 'ada' }));
      fastify.put('/api/files/:name', async () => ({ saved: true }));
      fastify.post('/api/import', async (request) => ({ imported: Object.keys(request.body ?? {}).length }));
      return listener();
    }
    case 'koa': {
      const app = new Koa();
      if (fixCode) await runFix(fixCode, { app, cors: koaCors });
      app.use(async (ctx, next) => {
        if (!loggedIn(ctx.path, ctx.get('Authorization') || undefined)) {
          ctx.status = 401;
          ctx.body = { error: 'Log in first' };
          return;
        }
        await next();
      });
      if (!fixCode) app.use(koaCors({ origin: pageOrigin, allowMethods: ['GET', 'POST', 'PUT'] }));
      app.use(async (ctx) => {
        const routes: Record<string, () => unknown> = {
          'GET /api/catalog': () => [],
          'POST /api/orders': () => {
            ctx.status = 201;
            return { id: 1 };
          },
          'PATCH /api/profile': () => ({ ok: true }),
          'GET /api/me': () => ({ user: 'ada' }),
          'PUT /api/files/report.pdf': () => ({ saved: true }),
          // No body parser: the import reads its body itself, and throws on a broken one.
          'POST /api/import': async () => {
            let text = '';
            for await (const chunk of ctx.req) text += chunk;
            return { imported: Object.keys(JSON.parse(text)).length };
          },
        };
        const route = routes[`${ctx.method} ${ctx.path}`];
        if (route) ctx.body = await route();
      });
      return app.callback();
    }
    case 'hono': {
      const app = new Hono();
      if (fixCode) await runFix(fixCode, { app, cors: honoCors });
      app.use('*', async (c, next) => {
        if (!loggedIn(c.req.path, c.req.header('Authorization')))
          return c.json({ error: 'Log in first' }, 401);
        await next();
      });
      if (!fixCode) {
        app.use(
          '/api/*',
          honoCors({
            origin: pageOrigin,
            allowMethods: ['GET', 'POST', 'PUT'],
            allowHeaders: ['Content-Type'],
          }),
        );
      }
      app.get('/api/catalog', (c) => c.json([]));
      app.post('/api/orders', (c) => c.json({ id: 1 }, 201));
      app.patch('/api/profile', (c) => c.json({ ok: true }));
      app.get('/api/me', (c) => c.json({ user: 'ada' }));
      app.put('/api/files/:name', (c) => c.json({ saved: c.req.param('name') }));
      app.post('/api/import', async (c) => c.json({ imported: Object.keys(await c.req.json()).length }));
      return getRequestListener(app.fetch);
    }
  }
}
