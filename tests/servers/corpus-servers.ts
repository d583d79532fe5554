/** Starts the page server, the raw API and the Express apps on loopback, all logging to one ExchangeLog. */
import type { RequestListener } from 'node:http';
import { createExpressApps } from './express-apps.ts';
import { listenLoopback } from './listen.ts';
import { CacheServer, MOZ_SCENARIOS } from './mochitests.ts';
import { rawCorsHandler } from './raw-server.ts';
import { ExchangeLog } from './recorder.ts';
import { ALL_SCENARIOS, type Origins, type Scenario } from './scenarios.ts';

export interface CorpusServers {
  readonly origins: Origins;
  readonly log: ExchangeLog;
  /** Firefox's cache groups' server (`/c/<group>` on the API): set the step before each request. */
  readonly cache: CacheServer;
  close(): Promise<void>;
}

const PAGE_HTML = `<!doctype html><meta charset="utf-8"><title>CORS Lens corpus page</title><h1>corpus page</h1>
<script>
// Every corpus request goes through this line: DevTools names it as the code that made the request.
window.corpusFetch = function corpusFetch(url, init) {
  return fetch(url, init);
};
</script>
<script>
// ?early=URL (repeatable): fetched while the page loads, before a DevTools window opened with the tab records.
for (const url of new URLSearchParams(location.search).getAll('early')) corpusFetch(url).catch(() => {});
</script>`;

/** Where corpusFetch calls fetch in the page: line and column from 1, as DevTools capture reports them. */
export const CORPUS_FETCH_AT = (() => {
  const lines = PAGE_HTML.split('\n');
  const line = lines.findIndex((l) => l.includes('return fetch(')) + 1;
  return { line, column: (lines[line - 1] as string).indexOf('fetch(') + 1 };
})();

/** Host names of the page and the APIs. The defaults are development origins; others need a host-resolver rule. */
export interface CorpusHosts {
  readonly page: string;
  readonly api: string;
  readonly alt: string;
}

const LOOPBACK_HOSTS: CorpusHosts = { page: 'localhost', api: '127.0.0.1', alt: 'localhost' };

/** Host names no development-origin pattern matches (map them with HOST_RULES). */
export const PUBLIC_HOSTS: CorpusHosts = { page: 'app.example', api: 'api.example', alt: 'alt.example' };

/** Chromium's flag that sends PUBLIC_HOSTS to this machine. */
export const HOST_RULES = '--host-resolver-rules=MAP *.example 127.0.0.1';

export const pageHandler: RequestListener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(PAGE_HTML);
};

export async function startCorpusServers(
  scenarios: readonly Scenario[] = [...ALL_SCENARIOS, ...MOZ_SCENARIOS],
  hosts: CorpusHosts = LOOPBACK_HOSTS,
): Promise<CorpusServers> {
  const log = new ExchangeLog();
  // The handlers need the origins, which need the ports: bind first, route once both are known.
  let rawHandler: RequestListener = () => {};
  // The page's own origin answers the first hop of the scenarios that start same-origin.
  const page = await listenLoopback(
    log.wrap((req, res) => (req.url?.startsWith('/s/') ? rawHandler(req, res) : pageHandler(req, res))),
  );
  let expressHandler: RequestListener = () => {};
  let cache: CacheServer | null = null;
  const api = await listenLoopback(
    log.wrap((req, res) => {
      const group = /^\/c\/([^?]+)/.exec(req.url ?? '')?.[1];
      const reply = group ? cache?.reply(group, req.method === 'OPTIONS') : null;
      if (!reply) return rawHandler(req, res);
      res.writeHead(reply.status, reply.headers.flat() as string[]);
      res.end(req.method === 'OPTIONS' ? undefined : 'cache group\n');
    }),
  );
  // Its raw scenario paths (/s/) serve redirect chains a fourth origin away.
  const exp = await listenLoopback(
    log.wrap((req, res) => (req.url?.startsWith('/s/') ? rawHandler(req, res) : expressHandler(req, res))),
  );
  const origins: Origins = {
    page: `http://${hosts.page}:${page.port}`,
    api: `http://${hosts.api}:${api.port}`,
    alt: `http://${hosts.alt}:${api.port}`,
    express: `http://${hosts.api}:${exp.port}`,
    pageAlt: `http://${hosts.api}:${page.port}`,
    far: `http://${hosts.alt}:${exp.port}`,
  };
  cache = new CacheServer(origins.page);
  rawHandler = rawCorsHandler(scenarios, origins);
  expressHandler = createExpressApps(origins.page);
  return {
    origins,
    log,
    cache,
    close: async () => {
      await Promise.all([page.close(), api.close(), exp.close()]);
    },
  };
}
