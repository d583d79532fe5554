/** Every stack's fix for one blocked request, from one computed requirement. */
import { combinedValue, type HeaderList } from '../cors/headers.ts';
import { type Fix, fixText, type Renderer, STACKS, type StackId } from './fix.ts';
import type { CorsRequirement } from './requirement.ts';
import { apache } from './stacks/apache.ts';
import { aspnet } from './stacks/aspnet.ts';
import { aws } from './stacks/aws.ts';
import { caddy } from './stacks/caddy.ts';
import { django } from './stacks/django.ts';
import { express } from './stacks/express.ts';
import { fastify } from './stacks/fastify.ts';
import { flask } from './stacks/flask.ts';
import { go } from './stacks/go.ts';
import { hono } from './stacks/hono.ts';
import { http } from './stacks/http.ts';
import { koa } from './stacks/koa.ts';
import { next } from './stacks/next.ts';
import { nginx } from './stacks/nginx.ts';
import { nextProxy, viteProxy, webpackProxy } from './stacks/proxies.ts';
import { spring } from './stacks/spring.ts';

/** One renderer per stack id; a stack without one fails the typecheck. */
export const RENDERERS: Record<StackId, Renderer> = {
  http,
  express,
  fastify,
  koa,
  hono,
  next,
  nginx,
  apache,
  caddy,
  flask,
  django,
  spring,
  aspnet,
  go,
  aws,
  'vite-proxy': viteProxy,
  'webpack-proxy': webpackProxy,
  'next-proxy': nextProxy,
};

export function fixesFor(req: CorsRequirement): Record<StackId, Fix> {
  return Object.fromEntries(STACKS.map((s) => [s, RENDERERS[s](req)])) as Record<StackId, Fix>;
}

/** One stack's snippet, rendered on demand: what a view shows (the panel, Markdown, HTML, the CLI). */
export function fixTextFor(req: CorsRequirement, stack: StackId): string {
  return fixText(RENDERERS[stack](req));
}

/** The JSON export's `fixes`: stack id → the snippet text to paste, every stack. */
export function fixTexts(req: CorsRequirement): Record<StackId, string> {
  const fixes = fixesFor(req);
  return Object.fromEntries(STACKS.map((s) => [s, fixText(fixes[s])])) as Record<StackId, string>;
}

/**
 * A stack guessed from what the server said about itself in its answers (the response first,
 * then the preflight's); the user's choice wins over it.
 */
export function guessStack(answers: readonly HeaderList[]): StackId | null {
  const value = (name: string) => {
    for (const headers of answers) {
      const v = combinedValue(headers, name);
      if (v !== null) return v.toLowerCase();
    }
    return '';
  };
  const powered = value('x-powered-by');
  const server = value('server');
  if (powered.includes('express')) return 'express';
  if (powered.includes('next.js')) return 'next';
  if (powered.includes('asp.net') || server.includes('kestrel')) return 'aspnet';
  if (server.includes('nginx')) return 'nginx';
  if (server.includes('apache')) return 'apache';
  if (server.includes('caddy')) return 'caddy';
  if (server.includes('werkzeug')) return 'flask';
  if (server.includes('amazons3')) return 'aws';
  return null;
}

export { DEFAULT_STACK, type Fix, fixText, STACK_LABELS, STACK_PROOF, STACKS, type StackId } from './fix.ts';
export { type CorsRequirement, requirementOf } from './requirement.ts';
