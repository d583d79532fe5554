/** Starts the page server, the raw API and the Express apps on loopback, all logging to one ExchangeLog. */
import type { RequestListener } from 'node:http';
import { createExpressApps } from './express-apps.ts';
import { listenLoopback } from './listen.ts';
import { rawCorsHandler } from './raw-server.ts';
import { ExchangeLog } from './recorder.ts';
import { ALL_SCENARIOS, type Origins, type Scenario } from './scenarios.ts';

export interface CorpusServers {
  readonly origins: Origins;
  readonly log: ExchangeLog;
  close(): Promise<void>;
}

const PAGE_HTML =
  '<!doctype html><meta charset="utf-8"><title>CORS Lens corpus page</title><h1>corpus page</h1>';

export const pageHandler: RequestListener = (_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(PAGE_HTML);
};

export async function startCorpusServers(
  scenarios: readonly Scenario[] = ALL_SCENARIOS,
): Promise<CorpusServers> {
  const log = new ExchangeLog();
  const page = await listenLoopback(pageHandler);
  // The handlers need the origins, which need the ports: bind first, route once both are known.
  let rawHandler: RequestListener = () => {};
  let expressHandler: RequestListener = () => {};
  const api = await listenLoopback(log.wrap((req, res) => rawHandler(req, res)));
  const exp = await listenLoopback(log.wrap((req, res) => expressHandler(req, res)));
  const origins: Origins = {
    page: `http://localhost:${page.port}`,
    api: `http://127.0.0.1:${api.port}`,
    alt: `http://localhost:${api.port}`,
    express: `http://127.0.0.1:${exp.port}`,
  };
  rawHandler = rawCorsHandler(scenarios, origins);
  expressHandler = createExpressApps(origins.page);
  return {
    origins,
    log,
    close: async () => {
      await Promise.all([page.close(), api.close(), exp.close()]);
    },
  };
}
