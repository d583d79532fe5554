/**
 * Engine throughput: verdicts per second on one core, over exchanges built from the corpus's own
 * server answers.
 *
 * The engine is measured as it ships: bundled by Vite, as in the extension and the CLI (run from
 * source through tsx, every call between modules goes through a getter, which costs a quarter).
 * Two readings: the same exchange objects diagnosed again and again, and exchanges never seen
 * before (copies made outside the timed part), which is what live capture feeds the engine. The
 * machine's other work only ever slows a window down, so the figure is the best of several short
 * windows, with their median beside it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'vite';
import type * as Engine from '../../src/index.ts';
import type { Exchange } from '../../src/index.ts';
import { type HeaderPairs, type Origins, RAW_SCENARIOS } from '../servers/scenarios.ts';

const ORIGINS: Origins = {
  page: 'http://localhost:3000',
  api: 'http://127.0.0.1:8000',
  alt: 'http://localhost:8000',
  express: 'http://127.0.0.1:8001',
  pageAlt: 'http://127.0.0.1:3000',
  far: 'http://localhost:8001',
};

const lines = (pairs: HeaderPairs) => pairs.map(([name, value]) => ({ name, value }));

/** One exchange per raw corpus scenario, as its servers answer it. */
export function corpusExchanges(): Exchange[] {
  return RAW_SCENARIOS.flatMap((s): Exchange[] => {
    const [first, ...rest] = s.hops?.(ORIGINS) ?? [];
    if (!first) return [];
    return [
      {
        origin: ORIGINS.page,
        url: `${ORIGINS.api}/s/${s.id}`,
        method: s.request.method ?? 'GET',
        requestHeaders: lines(s.request.headers ?? []),
        credentials: s.request.credentials ?? 'same-origin',
        mode: s.request.mode ?? 'cors',
        preflight: first.preflight
          ? { status: first.preflight.status, headers: lines(first.preflight.headers) }
          : null,
        response: { status: first.response.status, headers: lines(first.response.headers) },
        redirects: rest.map((h) => ({
          response: { status: h.response.status, headers: lines(h.response.headers) },
        })),
      },
    ];
  });
}

/** The engine bundled the way the extension and the CLI bundle it. */
export async function bundledEngine(): Promise<typeof Engine> {
  const outDir = mkdtempSync(join(tmpdir(), 'cors-lens-engine-'));
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      publicDir: false,
      build: {
        outDir,
        emptyOutDir: true,
        target: 'node20',
        lib: {
          entry: resolve(import.meta.dirname, '../../src/index.ts'),
          formats: ['es'],
          fileName: 'engine',
        },
      },
    });
    return (await import(pathToFileURL(join(outDir, 'engine.js')).href)) as typeof Engine;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

export interface Throughput {
  /** Verdicts per second in the best window, and the median window. */
  readonly best: number;
  readonly median: number;
}

/** Diagnoses per second, timing only `diagnose`, in `windows` windows of about `windowMs` each. */
export function engineThroughput(
  engine: Pick<typeof Engine, 'diagnose'>,
  mode: 'repeated' | 'fresh',
  windows: number,
  windowMs: number,
): Throughput {
  const { diagnose } = engine;
  const exchanges = corpusExchanges();
  for (let i = 0; i < 50_000; i++) diagnose(exchanges[i % exchanges.length] as Exchange); // warm up
  const batch = 5_000;
  const rates: number[] = [];
  for (let w = 0; w < windows; w++) {
    let n = 0;
    let spent = 0;
    while (spent < windowMs) {
      const pool =
        mode === 'fresh'
          ? Array.from({ length: batch }, (_, i) =>
              structuredClone(exchanges[i % exchanges.length] as Exchange),
            )
          : exchanges;
      const start = performance.now();
      for (let i = 0; i < batch; i++) diagnose(pool[i % pool.length] as Exchange);
      spent += performance.now() - start;
      n += batch;
    }
    rates.push(n / (spent / 1000));
  }
  rates.sort((a, b) => a - b);
  return { best: rates.at(-1) ?? 0, median: rates[Math.floor(rates.length / 2)] ?? 0 };
}
