/**
 * The engine's Firefox reasons answer to Firefox: the corpus runs in Debian's firefox-esr, and for
 * every request Firefox blocked, the reason it gave in its console must be the one the engine
 * names, judged from the headers the servers logged — as corpus.test.ts does against Chrome.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FIREFOX_PREFLIGHT_CACHE } from '../../src/cors/preflight-cache.ts';
import { diagnose, type Verdict } from '../../src/index.ts';
import { type CorpusServers, startCorpusServers } from '../servers/corpus-servers.ts';
import { CACHE_GROUPS, MOZ_SCENARIOS } from '../servers/mochitests.ts';
import { ALL_SCENARIOS, type PageRequest, type Scenario, scenarioUrl } from '../servers/scenarios.ts';
import { exchangeFrom, pageFetch } from './corpus-runner.ts';
import { firefoxCorsError, type LaunchedFirefox, launchFirefox } from './firefox.ts';
import { runCacheGroup, stepLabel } from './mochitest-runner.ts';

/**
 * Where Firefox and Chrome really differ, and the engine follows Chrome (its verdicts are checked
 * against Chrome's CDP): kept as a list, so a new difference fails the test.
 */
const KNOWN_DIFFERENCES: Record<string, string> = {
  'redirect-to-data-url':
    'Firefox blocks it as a CORS failure (CORSDidNotSucceed); Chrome fails it as a network error (net::ERR_UNSAFE_REDIRECT).',
};

let servers: CorpusServers;
let firefox: LaunchedFirefox;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  servers = await startCorpusServers();
  firefox = await launchFirefox();
  page = await firefox.browser.newPage();
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.goto(servers.origins.page);
}, 60_000);

afterAll(async () => {
  await firefox?.close();
  await servers?.close();
});

/** Makes one request from the page; what Firefox answered, and the reason its console gave. */
interface FirefoxSaid {
  readonly passed: boolean;
  /** Its console's CORS reason, if any. */
  readonly reason: string | null;
  /** For failure messages. */
  readonly said: string;
}

async function firefoxFetch(url: string, request: PageRequest): Promise<FirefoxSaid> {
  errors.length = 0;
  const fetched = await page.evaluate(pageFetch, { url, request });
  const result = fetched.ok ? `ok ${fetched.status}` : String(fetched.error);
  // Page errors and the servers' 'finish' events land just after the fetch settles.
  // A beacon is sent after sendBeacon returns: give it longer.
  await new Promise((r) => setTimeout(r, request.beacon ? 500 : 60));
  const reasons = errors.map(firefoxCorsError).filter((e) => e !== null);
  // A preflight failure is followed by "CORS request did not succeed" for the request itself.
  const reason = (reasons.find((r) => r.reason !== 'CORSDidNotSucceed') ?? reasons[0])?.reason ?? null;
  // A beacon tells the page only that it was queued: Firefox's console says whether it was blocked.
  const passed = request.beacon ? reason === null : result.startsWith('ok');
  return { passed, reason, said: `Firefox ${result}, reason ${reason}` };
}

/** The engine's verdict on what Firefox did: blocked when it blocked, with Firefox's own reason. */
function expectFirefoxVerdict(
  verdict: Verdict,
  passed: boolean,
  reason: string | null,
  context: string,
): void {
  if (passed) {
    expect(verdict.blocked, context).toBe(false);
    return;
  }
  expect(verdict.blocked, context).toBe(true);
  // Blink-only refusals (mode "same-origin", no-cors with redirect "manual") have no CORS reason in Firefox either.
  if (reason !== null || verdict.firefoxReason !== null) expect(verdict.firefoxReason, context).toBe(reason);
}

async function runInFirefox(scenario: Scenario): Promise<boolean[]> {
  const url = scenarioUrl(scenario, servers.origins);
  const outcomes: boolean[] = [];
  for (let call = 0; call < (scenario.request.repeat ?? 1); call++) {
    const before = servers.log.forScenario(scenario.id).length;
    const { passed, said, reason } = await firefoxFetch(url, scenario.request);
    const verdict = diagnose(
      exchangeFrom(scenario, url, servers.origins, servers.log.forScenario(scenario.id).slice(before)),
    );
    const context = `${scenario.title} (call ${call + 1}): ${said}; engine ${verdict.corsError} / ${verdict.firefoxReason}`;
    outcomes.push(passed);
    if (KNOWN_DIFFERENCES[scenario.id]) {
      expect(passed, context).toBe(false);
      expect(verdict.blocked, context).toBe(false);
      continue;
    }
    expectFirefoxVerdict(verdict, passed, reason, context);
  }
  return outcomes;
}

describe('engine agrees with Firefox', () => {
  test.each(ALL_SCENARIOS.map((s) => [s.id, s] as const))('%s', async (_id, scenario: Scenario) => {
    await runInFirefox(scenario);
  });
});

/**
 * Rows where Firefox ESR, as installed, does not do what Firefox's own test expects: their test
 * runs with settings of its own, or depends on what this corpus cannot reproduce.
 */
const FIREFOX_PARTS_FROM_ITS_TABLES: Record<string, string> = {
  'moz-preflight-59':
    'Access-Control-Allow-Headers: * with Authorization: their test turns off network.cors_preflight.authorization_covered_by_wildcard; Firefox ESR as installed lets the wildcard cover it, as Chrome does.',
};

describe("Firefox's own CORS tables, in Firefox", () => {
  test.each(MOZ_SCENARIOS.map((s) => [s.id, s] as const))('%s', async (id, scenario) => {
    const passed = (await runInFirefox(scenario)).every(Boolean);
    expect(
      passed !== scenario.firefoxExpects,
      `${scenario.title}: Firefox ${passed ? 'passed' : 'failed'} it`,
    ).toBe(id in FIREFOX_PARTS_FROM_ITS_TABLES);
  });
});

/** Steps of the cache groups where Firefox ESR does not do what its own test expects. */
const FIREFOX_CACHE_PARTS: Record<string, string> = {};

describe("Firefox's preflight-cache groups, in Firefox", () => {
  test.each(CACHE_GROUPS.map((g) => [g.id, g] as const))(
    '%s',
    async (_id, group) => {
      const runs = await runCacheGroup(group, servers, FIREFOX_PREFLIGHT_CACHE, async (url, request) => {
        const r = await firefoxFetch(url, request);
        return { browser: r, passed: r.passed };
      });
      for (const run of runs) {
        const label = stepLabel(run);
        const context = `${label}: ${run.browser.said}; sent a preflight: ${!run.fromCache}`;
        expectFirefoxVerdict(diagnose(run.exchange), run.passed, run.browser.reason, context);
        if (run.needsPreflight)
          expect(run.fromCache, `${context}: Firefox's cache rules predicted otherwise`).toBe(
            run.predictedFromCache,
          );
        expect(
          run.passed !== (run.step.pass === 1),
          `${context}: its test expects ${run.step.pass ? 'a pass' : 'a failure'}`,
        ).toBe(label in FIREFOX_CACHE_PARTS);
      }
    },
    60_000,
  );
});
