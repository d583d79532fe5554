/** A fix for one stack: what to paste, in which language, and the structural changes to make. */
import type { CorsRequirement, StructuralProblem } from './requirement.ts';

export const STACKS = [
  'http',
  'express',
  'fastify',
  'koa',
  'hono',
  'next',
  'nginx',
  'apache',
  'caddy',
  'flask',
  'django',
  'spring',
  'aspnet',
  'go',
  'aws',
  'vite-proxy',
  'webpack-proxy',
  'next-proxy',
] as const;

export type StackId = (typeof STACKS)[number];

/** The stack a fix is shown for when the user chose none and the server's headers do not say. */
export const DEFAULT_STACK: StackId = 'express';

/** How the stack picker names each stack. */
export const STACK_LABELS: Record<StackId, string> = {
  http: 'HTTP headers',
  express: 'Express (cors)',
  fastify: 'Fastify (@fastify/cors)',
  koa: 'Koa (@koa/cors)',
  hono: 'Hono (hono/cors)',
  next: 'Next.js (proxy.ts / middleware.ts)',
  nginx: 'nginx',
  apache: 'Apache (mod_headers)',
  caddy: 'Caddy',
  flask: 'Flask (Flask-CORS)',
  django: 'Django (django-cors-headers)',
  spring: 'Spring Boot',
  aspnet: 'ASP.NET Core',
  go: 'Go (rs/cors)',
  aws: 'AWS S3 / API Gateway',
  'vite-proxy': 'Vite dev proxy (server not yours)',
  'webpack-proxy': 'webpack-dev-server proxy (server not yours)',
  'next-proxy': 'Next.js rewrites (server not yours)',
};

/**
 * How far each stack's fix is proven. "server": tests/e2e/stack-fixes.test.ts (and, for the Vite
 * proxy, server-fix.test.ts) applies its merged fix once to a real server of that stack, broken
 * the usual ways, and Chrome then allows every request — on the versions named. "text": no such
 * server runs where the tests run; the fix is checked against the API of the versions named.
 */
export const STACK_PROOF: Record<StackId, { readonly by: 'server' | 'text'; readonly on: string }> = {
  http: { by: 'server', on: "Node.js's http module" },
  express: { by: 'server', on: 'Express 5 with cors 2.8' },
  fastify: { by: 'server', on: 'Fastify 5 with @fastify/cors 11' },
  koa: { by: 'server', on: 'Koa 3 with @koa/cors 5' },
  hono: { by: 'server', on: 'Hono 4 on Node.js' },
  next: { by: 'server', on: 'Next.js 16 (next dev)' },
  nginx: { by: 'server', on: 'nginx 1.22' },
  apache: { by: 'server', on: 'Apache httpd 2.4' },
  caddy: { by: 'server', on: 'Caddy 2.6' },
  flask: { by: 'server', on: 'Flask 2.2 with Flask-CORS 3.0' },
  django: { by: 'server', on: 'Django 3.2 with django-cors-headers 3.14' },
  spring: { by: 'text', on: 'Spring Framework 6 and Spring Security 6' },
  aspnet: { by: 'text', on: 'ASP.NET Core 8' },
  go: { by: 'server', on: 'Go 1.19 with rs/cors 1.7' },
  aws: { by: 'text', on: "S3's CORS configuration and API Gateway HTTP APIs" },
  'vite-proxy': { by: 'server', on: 'Vite 8' },
  'webpack-proxy': { by: 'server', on: 'webpack-dev-server 5' },
  'next-proxy': { by: 'server', on: 'Next.js 16 (next dev)' },
};

export interface Fix {
  readonly stack: StackId;
  readonly language:
    | 'http'
    | 'js'
    | 'ts'
    | 'nginx'
    | 'apache'
    | 'caddy'
    | 'python'
    | 'java'
    | 'csharp'
    | 'go'
    | 'json';
  /** Lines to add at the top of the file (imports, requires); kept apart so tests can run `code`. */
  readonly imports: readonly string[];
  readonly code: string;
  /** Changes in how the server is put together, as plain sentences. */
  readonly notes: readonly string[];
}

export type Renderer = (req: CorsRequirement) => Fix;

/**
 * Comment lines are wrapped to this many characters after the comment marker: with it and the
 * terminal's indent they fit 80 columns, the width most editors and terminals start at.
 */
export const NOTE_WIDTH = 74;

/** The snippet as the user copies it: notes as comments, then imports, then code. */
export function fixText(fix: Fix): string {
  const comment = COMMENT[fix.language];
  const notes = fix.notes.map((n) =>
    wrap(n, NOTE_WIDTH)
      .map((line) => `${comment} ${line}`)
      .join('\n'),
  );
  return [
    ...notes,
    ...(notes.length ? [''] : []),
    ...fix.imports,
    ...(fix.imports.length ? [''] : []),
    fix.code,
  ].join('\n');
}

