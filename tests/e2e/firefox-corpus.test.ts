/**
 * The engine's Firefox reasons answer to Firefox: the corpus runs in Debian's firefox-esr, and for
 * every request Firefox blocked, the reason it gave in its console must be the one the engine
 * names, judged from the headers the servers logged — as corpus.test.ts does against Chrome.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { diagnose } from '../../src/index.ts';
import { type CorpusServers, startCorpusServers } from '../servers/corpus-servers.ts';
import { ALL_SCENARIOS, type Scenario, scenarioUrl } from '../servers/scenarios.ts';
import { exchangeFrom, pageFetch } from './corpus-runner.ts';
import { firefoxCorsError, type LaunchedFirefox, launchFirefox } from './firefox.ts';

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

describe('engine agrees with Firefox', () => {
  test.each(ALL_SCENARIOS.map((s) => [s.id, s] as const))('%s', async (id, scenario: Scenario) => {
    const url = scenarioUrl(scenario, servers.origins);
    for (let call = 0; call < (scenario.request.repeat ?? 1); call++) {
      errors.length = 0;
      const before = servers.log.forScenario(id).length;
      const fetched = await page.evaluate(pageFetch, { url, request: scenario.request });
      const result = fetched.ok ? `ok ${fetched.status}` : String(fetched.error);
      // Page errors and the servers' 'finish' events land just after the fetch settles.
      // A beacon is sent after sendBeacon returns: give it longer.
      await new Promise((r) => setTimeout(r, scenario.request.beacon ? 500 : 60));
      const verdict = diagnose(
        exchangeFrom(scenario, url, servers.origins, servers.log.forScenario(id).slice(before)),
      );
      const reasons = errors.map(firefoxCorsError).filter((e) => e !== null);
      // A preflight failure is followed by "CORS request did not succeed" for the request itself.
      const reason = (reasons.find((r) => r.reason !== 'CORSDidNotSucceed') ?? reasons[0])?.reason ?? null;
      const context = `${scenario.title} (call ${call + 1}): Firefox ${result}, reason ${reason}; engine ${verdict.corsError} / ${verdict.firefoxReason}`;
      // A beacon tells the page only that it was queued: Firefox's console says whether it was blocked.
      const passed = scenario.request.beacon ? reason === null : result.startsWith('ok');
      if (KNOWN_DIFFERENCES[id]) {
        expect(passed, context).toBe(false);
        expect(verdict.blocked, context).toBe(false);
        continue;
      }
      if (passed) {
        expect(verdict.blocked, context).toBe(false);
        continue;
      }
      expect(verdict.blocked, context).toBe(true);
      // Blink-only refusals (mode "same-origin", no-cors with redirect "manual") have no CORS reason in Firefox either.
      if (reason !== null || verdict.firefoxReason !== null)
        expect(verdict.firefoxReason, context).toBe(reason);
    }
  });
});
