/**
 * A day of use, shortened: one tab navigating `pages` times, each page making `perPage` cross-origin
 * requests, DevTools open on it with the CORS panel shown — and the JS heaps of the extension's
 * DevTools frames (the devtools page and the panel) and of the worker, each after a garbage
 * collection, every `every` pages. Flat after the
 * warm-up means nothing keeps growing with the pages a tab has seen.
 */
import { DEVTOOLS_ARGS } from '../e2e/devtools-har.ts';
import { DEBUGGING_PORT_ARG, DevToolsWindow } from '../e2e/devtools-window.ts';
import { launchWithExtension } from '../e2e/extension.ts';
import { ReportClient } from '../e2e/report-client.ts';
import { waitUntil } from '../e2e/wait.ts';
import { listenLoopback } from '../servers/listen.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { workerHeapMB } from './heap.ts';
import { pageServer, workloadPage } from './workload.ts';

export interface HeapSample {
  readonly page: number;
  /**
   * The devtools page and the panel: DevTools runs an extension's frames in one renderer, one V8
   * isolate, so one heap holds both (each frame's reading is the same, measured).
   */
  readonly devtoolsMB: number;
  readonly workerMB: number;
}

export async function longSessionHeaps(options: {
  pages: number;
  perPage: number;
  every: number;
  log: (msg: string) => void;
}): Promise<HeapSample[]> {
  const api = await listenLoopback(policyHandler);
  const apiOrigin = `http://127.0.0.1:${api.port}`;
  const html = workloadPage(apiOrigin, options.perPage, 20, 0);
  const site = await listenLoopback(pageServer(() => html));
  const pageUrl = `http://localhost:${site.port}/`;
  const ext = await launchWithExtension([...DEVTOOLS_ARGS, DEBUGGING_PORT_ARG]);
  let win: DevToolsWindow | undefined;
  const samples: HeapSample[] = [];
  try {
    const client = await ReportClient.open(ext);
    const tab = await ext.context.newPage();
    await tab.goto(pageUrl);
    const tabId = await client.tabId(pageUrl);
    await client.captured(tabId, 'devtools');
    win = await DevToolsWindow.of(ext, pageUrl);
    await win.showPanel();
    const t0 = performance.now();
    for (let n = 1; n <= options.pages; n++) {
      await tab.goto(`${pageUrl}?page=${n}`);
      await tab.evaluate(
        (token) => (window as unknown as { run: (t: string) => Promise<void> }).run(token),
        `p${n}`,
      );
      if (n % options.every !== 0) continue;
      // The page's requests are in the worker's copy before the heaps are read.
      await waitUntil(
        () => client.status(tabId),
        (s) => s.entries >= options.perPage,
        { what: `page ${n}'s requests`, timeoutMs: 60_000, intervalMs: 200 },
      );
      samples.push({
        page: n,
        devtoolsMB: await win.heapMB('/extension/panel/index.html'),
        workerMB: await workerHeapMB(tab, ext.id),
      });
      const s = samples.at(-1) as HeapSample;
      options.log(
        `  page ${n}: devtools page + panel ${s.devtoolsMB} MB, worker ${s.workerMB} MB (${Math.round((performance.now() - t0) / 1000)} s)`,
      );
    }
    return samples;
  } finally {
    await win?.close();
    await ext.close();
    await site.close();
    await api.close();
  }
}
