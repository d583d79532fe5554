/**
 * `npm run bench`: the figures CORS Lens promises, measured on this machine. Prints a table, or
 * one JSON object with --json. Every loop is bounded. Options: --rounds N (CPU ratios, default 9),
 * --requests N (heap and storage, default 100000), --quick (small numbers, to try the script).
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright';
import { findChromium, launchChromium } from '../e2e/chromium.ts';
import { type LoadedExtension, launchWithExtension, workerFlushed, workerReady } from '../e2e/extension.ts';
import { ReportClient } from '../e2e/report-client.ts';
import { waitUntil } from '../e2e/wait.ts';
import { listenLoopback } from '../servers/listen.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { findBrowserPid, treeCpuMs } from './cpu.ts';
import { bundledEngine, engineThroughput } from './engine.ts';
import { pageServer, workloadPage } from './workload.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    requests: { type: 'string' },
    'skip-cpu': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const ROUNDS = Number(values.rounds ?? (quick ? 3 : 9));
const HEAP_REQUESTS = Number(values.requests ?? (quick ? 5000 : 100_000));
const log = (msg: string) => {
  if (!values.json) process.stderr.write(`${msg}\n`);
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

interface RunResult {
  cpuMs: number;
  wallMs: number;
}

/** One browser, one run of the workload; CPU of the whole process tree during the run. */
async function workloadRun(
  withExtension: boolean,
  hosts: { page: string; api: string },
  delayMs: number,
): Promise<RunResult> {
  const api = await listenLoopback(policyHandler);
  let html = '';
  const page = await listenLoopback(pageServer(() => html));
  const apiOrigin = `http://${hosts.api}:${api.port}`;
  html = workloadPage(apiOrigin, quick ? 100 : 400, 6, delayMs);
  const rules = ['--host-resolver-rules=MAP app.example 127.0.0.1, MAP api.example 127.0.0.1'];
  const browser = withExtension ? await launchWithExtension(rules) : await launchChromium({ args: rules });
  try {
    if (withExtension) {
      const ext = browser as LoadedExtension;
      await workerReady(ext);
    }
    const tab = await browser.context.newPage();
    await tab.goto(`http://${hosts.page}:${page.port}/`);
    if (withExtension) await new Promise((r) => setTimeout(r, 200)); // the tab's recording state settles
    const pid = findBrowserPid(browser.profile);
    const cpu0 = treeCpuMs(pid);
    const t0 = performance.now();
    await tab.evaluate(() => (window as unknown as { run: (t: string) => Promise<void> }).run('x'));
    const wallMs = performance.now() - t0;
    const cpuMs = treeCpuMs(pid) - cpu0;
    return { cpuMs, wallMs };
  } finally {
    await browser.close();
    await page.close();
    await api.close();
  }
}

/** Median ratio with/without the extension over alternating rounds. */
async function cpuRatio(name: string, hosts: { page: string; api: string }, delayMs: number) {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const extFirst = r % 2 === 0;
    const a = await workloadRun(extFirst, hosts, delayMs);
    const b = await workloadRun(!extFirst, hosts, delayMs);
    const [withExt, without] = extFirst ? [a, b] : [b, a];
    cpu.push(withExt.cpuMs / without.cpuMs);
    wall.push(withExt.wallMs / without.wallMs);
    log(
      `  ${name} round ${r + 1}/${ROUNDS}: cpu ×${round(withExt.cpuMs / without.cpuMs)} wall ×${round(withExt.wallMs / without.wallMs)}`,
    );
  }
  return { cpu: round(median(cpu)), wall: round(median(wall)) };
}

