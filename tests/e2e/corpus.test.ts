/**
 * The engine answers to Chrome: every corpus scenario runs in real Chromium against real servers,
 * and the engine's verdict — computed from the headers the servers logged — must name the same
 * CorsError and failedParameter that Chrome reports over CDP, or "allowed" where Chrome allowed.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROME_PREFLIGHT_CACHE } from '../../src/cors/preflight-cache.ts';
import { diagnose, type Verdict } from '../../src/index.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { CACHE_GROUPS, MOZ_SCENARIOS } from '../servers/mochitests.ts';
import { ALL_SCENARIOS, type Scenario } from '../servers/scenarios.ts';
import type { LaunchedBrowser } from './chromium.ts';
import {
  type CallResult,
  type ChromeVerdict,
  fetchFromPage,
  type NetworkWatcher,
  openCorpusPage,
  runScenario,
} from './corpus-runner.ts';
import { runCacheGroup, stepLabel } from './mochitest-runner.ts';

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

/** The engine's verdict on each call must be Chrome's. */
function expectChromeVerdicts(scenario: Scenario, calls: readonly CallResult[]): void {
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
      expectChromeBlock(verdict, chrome, context);
    } else {
      expect(verdict.blocked, `${context}; engine said ${verdict.corsError}`).toBe(false);
      // A repeated preflighted request must really have come from the preflight cache.
      if (call > 0 && scenario.request.repeat) expect(verdict.preflight.cached, context).toBe(true);
      expect(verdict.outcome, context).toBe(
        chrome.errorText === null ? (exchange.mode === 'no-cors' ? 'not-cors' : 'allowed') : 'network-error',
      );
    }
  }
}

function expectChromeBlock(verdict: Verdict, chrome: ChromeVerdict, context: string): void {
  const missing = verdict.culprit?.missing ?? [];
  if (missing.length > 1) {
    // Several headers missing: Chrome names one in its hash-map order; we must list it among them.
    expect(verdict.corsError, context).toBe(chrome.corsError);
    expect(missing, context).toContain(chrome.failedParameter);
  } else {
    expect({ corsError: verdict.corsError, failedParameter: verdict.failedParameter }, context).toEqual({
      corsError: chrome.corsError,
      failedParameter: chrome.failedParameter,
    });
  }
  expect(verdict.blocked, context).toBe(true);
}

describe('engine agrees with Chromium', () => {
  test.each(ALL_SCENARIOS.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    expectChromeVerdicts(scenario, await runScenario(page, watcher, scenario, servers.origins, servers.log));
  });
});

/**
 * Where Chrome does not do what Firefox's own tests expect, row by row: kept as a list, so a new
 * difference fails the test and the list says what a Chrome user sees.
 */
const CHROME_PARTS_FROM_FIREFOX_TABLES: Record<string, string> = {
  'moz-preflight-19':
    'A User-Agent the page sets: Chrome does not send it (so no preflight, and the request passes); Firefox sends it and needs it allowed.',
  'moz-preflight-59':
    'Access-Control-Allow-Headers: * with Authorization: Chrome lets the wildcard cover it; their test turns off the Firefox setting that does the same (network.cors_preflight.authorization_covered_by_wildcard).',
};

describe("Firefox's CORS tables, in Chromium", () => {
  test.each(MOZ_SCENARIOS.map((s) => [s.id, s] as const))('%s', async (id, scenario) => {
    const calls = await runScenario(page, watcher, scenario, servers.origins, servers.log);
    expectChromeVerdicts(scenario, calls);
    const passed = calls.every(
      (c) => !c.chrome.blocked && !c.chrome.neverSent && c.chrome.errorText === null,
    );
    expect(
      passed !== scenario.firefoxExpects,
      `${scenario.title}: Chrome ${passed ? 'passed' : 'failed'} it`,
    ).toBe(id in CHROME_PARTS_FROM_FIREFOX_TABLES);
  });
});

/** Steps of Firefox's cache groups where Chrome's cache does not do what Firefox's test expects. */
const CHROME_CACHE_PARTS: Record<string, string> = {
  'moz-cache-6#2 GET x-my-header':
    'Access-Control-Max-Age "3600 3" is not a number: Chrome still keeps the answer 5 s, Firefox not at all.',
  'moz-cache-7#2 GET x-my-header': 'Access-Control-Max-Age "asdf": as above.',
  'moz-cache-8#4 GET second-header':
    "Chrome keeps one answer per URL: third-header's (2 s) replaced second-header's (1 h), so after 2 s second-header needs a new preflight, which the server refuses.",
  'moz-cache-9#4 GET second-header': 'As above.',
  'moz-cache-14#4 COPY': "The same with methods: MOVE's answer (2 s) replaced COPY's (1 h).",
  'moz-cache-15#4 COPY': 'As above.',
  'moz-cache-18#4 GET x-my-header':
    "A simple request failing its CORS check does not clear Chrome's cached answer for the URL; it clears Firefox's.",
  'moz-cache-21#4 DELETE': 'As above.',
  'moz-cache-22#3 GET x-my-header':
    'Chrome serves a request without credentials from an answer cached for one with them; Firefox keeps the two apart.',
  'moz-cache-23#4 GET x-my-header credentials':
    'One answer per URL: the uncredentialed y-my-header preflight replaced the credentialed x-my-header answer, so Chrome asks again and the server refuses.',
  'moz-cache-23#5 GET x-my-header credentials':
    'As above, after the pause: the refused preflight left nothing cached.',
};

describe("Firefox's preflight-cache groups, in Chromium", () => {
  test.each(CACHE_GROUPS.map((g) => [g.id, g] as const))(
    '%s',
    async (_id, group) => {
      const runs = await runCacheGroup(group, servers, CHROME_PREFLIGHT_CACHE, async (url, request) => {
        const before = watcher.known();
        const result = await fetchFromPage(page, url, request);
        const chrome = await watcher.verdictFor(url, before);
        return { browser: { chrome, result }, passed: !chrome.blocked && chrome.errorText === null };
      });
      for (const run of runs) {
        const label = stepLabel(run);
        const context = `${label}: Chrome ${JSON.stringify(run.browser.chrome)}; sent a preflight: ${!run.fromCache}`;
        const verdict = diagnose(run.exchange);
        if (run.browser.chrome.blocked) expectChromeBlock(verdict, run.browser.chrome, context);
        else expect(verdict.blocked, `${context}; engine said ${verdict.corsError}`).toBe(false);
        if (run.needsPreflight) {
          expect(run.fromCache, `${context}: Chrome's cache rules predicted otherwise`).toBe(
            run.predictedFromCache,
          );
          if (run.fromCache) expect(verdict.preflight.cached, context).toBe(true);
        }
        expect(
          run.passed !== (run.step.pass === 1),
          `${context}: Firefox's test expects ${run.step.pass ? 'a pass' : 'a failure'}`,
        ).toBe(label in CHROME_CACHE_PARTS);
      }
    },
    60_000,
  );
});
