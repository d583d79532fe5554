/**
 * The stack lab: one page, and an API written in each stack we print a fix for, broken the way
 * people break that stack. tests/e2e/stack-fixes.test.ts runs the page against each broken API in
 * Chromium, takes the server's merged fix from DevTools' own HAR, applies it once — doing only what
 * the fix's text says — and runs the page again: Chrome must then allow every request.
 *
 * Every API serves the same routes. `/api/orders` is protected: it wants
 * `Authorization: Basic ada:secret` on everything but a preflight (browsers send no credentials
 * with one), before and after the fix.
 */
import type { RequestListener } from 'node:http';
import { listenLoopback } from './listen.ts';

export const LAB_AUTHORIZATION = `Basic ${Buffer.from('ada:secret').toString('base64')}`;

export interface LabRequest {
  readonly id: 'works' | 'protected' | 'method' | 'credentials' | 'no-options' | 'error';
  readonly path: string;
  readonly init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    credentials?: 'include';
  };
}

/** What the lab page fetches, in order: one request per kind of mistake, and one that works. */
export const LAB_REQUESTS: readonly LabRequest[] = [
  { id: 'works', path: '/api/catalog', init: {} },
  {
    id: 'protected',
    path: '/api/orders',
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: LAB_AUTHORIZATION },
      body: '{"item":1}',
    },
  },
  {
    id: 'method',
    path: '/api/profile',
    init: { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"name":"Ada"}' },
  },
  { id: 'credentials', path: '/api/me', init: { credentials: 'include' } },
  {
    id: 'no-options',
    path: '/api/files/report.pdf',
    init: { method: 'PUT', headers: { 'Content-Type': 'application/pdf' }, body: '%PDF' },
  },
  {
    id: 'error',
    path: '/api/import',
    init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"broken": ' },
  },
];

/** The lab page: runs every request on load and on `run()`; its title says when it is done. */
export function labPage(apiOrigin: string): string {
  const requests = JSON.stringify(LAB_REQUESTS.map((r) => ({ ...r, url: apiOrigin + r.path })));
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>stack lab</title></head>
<body><ul id="results"></ul><script type="module">
const requests = ${requests};
window.run = async () => {
  document.title = 'running';
  const list = document.getElementById('results');
  list.replaceChildren();
  for (const r of requests) {
    const li = document.createElement('li');
    try {
      const res = await fetch(r.url, r.init);
      li.textContent = r.id + ' ' + res.status;
    } catch (e) {
      li.textContent = r.id + ' failed';
    }
    list.append(li);
  }
  document.title = 'done';
};
run();
</script></body></html>`;
}

/**
 * The application behind a web server (Apache, Caddy, nginx, a dev proxy): the lab's routes, no
 * CORS of its own, as the app a proxy fronts usually is. OPTIONS is not routed (404), the import
 * fails on its broken body (500), and `/api/orders` wants the lab's credentials.
 */
export const upstreamApp: RequestListener = (req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'OPTIONS') return json(404, { error: 'Not found' });
  if (path === '/api/orders' && req.headers.authorization !== LAB_AUTHORIZATION)
    return json(401, { error: 'Log in first' });
  if (path === '/api/import') return json(500, { error: 'Unexpected end of JSON input' });
  const known = ['/api/catalog', '/api/orders', '/api/profile', '/api/me', '/api/files/report.pdf'];
  return known.includes(path) ? json(200, { ok: true }) : json(404, { error: 'Not found' });
};

/** The upstream app on a loopback port. */
export function startUpstream(): ReturnType<typeof listenLoopback> {
  return listenLoopback(upstreamApp);
}

/** The `module.exports = { … };` a dev-proxy fix says to paste as the config file (webpack, Next.js). */
export function configBlock(fix: string, file: string): string {
  const code = fix.match(/^module\.exports = \{[\s\S]*?^\};$/m)?.[0];
  if (!code) throw new Error(`the fix has no ${file} to paste:\n${fix}`);
  return code;
}

/** Replaces the text between `# CORS` and `# END CORS` lines (the user's own CORS setup) by `text`. */
export function replaceCorsBlock(source: string, text: string, comment = '#'): string {
  const start = source.indexOf(`${comment} CORS\n`);
  const end = source.indexOf(`${comment} END CORS\n`);
  if (start < 0 || end < start) throw new Error('the source has no CORS block to replace');
  return `${source.slice(0, start)}${text}\n${source.slice(end + `${comment} END CORS\n`.length)}`;
}

/**
 * A server in Node's own `http` that does what the plain-headers fix says, and nothing else: it
 * answers OPTIONS with the status and headers listed under "# The preflight", and adds the headers
 * listed under "# Every other response" to the app's answers (errors included). Without a fix it
 * is the app alone, which routes no OPTIONS and sends no CORS header.
 */
export function nodeHttpWithFix(fix?: string): RequestListener {
  if (!fix) return upstreamApp;
  const sections = fix.split(/^# /m);
  const headersOf = (title: RegExp) => {
    const section = sections.find((s) => title.test(s)) ?? '';
    return section
      .split('\n')
      .slice(1)
      .map((line) => /^([A-Za-z-]+): (.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string] as const);
  };
  const preflightSection = sections.find((s) => /^The preflight:/.test(s)) ?? '';
  const status = Number(/answer (\d{3})/.exec(preflightSection)?.[1] ?? Number.NaN);
  const preflight = headersOf(/^The preflight:/);
  const others = headersOf(/^Every other response/);
  if (!status || preflight.length === 0 || others.length === 0)
    throw new Error(`the fix does not say what to answer:\n${fix}`);
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(status, Object.fromEntries(preflight));
      res.end();
      return;
    }
    for (const [name, value] of others) res.setHeader(name, value);
    upstreamApp(req, res);
  };
}