/** Heap of the extension's service worker, through a CDP session attached to its target. */
async function workerHeapMB(page: Page, extId: string): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find(
      (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extId}/`),
    );
    if (!target) throw new Error('no service worker target');
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });
    const reply = new Promise<number>((resolve) => {
      cdp.on('Target.receivedMessageFromTarget', (e) => {
        const msg = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } };
        if (msg.id === 2 && msg.result) resolve(msg.result.usedSize);
      });
    });
    // What the worker holds, not what the collector has yet to free: collect first (the reading
    // varied 25-39 MB between runs without it).
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }),
    });
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 2, method: 'Runtime.getHeapUsage' }),
    });
    const used = await reply;
    await cdp.send('Target.detachFromTarget', { sessionId });
    return round(used / 1024 / 1024, 1);
  } finally {
    await cdp.detach();
  }
}

/** Many captured requests in one tab, then the worker's heap and storage; the panel with 10,000 rows. */
async function captureFigures() {
  const api = await listenLoopback(policyHandler);
  let html = '';
  const page = await listenLoopback(pageServer(() => html));
  const apiOrigin = `http://127.0.0.1:${api.port}`;
  const ext = await launchWithExtension();
  try {
    const client = await ReportClient.open(ext);
    // From a request failing to its row in the open panel (default ring), before the big run.
    const panel = await ext.context.newPage();
    const second = await ext.context.newPage();
    await second.goto(`http://localhost:${page.port}/?latency`);
    const secondId = await client.tabId(`http://localhost:${page.port}/?latency`);
    await waitUntil(
      () => client.status(secondId),
      (s) => s.armed && s.recording,
      { what: 'second tab' },
    );
    await panel.goto(ext.url(`extension/panel/index.html?tabId=${secondId}`));
    await panel.getByLabel('Filter requests').fill('/lat/');
    const latencies: number[] = [];
    const samples = quick ? 10 : 40;
    for (let i = 0; i < samples; i++) {
      const url = `${apiOrigin}/lat/${i}?blocked=1`;
      // The policy server allows Content-Type only: X-Trace makes the preflight fail.
      const failedAt = await second.evaluate(
        (u) =>
          fetch(u, { headers: { 'X-Trace': '1' } }).then(
            () => Date.now(),
            () => Date.now(),
          ),
        url,
      );
      // Polled every few ms from the panel itself: the time its row is in the DOM.
      const shownAt = await waitUntil(
        () =>
          panel.evaluate(
            (u) =>
              [...document.querySelectorAll('[role="option"]')].some((row) => row.getAttribute('title') === u)
                ? Date.now()
                : null,
            url,
          ),
        (t) => t !== null,
        { intervalMs: 2, what: 'the row', timeoutMs: 30_000 },
      ).catch(async (err) => {
        log(`panel shows: ${(await panel.locator('body').textContent())?.slice(0, 400)}`);
        log(
          JSON.stringify((await client.report(secondId)).entries.map((e) => [e.url, e.state])).slice(0, 400),
        );
        throw err;
      });
      latencies.push(Math.max(0, (shownAt as number) - failedAt));
    }
    await client.settings({ ringSize: 10_000 });
    const tab = await ext.context.newPage();
    html = workloadPage(apiOrigin, HEAP_REQUESTS, 50, 0);
    await tab.goto(`http://localhost:${page.port}/?workload`);
    const tabId = await client.tabId(`http://localhost:${page.port}/?workload`);
    await waitUntil(
      () => client.status(tabId),
      (s) => s.armed,
      { what: 'capture' },
    );
    const t0 = performance.now();
    await tab.evaluate(() => (window as unknown as { run: (t: string) => Promise<void> }).run('heap'));
    log(`  ${HEAP_REQUESTS} requests in ${round((performance.now() - t0) / 1000, 1)} s`);
    await waitUntil(
      () => client.report(tabId),
      (r) => r.entries.every((e) => e.state !== 'pending'),
      { timeoutMs: 60_000, what: 'settled' },
    );
    await workerFlushed(ext);
    const heap = await workerHeapMB(tab, ext.id);
    const storageBytes = await client.page.evaluate(() => chrome.storage.session.getBytesInUse(null));
    const status = await client.status(tabId);

    // First paint of the panel with the ring full: from navigation to the first row in the DOM,
    // timed in the page itself (a MutationObserver set up before any script of the panel runs),
    // so Playwright's own polling is not counted.
    await panel.addInitScript(() => {
      const w = window as unknown as { firstRowAt?: number };
      new MutationObserver((_, observer) => {
        if (document.querySelector('[role="option"]')) {
          w.firstRowAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    const paints: number[] = [];
    for (let i = 0; i < 3; i++) {
      await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
      await panel.waitForSelector('[role="listbox"] [role="option"]', { timeout: 30_000 });
      paints.push(await panel.evaluate(() => (window as unknown as { firstRowAt: number }).firstRowAt));
    }

    return {
      workerHeapMB: heap,
      storageBytes,
      ringEntries: status.entries,
      dropped: status.dropped,
      panelFirstPaintMs: round(median(paints), 0),
      verdictLatencyP95Ms: round(percentile(latencies, 95), 0),
    };
  } finally {
    await ext.close();
    await page.close();
    await api.close();
  }
}

/** A figure with the target it answers to; `null` when the figure has none. */
interface Figure {
  readonly name: string;
  readonly value: number;
  readonly shown: string;
  readonly target: { readonly op: '≥' | '≤'; readonly limit: number; readonly label: string } | null;
}

function met(f: Figure): boolean | null {
  if (!f.target || Number.isNaN(f.value)) return null;
  return f.target.op === '≥' ? f.value >= f.target.limit : f.value <= f.target.limit;
}

async function main() {
  const chromium = execFileSync(findChromium(), ['--version'], { encoding: 'utf8' }).trim();
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    chromium,
  };
  log('engine (bundled as it ships)…');
  const engine = await bundledEngine();
  const windows = quick ? 3 : 10;
  const repeated = engineThroughput(engine, 'repeated', windows, quick ? 150 : 300);
  const fresh = engineThroughput(engine, 'fresh', windows, quick ? 150 : 300);
  const skipped = { cpu: Number.NaN, wall: Number.NaN };
  const skipCpu = values['skip-cpu'];
  log('idle (page and API on non-development hosts, no tab recording)…');
  const idle = skipCpu ? skipped : await cpuRatio('idle', { page: 'app.example', api: 'api.example' }, 0);
  log('recording (page on localhost)…');
  const recording = skipCpu
    ? skipped
    : await cpuRatio('recording', { page: 'localhost', api: '127.0.0.1' }, 0);
  log('recording, API answering after 20 ms…');
  const latency = skipCpu
    ? skipped
    : await cpuRatio('recording+20ms', { page: 'localhost', api: '127.0.0.1' }, 20);
  log(`${HEAP_REQUESTS} captured requests…`);
  const capture = await captureFigures();
  const perSec = (x: number) => Math.round(x).toLocaleString('en');
  const figures: Figure[] = [
    {
      name: 'engineDiagnosesPerSec (best window; median)',
      value: Math.round(repeated.best),
      shown: `${perSec(repeated.best)} (${perSec(repeated.median)})`,
      target: { op: '≥', limit: 1_000_000, label: '≥ 1,000,000' },
    },
    {
      name: 'engineDiagnosesPerSec, exchanges never seen before (best; median)',
      value: Math.round(fresh.best),
      shown: `${perSec(fresh.best)} (${perSec(fresh.median)})`,
      target: null,
    },
    {
      name: 'idleCpuRatio (wall)',
      value: idle.cpu,
      shown: `${idle.cpu} (${idle.wall})`,
      target: { op: '≤', limit: 1.05, label: '≤ 1.05' },
    },
    {
      name: 'recordingCpuRatio (wall)',
      value: recording.cpu,
      shown: `${recording.cpu} (${recording.wall})`,
      target: { op: '≤', limit: 1.5, label: '≤ 1.50' },
    },
    {
      name: 'recording, API +20 ms: wall (cpu)',
      value: latency.wall,
      shown: `${latency.wall} (${latency.cpu})`,
      target: null,
    },
    {
      name: `workerHeapMB after ${HEAP_REQUESTS.toLocaleString('en')} requests`,
      value: capture.workerHeapMB,
      shown: String(capture.workerHeapMB),
      target: { op: '≤', limit: 32, label: '≤ 32' },
    },
    {
      name: 'storageBytes (ring of 10,000)',
      value: capture.storageBytes,
      shown: capture.storageBytes.toLocaleString('en'),
      target: { op: '≤', limit: 10 * 1024 * 1024, label: '≤ 10 MB quota' },
    },
    {
      name: 'panelFirstPaintMs, 10,000 entries',
      value: capture.panelFirstPaintMs,
      shown: String(capture.panelFirstPaintMs),
      target: { op: '≤', limit: 150, label: '≤ 150' },
    },
    {
      name: 'verdictLatencyP95Ms',
      value: capture.verdictLatencyP95Ms,
      shown: String(capture.verdictLatencyP95Ms),
      target: { op: '≤', limit: 100, label: '≤ 100' },
    },
  ];
  if (values.json) {
    console.log(
      JSON.stringify({
        machine,
        rounds: ROUNDS,
        capturedRequests: HEAP_REQUESTS,
        ringEntries: capture.ringEntries,
        dropped: capture.dropped,
        figures: figures.map((f) => ({
          name: f.name,
          value: f.value,
          target: f.target?.label ?? null,
          met: met(f),
        })),
      }),
    );
    return;
  }
  console.log(
    `CORS Lens benchmarks — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${chromium}, ${ROUNDS} rounds\n`,
  );
  console.log('| figure | value | target | |\n|---|---|---|---|');
  for (const f of figures) {
    const verdict = met(f);
    const word = verdict === null ? '' : verdict ? 'met' : 'missed';
    console.log(`| ${f.name} | ${f.shown} | ${f.target?.label ?? ''} | ${word} |`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
