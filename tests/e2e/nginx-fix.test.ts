/**
 * The nginx fix on a real nginx (Debian's package, on a loopback port, in front of the corpus
 * servers): Chrome must allow each failing request once it goes through the generated location
 * block. Without an nginx binary this fails and says how to install one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Fix, fixesFor } from '../../src/fixes/index.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { scenarioById } from '../servers/scenarios.ts';
import type { LaunchedBrowser } from './chromium.ts';
import {
  type BlockedCase,
  blockedEntries,
  fetchFromPage,
  type NetworkWatcher,
  openCorpusPage,
} from './corpus-runner.ts';
import { waitUntil } from './wait.ts';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
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

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

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

/**
 * Serves the fix's location block on a real nginx in front of `upstream`, has the page make the
 * scenario's request to `pathAndSearch` through it, and returns Chrome's verdict.
 */
async function throughNginx(fix: Fix, upstream: string, pathAndSearch: string, id: string) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cors-lens-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const location = fix.code.replace(
    '# …your existing proxy_pass or root stays here.',
    `proxy_pass ${upstream};`,
  );
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
${location}
  }
}
`,
  );
  let nginx: ChildProcess | undefined;
  try {
    nginx = spawn(NGINX as string, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    await waitUntil(
      () =>
        fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        ),
      (up) => up,
      { what: 'nginx to listen', timeoutMs: 10_000 },
    );
    const url = `http://127.0.0.1:${port}${pathAndSearch}`;
    const before = watcher.known();
    await fetchFromPage(page, url, scenarioById(id).request);
    return await watcher.verdictFor(url, before);
  } finally {
    nginx?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
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
