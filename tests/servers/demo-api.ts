/**
 * The demo API: Express with the real `cors` package, set up the way the classic tutorial sets it
 * up — and with the mistakes people really make on top of it. Each route says which.
 */

import type { RequestListener } from 'node:http';
import cors from 'cors';
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Page } from 'playwright';
import { waitUntil } from '../e2e/wait.ts';
import { listenLoopback } from './listen.ts';

export interface DemoRequest {
  readonly id: string;
  readonly label: string;
  readonly path: string;
  readonly init: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    credentials?: 'include';
  };
  /** The mistake on the server, in a few words. */
  readonly mistake: string;
}

/** What the demo page fetches, in order. */
export const DEMO_REQUESTS: readonly DemoRequest[] = [
  { id: 'works', label: 'GET /api/data', path: '/api/data', init: {}, mistake: 'none: this one works' },
  {
    id: 'authorization',
    label: 'POST /api/orders with Authorization',
    path: '/api/orders',
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-token' },
      body: '{"item":1}',
    },
    mistake: 'Authorization missing from allowedHeaders',
  },
  {
    id: 'patch',
    label: 'PATCH /api/profile',
    path: '/api/profile',
    init: { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"name":"Ada"}' },
    mistake: 'PATCH missing from methods',
  },
  {
    id: 'cookies',
    label: 'GET /api/me with cookies',
    path: '/api/me',
    init: { credentials: 'include' },
    mistake: 'cookies sent, but cors() lacks credentials: true',
  },
  {
    id: 'no-options',
    label: 'PUT /api/files/report.pdf',
    path: '/api/files/report.pdf',
    init: { method: 'PUT', headers: { 'Content-Type': 'application/pdf' }, body: '%PDF' },
    mistake: 'files router mounted before cors(): its OPTIONS is a 404',
  },
  {
    id: 'error-500',
    label: 'POST /api/import with a broken body',
    path: '/api/import',
    init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"broken": ' },
    mistake: 'express.json() before cors(): its error answers 500 without CORS headers',
  },
  {
    id: 'wrong-origin',
    label: 'GET /api/legacy/stats',
    path: '/api/legacy/stats',
    init: {},
    mistake: 'origin set to http://127.0.0.1:<port> while the page is on localhost',
  },
];

/**
 * The demo API. With `corsSetup`, its own cors() calls are replaced by that setup, mounted first —
 * as a developer applies a fix; the routes and the other mistakes in how it is put together stay.
 */
export function createDemoApi(pageOrigin: string, corsSetup?: (app: Express) => void): Express {
  const app = express();
  const pagePort = new URL(pageOrigin).port;
  corsSetup?.(app);

  // Mistake: a router with its own 404 handler, mounted before CORS. Preflights never get past it.
  const files = express.Router();
  files.put('/:name', (_req, res) => {
    res.json({ saved: true });
  });
  files.use((_req, res) => {
    res.status(404).json({ error: 'Not found' });
  });
  app.use('/api/files', files);

  // Mistake: the JSON parser runs before CORS, so a parse error is answered before CORS headers are set.
  app.use(express.json());

  // Mistake: a legacy router configured for the old front-end address.
  const legacy: express.RequestHandler = (_req, res) => {
    res.json({ visits: 42 });
  };
  if (corsSetup) app.use('/api/legacy', legacy);
  else app.use('/api/legacy', cors({ origin: `http://127.0.0.1:${pagePort}` }), legacy);

  // The tutorial's configuration: right origin, but PATCH, Authorization and credentials forgotten.
  if (!corsSetup) {
    app.use(
      cors({
        origin: pageOrigin,
        methods: ['GET', 'POST', 'PUT', 'DELETE'],
        allowedHeaders: ['Content-Type'],
      }),
    );
  }
  app.get('/api/data', (_req, res) => {
    res.json({ message: 'Hello from the API!' });
  });
  app.post('/api/orders', (_req, res) => {
    res.status(201).json({ id: 1 });
  });
  app.patch('/api/profile', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/api/me', (_req, res) => {
    res.json({ user: 'ada' });
  });
  app.post('/api/import', (_req, res) => {
    res.json({ imported: true });
  });
  const onError: ErrorRequestHandler = (_err, _req, res, _next) => {
    res.status(500).json({ error: 'Something broke' });
  };
  app.use(onError);
  return app;
}

