/**
 * `npm run bench`: the figures CORS Lens promises, measured on this machine. Prints a table, or
 * one JSON object with --json. Every loop is bounded. Options: --rounds N (CPU ratios, default 9),
 * --requests N (heap and storage, default 100000), --quick (small numbers, to try the script),
 * --devtools-cpu (only the CPU ratios with DevTools closed and open: to compare two builds),
 * --long-session (only the heaps over 100 pages × 300 requests with DevTools open).
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright';
import { findChromium, launchChromium } from '../e2e/chromium.ts';
import { DEVTOOLS_ARGS, DevToolsHar } from '../e2e/devtools-har.ts';
import { type LoadedExtension, launchWithExtension, workerFlushed, workerReady } from '../e2e/extension.ts';
import { openRecordingTab, ReportClient } from '../e2e/report-client.ts';
import { waitUntil } from '../e2e/wait.ts';
import { requestsWithWorkerStops, type StopsResult } from '../e2e/worker-stops.ts';
import { listenLoopback } from '../servers/listen.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { findBrowserPid, treeCpuMs } from './cpu.ts';
import { devtoolsFigures } from './devtools.ts';
import { bundledEngine, engineThroughput } from './engine.ts';
import { workerHeapMB } from './heap.ts';
import { longSessionHeaps } from './long-session.ts';
import { pageServer, workloadPage } from './workload.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    requests: { type: 'string' },
    'skip-cpu': { type: 'boolean', default: false },
    'devtools-cpu': { type: 'boolean', default: false },
    'long-session': { type: 'boolean', default: false },
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

/**
 * How the tab is watched: `idle` (the extension's default with DevTools closed), `record` (the
 * popup's Record: webRequest capture), `devtools` (DevTools open on the tab — on both sides).
 */
type Mode = 'idle' | 'record' | 'devtools';