const COMMENT: Record<Fix['language'], string> = {
  http: '#',
  js: '//',
  ts: '//',
  nginx: '#',
  apache: '#',
  caddy: '#',
  python: '#',
  java: '//',
  csharp: '//',
  go: '//',
  json: '//',
};

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Text matched literally inside a regular expression (Apache's SetEnvIf, Django's URL regex). */
export function regexEscape(s: string): string {
  return s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
}

/** Quoted for JS, Python and JSON alike (no quotes or backslashes survive unescaped). */
export function q(s: string): string {
  return JSON.stringify(s);
}

export const list = (items: readonly string[]): string => items.map(q).join(', ');

/** A JS `origin` option: the one origin as a string, several as an array (cors, @fastify/cors, hono). */
export function origins(req: CorsRequirement): string {
  return req.origins.length > 1 ? `[${list(req.origins)}]` : q(req.origin);
}

/** A stack's own sentence for a structural problem, where the shared wording would not be true of it. */
export type OwnNotes = {
  readonly [K in StructuralProblem['kind']]?: (p: Extract<StructuralProblem, { kind: K }>) => string;
};

/**
 * The structural notes, worded with the stack's own terms: `cors` is how that stack names its CORS
 * handler, `first` where it must go; `own` replaces a note whose shared wording names a mechanism
 * the stack does not have.
 */
export function structuralNotes(
  req: CorsRequirement,
  terms: { cors: string; first: string; errors?: string },
  own: OwnNotes = {},
): string[] {
  const notes: string[] = [];
  const add = (p: StructuralProblem) => {
    const sentence = own[p.kind] as ((p: StructuralProblem) => string) | undefined;
    if (sentence) {
      notes.push(sentence(p));
      return;
    }
    switch (p.kind) {
      case 'no-options-handler':
        notes.push(
          `The preflight got ${p.status}: nothing answers OPTIONS ${p.path ?? req.path}. ${terms.first}, so that ${terms.cors} answers OPTIONS for every route.`,
        );
        break;
      case 'auth-before-cors':
        notes.push(
          `The preflight got ${p.status}: authentication runs before CORS, and browsers never send credentials with a preflight. ${terms.first}, before the authentication check.`,
        );
        break;
      case 'preflight-crashed':
        notes.push(
          `The preflight got ${p.status}: the server failed on OPTIONS ${p.path ?? req.path}. ${terms.first}, and check the server log.`,
        );
        break;
      case 'preflight-redirect':
        notes.push(
          `The preflight was redirected: browsers never follow a redirect for OPTIONS. Call the final URL from the page (trailing slash, https), or answer OPTIONS before the redirect rule.`,
        );
        break;
      case 'error-without-cors':
        notes.push(
          `The ${p.status} response had no CORS headers: ${terms.errors ?? 'an error handler answered before the CORS headers were set'}. ${terms.first}, so error responses carry the headers too.`,
        );
        break;
      case 'wildcard-with-credentials':
        notes.push(
          `"*" never works with credentials: the fix names the origin${req.origins.length > 1 ? 's' : ''}, ${req.origins.join(', ')}, and allows credentials.`,
        );
        break;
      case 'duplicate-header':
        notes.push(
          'Access-Control-Allow-Origin was sent twice (often by the app and again by a proxy). Set it in one place only and remove it from the other.',
        );
        break;
      case 'lowercase-method':
        notes.push(
          `The page sends the method "${p.method}" in lower case: fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT, so "${p.method}" goes out as written and many servers reject it. Write method: "${p.method.toUpperCase()}" in the page; the server then allows ${p.method.toUpperCase()}.`,
        );
        break;
      case 'cross-origin-redirect':
        notes.push(
          'A redirect to another origin made the browser send "Origin: null". Call the final URL directly instead of allowing "null", which any sandboxed page can send.',
        );
        break;
    }
  };
  for (const p of oneNotePerKind(req.problems)) add(p);
  return notes;
}

/** "a, b and c" */
function listed(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * A merged requirement holds one problem per route: the same preflight status on four routes is
 * one sentence naming the four, not four sentences.
 */
function oneNotePerKind(problems: readonly StructuralProblem[]): StructuralProblem[] {
  const out: StructuralProblem[] = [];
  const paths = new Map<string, { problem: StructuralProblem; paths: string[] }>();
  for (const p of problems) {
    if ((p.kind === 'no-options-handler' || p.kind === 'preflight-crashed') && p.path) {
      const key = `${p.kind} ${p.status}`;
      const seen = paths.get(key);
      if (seen) {
        if (!seen.paths.includes(p.path)) seen.paths.push(p.path);
        continue;
      }
      const group = { problem: p, paths: [p.path] };
      paths.set(key, group);
      out.push(p);
      continue;
    }
    out.push(p);
  }
  return out.map((p) => {
    if ((p.kind === 'no-options-handler' || p.kind === 'preflight-crashed') && p.path) {
      const group = paths.get(`${p.kind} ${p.status}`);
      return group ? { ...p, path: listed(group.paths) } : p;
    }
    return p;
  });
}

/** A route pattern that covers the failing path: its first segment (`/api/*`), or everything. */
export function routePrefix(path: string): string {
  const first = path.split('/').filter(Boolean)[0];
  return first ? `/${first}` : '';
}
