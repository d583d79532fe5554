/**
 * No request of a recording tab is missed, from the page's first one. A development-origin page
 * (recordDevOrigins on, DevTools closed) makes 24 cross-origin requests — simple and preflighted,
 * allowed and blocked — in its first script tick, in fresh tabs of fresh browsers: every request
 * Chrome saw (CDP) must be in `cors:report`, with Chrome's verdict, every time — every other run
 * with the worker stopped before the navigation, so that the navigation is what wakes it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Listening, listenLoopback } from '../servers/listen.ts';
import { NetworkWatcher } from './corpus-runner.ts';
import { launchWithExtension, stopServiceWorker, workerStopped } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

const BROWSERS = 4;
const TABS = 5;
const REQUESTS = 24;

let page: Listening;
let api: Listening;
let pageOrigin: string;
let apiOrigin: string;

/** The API: `/ok*` allows the page, `/bad*` sends no CORS headers; PUT is preflighted. */
function apiHandler(req: IncomingMessage, res: ServerResponse): void {
  const ok = (req.url ?? '').startsWith('/ok');
  const cors: Record<string, string> = ok
    ? { 'Access-Control-Allow-Origin': pageOrigin, 'Access-Control-Allow-Methods': 'PUT' }
    : {};
  res.writeHead(req.method === 'OPTIONS' ? 204 : 200, { ...cors, 'Content-Type': 'text/plain' });
  res.end(req.method === 'OPTIONS' ? '' : 'x');
}

/** A page whose first script tick sends every request, before anything else loads. */
function pageHtml(run: string): string {
  const urls = Array.from({ length: REQUESTS }, (_, i) => {
    const kind = i % 4;
    const path = kind === 0 || kind === 2 ? 'ok' : 'bad';
    return { url: `${apiOrigin}/${path}/${i}?run=${run}`, put: kind >= 2 };
  });
  return `<!doctype html><title>first requests</title><script>
const requests = ${JSON.stringify(urls)};
Promise.all(requests.map((r) => fetch(r.url, r.put ? { method: 'PUT', body: 'x' } : {}).then(() => 1, () => 0)))
  .then(() => { document.title = 'done'; });
</script>`;
}

beforeAll(async () => {
  page = await listenLoopback((req, res) => {
    const run = new URL(req.url ?? '/', 'http://x').searchParams.get('run') ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(pageHtml(run));
  });
  api = await listenLoopback(apiHandler);
  pageOrigin = `http://localhost:${page.port}`;
  apiOrigin = `http://127.0.0.1:${api.port}`;
});

afterAll(async () => {
  await page?.close();
  await api?.close();
});

test(`every request of a recording tab is in the report from its first, or the tab says some were missed: ${BROWSERS} browsers × ${TABS} fresh tabs`, async () => {
  const misses: string[] = [];
  const complete = { warm: 0, cold: 0 };
  let toldMissing = 0;
  /** Runs where the tab said requests may be missing and none was. */
  let cautious = 0;
  let runs = 0;
  for (let b = 0; b < BROWSERS; b++) {
    const ext = await launchWithExtension();
    try {
      const client = await ReportClient.open(ext);
      await client.settings({ recordDevOrigins: true });
      for (let t = 0; t < TABS; t++) {
        const run = `${b}-${t}`;
        const tab = await ext.context.newPage();
        if (t % 2 === 1) {
          // Every other run, the worker is stopped first (as Chrome stops an idle one): the
          // navigation wakes it.
          await stopServiceWorker(ext, tab);
          await waitUntil(() => workerStopped(ext), Boolean, { what: 'the worker to stop' });
        }
        // Chrome's own account of the page's requests, from before it navigates.
        const watcher = await NetworkWatcher.attach(tab);
        await tab.goto(`${pageOrigin}/?run=${run}`);
        await waitUntil(
          () => tab.title(),
          (title) => title === 'done',
          { what: `run ${run}` },
        );
        const prefix = `${apiOrigin}/`;
        const chrome = await waitUntil(
          () => Promise.resolve(watcher.finished(prefix)),
          (done) => done.length === REQUESTS,
          { what: `Chrome's verdicts, run ${run}` },
        );
        const tabId = await client.tabId(`${pageOrigin}/?run=${run}`);
        // Bounded: the report settles within moments, or what is missing is missing.
        const listed = await waitUntil(
          async () => (await client.report(tabId)).entries.filter((e) => e.url.includes(`run=${run}`)),
          (entries) => entries.filter((e) => e.state !== 'pending').length >= REQUESTS,
          { what: `the report of run ${run}`, timeoutMs: 5000 },
        ).catch(async () => (await client.report(tabId)).entries.filter((e) => e.url.includes(`run=${run}`)));
        const wrong: string[] = [];
        for (const c of chrome) {
          const entry = listed.find((e) => e.url === c.url);
          if (!entry) wrong.push(`${run} ${c.url}: not in the report`);
          else if (entry.blocked !== c.done?.blocked || entry.corsError !== c.done?.corsError)
            wrong.push(`${run} ${c.url}: ${entry.corsError} vs Chrome's ${c.done?.corsError}`);
        }
        const said = (await client.status(tabId)).recordingAfterPage === true;
        const cold = t % 2 === 1;
        // Never silently: a request missing or judged otherwise is a problem unless the tab said
        // some may be missing. A running worker must miss nothing.
        if (wrong.length > 0 && (!said || !cold)) misses.push(...wrong);
        if (wrong.length === 0 && !said) complete[cold ? 'cold' : 'warm']++;
        else if (wrong.length > 0) toldMissing++;
        else cautious++;
        runs++;
        await watcher.cdp.detach();
        await tab.close();
      }
    } finally {
      await ext.close();
    }
  }
  console.log(
    `first requests: ${runs} runs × ${REQUESTS} requests — worker running: ${complete.warm} runs complete; ` +
      `worker woken by the navigation: ${complete.cold} complete, ${toldMissing} missed some and said so; ` +
      `${cautious} said some may be missing when none was; ${misses.length} silent misses or wrong verdicts`,
  );
  expect(runs).toBe(BROWSERS * TABS);
  expect(misses).toEqual([]);
}, 240_000);
