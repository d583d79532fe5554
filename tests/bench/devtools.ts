/**
 * The benchmark's figures for DevTools capture, taken in the real DevTools window (docked, the CORS
 * panel shown through DevTools' own InspectorView): new request → its row, and the panel's first
 * paint with 10,000 requests in the tab, beside an empty extension panel's in the same window.
 *
 * The empty panel comes from a copy of the build whose devtools page also adds a panel "Empty": a
 * page with one script that marks when it runs. Both frames are reloaded in place, the way DevTools
 * loads a panel, and timed from their own navigation start (User Timing marks, read afterwards).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVTOOLS_HANDLE, PANEL_MARKS } from '../../extension/shared/page-names.ts';
import { DEVTOOLS_ARGS } from '../e2e/devtools-har.ts';
import { DEBUGGING_PORT_ARG, DevToolsWindow } from '../e2e/devtools-window.ts';
import { DIST, launchWithExtension } from '../e2e/extension.ts';
import { ReportClient } from '../e2e/report-client.ts';
import { waitUntil } from '../e2e/wait.ts';
import { listenLoopback } from '../servers/listen.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { pageServer, workloadPage } from './workload.ts';

const EMPTY_MARK = 'empty:script';

export interface DevToolsFigures {
  /** New request (blocked at its preflight) → its row in the panel, p95 and all samples. */
  readonly rowLatencyMs: readonly number[];
  /** Panel script start → first row, with the log full (median of the reloads). */
  readonly ownFirstPaintMs: number;
  /** Navigation start → first row. */
  readonly totalFirstPaintMs: number;
  /** The empty panel: navigation start → its script runs. */
  readonly emptyPanelMs: number;
  readonly entries: number;
}

/** A copy of dist/ whose devtools page adds a second, empty panel to compare with. */
function buildWithEmptyPanel(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cors-lens-bench-ext-'));
  cpSync(DIST, dir, { recursive: true });
  writeFileSync(
    join(dir, 'empty.html'),
    '<!doctype html><html><head><meta charset="utf-8"><script src="/empty.js"></script></head><body><p>empty</p></body></html>',
  );
  writeFileSync(join(dir, 'empty.js'), `performance.mark(${JSON.stringify(EMPTY_MARK)});`);
  writeFileSync(join(dir, 'empty-panel.js'), "chrome.devtools.panels.create('Empty', '', '/empty.html');");
  const page = join(dir, 'extension/devtools/index.html');
  writeFileSync(
    page,
    readFileSync(page, 'utf8').replace('</head>', '<script src="/empty-panel.js"></script></head>'),
  );
  return dir;
}

/** Reloads the frame at `urlPart` in place; resolves with what `read` gives once it is not null. */
async function reloadAndRead<T>(win: DevToolsWindow, urlPart: string, read: string): Promise<T> {
  const before = await win.inFrame<number>(urlPart, 'performance.timeOrigin');
  await win.inFrame(urlPart, 'setTimeout(() => location.reload(), 0), true');
  return waitUntil(
    () =>
      win
        .inFrame<T | null>(urlPart, `performance.timeOrigin === ${before} ? null : (${read})`)
        .catch(() => null),
    (v) => v !== null,
    { what: `${urlPart} to load again`, intervalMs: 50, timeoutMs: 60_000 },
  ) as Promise<T>;
}

const median = (xs: readonly number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export async function devtoolsFigures(options: {
  requests: number;
  samples: number;
  reloads: number;
  log: (msg: string) => void;
}): Promise<DevToolsFigures> {
  const dir = buildWithEmptyPanel();
  const api = await listenLoopback(policyHandler);
  const apiOrigin = `http://127.0.0.1:${api.port}`;
  const html = workloadPage(apiOrigin, options.requests, 50, 0);
  const site = await listenLoopback(pageServer(() => html));
  const pageUrl = `http://localhost:${site.port}/`;
  const ext = await launchWithExtension([...DEVTOOLS_ARGS, DEBUGGING_PORT_ARG], dir);
  let win: DevToolsWindow | undefined;
  try {
    const client = await ReportClient.open(ext);
    await client.settings({ ringSize: options.requests + options.samples });
    const tab = await ext.context.newPage();
    await tab.goto(pageUrl);
    const tabId = await client.tabId(pageUrl);
    await client.captured(tabId, 'devtools');
    win = await DevToolsWindow.of(ext, pageUrl);
    await win.dock('bottom');
    await win.showPanel();
    // When each row first appears, by the panel's own clock (the page's: same machine, same clock).
    await win.inPanel(`(() => {
      const seen = (window.rowSeen = {});
      new MutationObserver(() => {
        for (const row of document.querySelectorAll('[role="option"]')) {
          const url = row.getAttribute('title');
          if (url && !(url in seen)) seen[url] = Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true });
      return true;
    })()`);
    const rowLatencyMs: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const url = `${apiOrigin}/lat/${i}?blocked=1`;
      // The policy server allows Content-Type only: X-Trace makes the preflight fail.
      const failedAt = await tab.evaluate(
        (u) =>
          fetch(u, { headers: { 'X-Trace': '1' } }).then(
            () => Date.now(),
            () => Date.now(),
          ),
        url,
      );
      const shownAt = await waitUntil(
        () =>
          (win as DevToolsWindow).inPanel<number | null>(`window.rowSeen[${JSON.stringify(url)}] ?? null`),
        (t) => t !== null,
        { what: `the row of ${url}`, intervalMs: 20, timeoutMs: 30_000 },
      );
      rowLatencyMs.push(Math.max(0, (shownAt as number) - failedAt));
    }

    options.log(`  ${options.requests.toLocaleString('en')} requests with DevTools open…`);
    const t0 = performance.now();
    await tab.evaluate(() => (window as unknown as { run: (t: string) => Promise<void> }).run('full'));
    options.log(`  … in ${Math.round((performance.now() - t0) / 1000)} s`);
    // The panel's data: the devtools page's own log (the worker's copy is bounded by storage).
    const entries = await waitUntil(
      () =>
        (win as DevToolsWindow).inFrame<number>(
          '/extension/devtools/index.html',
          `window[${JSON.stringify(DEVTOOLS_HANDLE)}].source(${tabId}).status().then((s) => s.entries)`,
        ),
      (n) => n >= options.requests + options.samples,
      { what: "every request in the devtools page's log", timeoutMs: 120_000, intervalMs: 500 },
    );

    await win.showPanel('Empty');
    const empty: number[] = [];
    for (let i = 0; i < options.reloads; i++) {
      empty.push(
        await reloadAndRead<number>(
          win,
          '/empty.html',
          `performance.getEntriesByName(${JSON.stringify(EMPTY_MARK)})[0]?.startTime ?? null`,
        ),
      );
    }
    await win.showPanel();
    const own: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < options.reloads; i++) {
      const [start, row] = await reloadAndRead<[number, number]>(
        win,
        '/extension/panel/index.html',
        `(() => {
          const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
          const start = at(${JSON.stringify(PANEL_MARKS.start)});
          const row = at(${JSON.stringify(PANEL_MARKS.firstRow)});
          return start === undefined || row === undefined ? null : [start, row];
        })()`,
      );
      own.push(row - start);
      total.push(row);
    }
    return {
      rowLatencyMs,
      ownFirstPaintMs: median(own),
      totalFirstPaintMs: median(total),
      emptyPanelMs: median(empty),
      entries,
    };
  } finally {
    await win?.close();
    await ext.close();
    await site.close();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
