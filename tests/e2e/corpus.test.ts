/**
 * The engine answers to Chrome: every corpus scenario runs in real Chromium against real servers,
 * and the engine's verdict — computed from the headers the servers logged — must name the same
 * CorsError and failedParameter that Chrome reports over CDP, or "allowed" where Chrome allowed.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { diagnose } from '../../src/index.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { ALL_SCENARIOS } from '../servers/scenarios.ts';
import type { LaunchedBrowser } from './chromium.ts';
import { type CallResult, type NetworkWatcher, openCorpusPage, runScenario } from './corpus-runner.ts';

let servers: CorpusServers;
let browser: LaunchedBrowser;
let page: Page;
let watcher: NetworkWatcher;
const observed: { id: string; call: number; chrome: CallResult['chrome']; engine: string | null }[] = [];

beforeAll(async () => {
  ({ servers, browser, page, watcher } = await openCorpusPage());
});

afterAll(async () => {
  await browser?.close();
  await servers?.close();
  if (process.env.CORPUS_REPORT) writeFileSync(process.env.CORPUS_REPORT, JSON.stringify(observed, null, 2));
});

describe('engine agrees with Chromium', () => {
  test.each(ALL_SCENARIOS.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const calls = await runScenario(page, watcher, scenario, servers.origins, servers.log);
    for (const { chrome, exchange, call, page: pageResult } of calls) {
      const verdict = diagnose(exchange);
      observed.push({ id: scenario.id, call, chrome, engine: verdict.corsError });
      const context = `${scenario.title} (call ${call + 1}); page saw ${JSON.stringify(pageResult)}; chrome ${JSON.stringify(chrome)}`;
      if (chrome.neverSent) {
        // Blink refused it before the network: the page got a TypeError and no server saw anything.
        expect(pageResult.ok, context).toBe(false);
        expect(exchange.preflight ?? exchange.response ?? null, context).toBeNull();
        expect(verdict.blocked, context).toBe(true);
        expect(verdict.stage, context).toBe('request');
      } else if (chrome.blocked) {
        const missing = verdict.culprit?.missing ?? [];
        if (missing.length > 1) {
          // Several headers missing: Chrome names one in its hash-map order; we must list it among them.
          expect(verdict.corsError, context).toBe(chrome.corsError);
          expect(missing, context).toContain(chrome.failedParameter);
        } else {
          expect({ corsError: verdict.corsError, failedParameter: verdict.failedParameter }, context).toEqual(
            {
              corsError: chrome.corsError,
              failedParameter: chrome.failedParameter,
            },
          );
        }
        expect(verdict.blocked).toBe(true);
      } else {
        expect(verdict.blocked, `${context}; engine said ${verdict.corsError}`).toBe(false);
        // A repeated preflighted request must really have come from the preflight cache.
        if (call > 0 && scenario.request.repeat) expect(verdict.preflight.cached, context).toBe(true);
        expect(verdict.outcome, context).toBe(
          chrome.errorText === null
            ? exchange.mode === 'no-cors'
              ? 'not-cors'
              : 'allowed'
            : 'network-error',
        );
      }
    }
  });
});
