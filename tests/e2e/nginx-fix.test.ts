/**
 * The nginx fix on a real nginx (Debian's package, on a loopback port, in front of the corpus
 * servers): Chrome must allow each failing request once it goes through the generated location
 * block. Without an nginx binary this fails and says how to install one.
 */
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Fix, fixesFor } from '../../src/fixes/index.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { NGINX, startNginx } from '../servers/nginx.ts';
import { scenarioById } from '../servers/scenarios.ts';
import type { LaunchedBrowser } from './chromium.ts';
import {
  type BlockedCase,
  blockedEntries,
  fetchFromPage,
  type NetworkWatcher,
  openCorpusPage,
} from './corpus-runner.ts';

const FAILING = [
  'simple-missing-acao',
  'simple-acao-two-lines',
  'cred-wildcard',
  'cred-missing-acac',
  'pf-404-no-cors',
  'pf-401-with-acao',
  'pf-origin-mismatch',
  'pf-method-missing',
  'pf-header-missing-authorization',
  'pf-headers-invalid',
  'pf-ok-response-missing-acao',
  'express-classic-post-json',
  'express-unmounted-path',
] as const;

let servers: CorpusServers;
let browser: LaunchedBrowser;
let page: Page;
let watcher: NetworkWatcher;
let entries: Map<string, BlockedCase>;

beforeAll(async () => {
  if (!NGINX) {
    throw new Error('No nginx found for the nginx fix test. Install it: sudo apt-get install -y nginx');
  }
  ({ servers, browser, page, watcher } = await openCorpusPage());
  entries = await blockedEntries(page, watcher, servers.origins, servers.log, FAILING);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await servers?.close();
});

/** Has the page make the scenario's request to `pathAndSearch` through nginx serving the fix; Chrome's verdict. */
async function throughNginx(fix: Fix, upstream: string, pathAndSearch: string, id: string) {
  const nginx = await startNginx(fix.code, upstream);
  try {
    const url = `${nginx.origin}${pathAndSearch}`;
    const before = watcher.known();
    await fetchFromPage(page, url, scenarioById(id).request);
    return await watcher.verdictFor(url, before);
  } finally {
    await nginx.close();
  }
}

test.each(FAILING)('%s: allowed through nginx with the generated location block', async (id) => {
  const { entry, requirement } = entries.get(id) as BlockedCase;
  const fix = fixesFor(requirement).nginx;
  const upstream = new URL(entry.url);
  const verdict = await throughNginx(fix, upstream.origin, `${upstream.pathname}${upstream.search}`, id);
  expect(verdict, `nginx fix for ${id}:\n${fix.code}`).toMatchObject({ blocked: false, corsError: null });
});

// The location must serve the route itself, not only what lies below it: `location /orders/`
// would miss a request to /orders, and the root route must not become `location //`.
test.each(['/', '/orders'])('a fix for the route %s serves that exact path', async (route) => {
  const id = 'pf-header-missing-authorization';
  const { entry, requirement } = entries.get(id) as BlockedCase;
  const fix = fixesFor({ ...requirement, path: route }).nginx;
  const upstream = new URL(entry.url);
  const verdict = await throughNginx(fix, upstream.origin, `${route}${upstream.search}`, id);
  expect(verdict, `nginx fix for ${route}:\n${fix.code}`).toMatchObject({ blocked: false, corsError: null });
  expect(fix.code).toMatch(new RegExp(`^location ${route} \\{`, 'm'));
});