/** The demo page: runs every request on load, lists what the page itself saw (which is not much). */
export function demoPage(apiOrigin: string): string {
  const requests = JSON.stringify(DEMO_REQUESTS.map((r) => ({ ...r, url: apiOrigin + r.path })));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CORS Lens demo</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:52rem}li{margin:.3rem 0}.ok{color:#15803d}.bad{color:#b91c1c}code{background:#f1f5f9;padding:0 .25rem}</style>
</head><body>
<h1>CORS Lens demo</h1>
<p>This page on <code id="origin">this origin</code> calls an Express API on <code>${apiOrigin}</code> that uses the
<code>cors</code> package with the usual mistakes. The page only learns <em>TypeError: Failed to fetch</em>;
open DevTools → <strong>CORS</strong> to see why each request failed and how to fix the server.</p>
<button id="run">Run the requests again</button>
<ul id="results"></ul>
<script type="module">
const requests = ${requests};
document.getElementById('origin').textContent = location.origin;
async function run() {
  const list = document.getElementById('results');
  list.replaceChildren();
  for (const r of requests) {
    const li = document.createElement('li');
    try {
      const res = await fetch(r.url, r.init);
      li.textContent = r.label + ' → ' + res.status;
      li.className = 'ok';
    } catch (e) {
      li.textContent = r.label + ' → ' + e;
      li.className = 'bad';
    }
    list.append(li);
  }
  document.title = 'CORS Lens demo (done)';
}
document.getElementById('run').onclick = run;
run();
</script>
</body></html>`;
}

/** Loads the demo page in `page` again (as "Reload to capture" does) and waits until its requests are done. */
export async function reloadDemo(page: Page, timeoutMs = 10_000): Promise<void> {
  await page.reload();
  await waitUntil(
    () => page.title(),
    (t) => t.includes('done'),
    { what: 'the demo page to finish', timeoutMs },
  );
}

/** Runs the demo page's requests again in `page` (its Run button) and waits until they are done. */
export async function runDemoAgain(page: Page): Promise<void> {
  await page.evaluate(() => {
    document.title = 'again';
    (document.getElementById('run') as HTMLButtonElement).click();
  });
  await waitUntil(
    () => page.title(),
    (t) => t.includes('done'),
    { what: 'the demo requests, again' },
  );
}

const IDLE_PAGE =
  '<!doctype html><meta charset="utf-8"><title>CORS Lens demo (idle)</title><p>No requests here.</p>';

export interface DemoServers {
  readonly pageOrigin: string;
  readonly apiOrigin: string;
  /** Serves another app at the API's origin from now on (a fixed one, say; any stack's request listener). */
  useApi(app: RequestListener): void;
  close(): Promise<void>;
}

/** Starts the page and the API on loopback. Throws the listen error (EADDRINUSE…) for the caller to word. */
export async function startDemo(pagePort: number, apiPort: number): Promise<DemoServers> {
  // The page needs the API's origin and the API the page's: bind both ports, then route.
  let pageHtml = '';
  let api: RequestListener | undefined;
  const page = await listenLoopback((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    // /idle: a page of the demo's origin that makes no request (a tab to open DevTools on first).
    res.end(req.url === '/idle' ? IDLE_PAGE : pageHtml);
  }, pagePort).catch((err: Error & { flag?: string }) => {
    err.flag = '--page-port';
    throw err;
  });
  const apiServer = await listenLoopback((req, res) => api?.(req, res), apiPort).catch(
    async (err: Error & { flag?: string }) => {
      await page.close();
      err.flag = '--api-port';
      throw err;
    },
  );
  const pageOrigin = `http://localhost:${page.port}`;
  const apiOrigin = `http://localhost:${apiServer.port}`;
  api = createDemoApi(pageOrigin);
  pageHtml = demoPage(apiOrigin);
  return {
    pageOrigin,
    apiOrigin,
    useApi: (next) => {
      api = next;
    },
    close: async () => {
      await Promise.all([page.close(), apiServer.close()]);
    },
  };
}
