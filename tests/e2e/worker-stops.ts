/**
 * A page making 2,000 cross-origin requests (a third of them preflighted PUTs, 12 in flight) while
 * the extension's service worker is stopped ten times, as Chrome stops an idle worker; then what
 * the report holds against what Chrome saw. Used by the reliability suite and the benchmark.
 */
import type { Page } from 'playwright';
import type { ReportEntry } from '../../extension/shared/messages.ts';
import { NetworkWatcher } from './corpus-runner.ts';
import { type LoadedExtension, stopServiceWorker } from './extension.ts';
import type { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

export interface StopsResult {
  /** Requests Chrome finished (CDP). */
  readonly seen: number;
  /** Of those, without an entry in `cors:report`. */
  readonly missing: number;
  /** Entries still waiting for their last events once everything settled. */
  readonly unfinished: number;
  /** Entries listed twice (by id or by URL). */
  readonly duplicates: number;
  /** Entries for requests Chrome never made. */
  readonly unseen: readonly string[];
  /** The entries under `prefix`, for further checks. */
  readonly entries: readonly ReportEntry[];
}

/**
 * Runs the requests against `prefix` (a policy server: `?delay=` ms, allows Content-Type), stopping
 * the worker every two seconds, ten times, then waits for Chrome and the report to settle.
 */
export async function requestsWithWorkerStops(
  ext: LoadedExtension,
  client: ReportClient,
  page: Page,
  tabId: number,
  prefix: string,
  options: { requests?: number; stops?: number } = {},
): Promise<StopsResult> {
  const requests = options.requests ?? 2000;
  const stops = options.stops ?? 10;
  const watcher = await NetworkWatcher.attach(page);
  const run = page.evaluate(
    ([p, n]) => {
      let next = 0;
      // Lanes as anonymous arrows: the benchmark runs under tsx, whose named functions do not survive evaluate().
      return Promise.all(
        Array.from({ length: 12 }, async () => {
          while (next < n) {
            const i = next++;
            const init =
              i % 3 === 0
                ? { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: '{}' }
                : {};
            await fetch(`${p}${i}?delay=${100 + (i % 50)}`, init).then(
              (r) => r.text(),
              () => 'blocked',
            );
          }
        }),
      );
    },
    [prefix, requests] as const,
  );
  // About 25 s of traffic for 2,000; a stop every 2 s, each while requests are in flight.
  for (let stop = 0; stop < stops; stop++) {
    await new Promise((r) => setTimeout(r, 2000));
    await stopServiceWorker(ext, page).catch(() => {}); // it may already be down between wakes
  }
  await run;
  await waitUntil(
    async () => watcher.unfinished(prefix),
    (n) => n === 0,
    { what: 'all requests', timeoutMs: 60_000 },
  );
  const seen = new Set(watcher.finished(prefix).map((t) => t.url));
  // The report settles once every request Chrome finished has an entry, or stops changing.
  let last = -1;
  const entries = await waitUntil(
    async () => (await client.report(tabId)).entries.filter((e) => e.url.startsWith(prefix)),
    (es) => {
      const done = es.filter((e) => e.state !== 'pending').length;
      const stable = done === last;
      last = done;
      return done >= seen.size || stable;
    },
    { what: 'the report to settle', timeoutMs: 60_000, intervalMs: 1000 },
  );
  const urls = entries.map((e) => e.url);
  const listed = new Set(urls);
  return {
    seen: seen.size,
    missing: [...seen].filter((u) => !listed.has(u)).length,
    unfinished: entries.filter((e) => e.state === 'pending').length,
    duplicates: entries.length - new Set(entries.map((e) => e.id)).size + (urls.length - listed.size),
    unseen: urls.filter((u) => !seen.has(u)),
    entries,
  };
}