/** One browser, one run of the workload; CPU of the whole process tree during the run. */
async function workloadRun(
  withExtension: boolean,
  hosts: { page: string; api: string },
  delayMs: number,
  mode: Mode,
): Promise<RunResult> {
  const api = await listenLoopback(policyHandler);
  let html = '';
  const page = await listenLoopback(pageServer(() => html));
  const apiOrigin = `http://${hosts.api}:${api.port}`;
  html = workloadPage(apiOrigin, quick ? 100 : 400, 6, delayMs);
  const args = ['--host-resolver-rules=MAP app.example 127.0.0.1, MAP api.example 127.0.0.1'];
  if (mode === 'devtools') args.push(...DEVTOOLS_ARGS);
  const browser = withExtension ? await launchWithExtension(args) : await launchChromium({ args });
  try {
    const ext = withExtension ? (browser as LoadedExtension) : null;
    if (ext) await workerReady(ext);
    const tab = await browser.context.newPage();
    const url = `http://${hosts.page}:${page.port}/`;
    await tab.goto(url);
    // DevTools booted and recording, on both sides.
    if (mode === 'devtools') await DevToolsHar.attach(tab);
    if (ext && mode !== 'idle') {
      const client = await ReportClient.open(ext);
      const tabId = await client.tabId(url);
      if (mode === 'record') await client.record(tabId, true);
      await waitUntil(
        () => client.status(tabId),
        (s) =>
          s.capture === (mode === 'record' ? 'webrequest' : 'devtools') && s.armed === (mode === 'record'),
        { what: `${mode} capture of the tab`, timeoutMs: 30_000 },
      );
      await client.page.close(); // its own DevTools window too, with --auto-open-devtools-for-tabs
    }
    await new Promise((r) => setTimeout(r, 500)); // both sides settle alike
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
async function cpuRatio(name: string, hosts: { page: string; api: string }, delayMs: number, mode: Mode) {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const extFirst = r % 2 === 0;
    const a = await workloadRun(extFirst, hosts, delayMs, mode);
    const b = await workloadRun(!extFirst, hosts, delayMs, mode);
    const [withExt, without] = extFirst ? [a, b] : [b, a];
    cpu.push(withExt.cpuMs / without.cpuMs);
    wall.push(withExt.wallMs / without.wallMs);
    log(
      `  ${name} round ${r + 1}/${ROUNDS}: cpu ×${round(withExt.cpuMs / without.cpuMs)} wall ×${round(withExt.wallMs / without.wallMs)}`,
    );
  }
  return { cpu: round(median(cpu)), wall: round(median(wall)) };
}

/** Many requests recorded through webRequest in one tab (ring of 10,000), then the worker's heap and storage. */
async function captureFigures() {
  const api = await listenLoopback(policyHandler);
  let html = '';
  const page = await listenLoopback(pageServer(() => html));
  const apiOrigin = `http://127.0.0.1:${api.port}`;
  const ext = await launchWithExtension();
  try {
    const client = await ReportClient.open(ext);
    await client.settings({ ringSize: 10_000 });
    html = workloadPage(apiOrigin, HEAP_REQUESTS, 50, 0);
    const { page: tab, tabId } = await openRecordingTab(
      ext,
      client,
      `http://localhost:${page.port}/?workload`,
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
    return { workerHeapMB: heap, storageBytes, ringEntries: status.entries, dropped: status.dropped };
  } finally {
    await ext.close();
    await page.close();
    await api.close();
  }
}

/** The worker stopped ten times during 2,000 requests, with DevTools open on the tab or recording through webRequest. */
async function workerStopFigures(mode: 'devtools' | 'record'): Promise<StopsResult> {
  const api = await listenLoopback(policyHandler);
  const site = await listenLoopback(pageServer(() => '<!doctype html><title>stops</title>'));
  const ext = await launchWithExtension(mode === 'devtools' ? [...DEVTOOLS_ARGS] : []);
  try {
    const client = await ReportClient.open(ext);
    await client.settings({ ringSize: 5000 });
    const url = `http://localhost:${site.port}/`;
    let page: Page;
    let tabId: number;
    if (mode === 'record') ({ page, tabId } = await openRecordingTab(ext, client, url));
    else {
      page = await ext.context.newPage();
      await page.goto(url);
      tabId = await client.tabId(url);
      await client.captured(tabId, 'devtools');
    }
    return await requestsWithWorkerStops(ext, client, page, tabId, `http://127.0.0.1:${api.port}/stops/`, {
      requests: quick ? 500 : 2000,
    });
  } finally {
    await ext.close();
    await site.close();
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
  if (values['long-session']) {
    const pages = quick ? 20 : 100;
    const perPage = quick ? 100 : 300;
    log(`a long session: ${pages} pages × ${perPage} requests, DevTools open, the panel shown…`);
    const heaps = await longSessionHeaps({ pages, perPage, every: 10, log });
    process.stdout.write(`${JSON.stringify({ machine, heaps })}\n`);
    return;
  }
  log('engine (bundled as it ships)…');
  const engine = await bundledEngine();
  const windows = quick ? 3 : 10;
  const repeated = engineThroughput(engine, 'repeated', windows, quick ? 150 : 300);
  const fresh = engineThroughput(engine, 'fresh', windows, quick ? 150 : 300);
  const skipped = { cpu: Number.NaN, wall: Number.NaN };
  const skipCpu = values['skip-cpu'];
  const localhost = { page: 'localhost', api: '127.0.0.1' };
  log('idle (a localhost page, DevTools closed, default settings: nothing records)…');
  const idle = skipCpu ? skipped : await cpuRatio('idle', localhost, 0, 'idle');
  log('DevTools open on the tab, on both sides (the extension reads its network log)…');
  const devtoolsOpen = skipCpu ? skipped : await cpuRatio('devtools', localhost, 0, 'devtools');
  if (values['devtools-cpu']) {
    process.stdout.write(`${JSON.stringify({ machine, idle, devtoolsOpen })}\n`);
    return;
  }
  log('recording through webRequest (the popup’s Record)…');
  const recording = skipCpu ? skipped : await cpuRatio('recording', localhost, 0, 'record');
  log('recording, API answering after 20 ms…');
  const latency = skipCpu ? skipped : await cpuRatio('recording+20ms', localhost, 20, 'record');
  log('DevTools: new request → row, and first paint with 10,000 requests…');
  const devtools = await devtoolsFigures({
    requests: quick ? 2000 : 10_000,
    samples: quick ? 10 : 40,
    reloads: quick ? 3 : 5,
    log,
  });
  log('the worker stopped ten times during 2,000 requests: DevTools open…');
  const stopsDevTools = await workerStopFigures('devtools');
  log('… and recording through webRequest…');
  const stopsRecord = await workerStopFigures('record');
  log(`${HEAP_REQUESTS} requests recorded through webRequest…`);
  const capture = await captureFigures();
  const session = { pages: quick ? 20 : 100, perPage: quick ? 100 : 300 };
  log(
    `a long session: ${session.pages} pages × ${session.perPage} requests, DevTools open, the panel shown…`,
  );
  const heaps = await longSessionHeaps({ ...session, every: 10, log });
  const perSec = (x: number) => Math.round(x).toLocaleString('en');
  const kept = (r: StopsResult) => round((100 * (r.seen - r.missing - r.unfinished)) / r.seen, 2);
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
      name: 'idleCpuRatio, localhost page, DevTools closed (wall)',
      value: idle.cpu,
      shown: `${idle.cpu} (${idle.wall})`,
      target: { op: '≤', limit: 1.05, label: '≤ 1.05' },
    },
    {
      name: 'devtoolsCpuRatio, DevTools open on both sides (wall)',
      value: devtoolsOpen.cpu,
      shown: `${devtoolsOpen.cpu} (${devtoolsOpen.wall})`,
      target: { op: '≤', limit: 1.05, label: '≤ 1.05' },
    },
    {
      name: 'recordingCpuRatio, webRequest (wall)',
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
      name: 'DevTools: new request → row, p95 ms',
      value: round(percentile([...devtools.rowLatencyMs], 95), 0),
      shown: `${round(percentile([...devtools.rowLatencyMs], 95), 0)} (median ${round(median([...devtools.rowLatencyMs]), 0)}, ${devtools.rowLatencyMs.length} requests)`,
      target: { op: '≤', limit: 50, label: '≤ 50' },
    },
    {
      name: `DevTools: panel first paint, own ms (script start → first row), ${devtools.entries.toLocaleString('en')} requests`,
      value: round(devtools.ownFirstPaintMs, 0),
      shown: String(round(devtools.ownFirstPaintMs, 0)),
      target: { op: '≤', limit: 50, label: '≤ 50' },
    },
    {
      name: 'DevTools: panel first paint, total ms beyond an empty panel (total; empty)',
      value: round(devtools.totalFirstPaintMs - devtools.emptyPanelMs, 0),
      shown: `${round(devtools.totalFirstPaintMs - devtools.emptyPanelMs, 0)} (${round(devtools.totalFirstPaintMs, 0)}; ${round(devtools.emptyPanelMs, 0)})`,
      target: { op: '≤', limit: 100, label: '≤ 100' },
    },
    {
      name: `worker stopped 10× during ${stopsDevTools.seen.toLocaleString('en')} requests, DevTools open: lost`,
      value: stopsDevTools.missing + stopsDevTools.unfinished,
      shown: String(stopsDevTools.missing + stopsDevTools.unfinished),
      target: { op: '≤', limit: 0, label: '0' },
    },
    {
      name: `worker stopped 10× during ${stopsRecord.seen.toLocaleString('en')} requests, webRequest: % captured`,
      value: kept(stopsRecord),
      shown: `${kept(stopsRecord)} (${stopsRecord.missing} missing, ${stopsRecord.unfinished} unfinished)`,
      target: { op: '≥', limit: 99.5, label: '≥ 99.5' },
    },
    {
      name: `workerHeapMB after ${HEAP_REQUESTS.toLocaleString('en')} requests`,
      value: capture.workerHeapMB,
      shown: String(capture.workerHeapMB),
      target: { op: '≤', limit: 32, label: '≤ 32' },
    },
    ...(['devtoolsMB', 'workerMB'] as const).flatMap((k): Figure[] => {
      // The first sample is the warm-up (unless there is no other); the targets are on the rest.
      const rest = (heaps.length > 1 ? heaps.slice(1) : heaps).map((h) => h[k]);
      const what = k === 'devtoolsMB' ? 'devtools page + panel (one isolate)' : 'worker';
      const growth = round((rest.at(-1) ?? 0) - (rest[0] ?? 0), 1);
      return [
        {
          name: `${what} heap MB, ${session.pages} pages × ${session.perPage} requests, after GC every 10 pages`,
          value: Math.max(...rest),
          shown: heaps.map((h) => h[k]).join(' → '),
          target: { op: '≤', limit: 64, label: '≤ 64' },
        },
        {
          name: `${what} heap growth after the warm-up, MB (flat)`,
          value: growth,
          shown: String(growth),
          target: { op: '≤', limit: 2, label: '≤ 2' },
        },
      ];
    }),
    {
      name: 'storageBytes (ring of 10,000)',
      value: capture.storageBytes,
      shown: capture.storageBytes.toLocaleString('en'),
      target: { op: '≤', limit: 10 * 1024 * 1024, label: '≤ 10 MB quota' },
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
