/**
 * Runs Firefox's preflight-cache groups (tests/servers/mochitests.ts) in a real browser, one step
 * at a time on the group's one URL, and checks each browser's cache against the rules CORS Lens
 * keeps for it: before each step the rules predict whether the browser will reuse a cached answer
 * or send a preflight, and the servers' log says which it did.
 */

import {
  type CacheEvent,
  cachedAnswerOf,
  cacheQueryOf,
  type PreflightCacheRules,
  servedBy,
} from '../../src/cors/preflight-cache.ts';
import { preflightReasons } from '../../src/cors/safelist.ts';
import type { Exchange } from '../../src/index.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import {
  type CacheGroup,
  type CacheStep,
  cacheGroupUrl,
  cacheStepRequest,
  isPause,
} from '../servers/mochitests.ts';
import type { PageRequest, Scenario } from '../servers/scenarios.ts';
import { exchangeFrom } from './corpus-runner.ts';

export interface StepRun<T> {
  readonly group: string;
  /** Position in the group, pauses not counted, from 1. */
  readonly index: number;
  readonly step: CacheStep;
  readonly exchange: Exchange;
  /** What the browser said. */
  readonly browser: T;
  readonly passed: boolean;
  /** The step needs a preflight (otherwise the cache plays no part). */
  readonly needsPreflight: boolean;
  /** The browser sent no preflight for it: a cached answer served it. */
  readonly fromCache: boolean;
  /** The browser's rules said a cached answer would serve it. */
  readonly predictedFromCache: boolean;
}

/**
 * Runs every step of `group`: sets the server's answer, makes the request through `send`, which
 * returns what the browser said and whether the request passed, and reads what the servers saw.
 */
export async function runCacheGroup<T>(
  group: CacheGroup,
  servers: CorpusServers,
  rules: PreflightCacheRules,
  send: (url: string, request: PageRequest) => Promise<{ browser: T; passed: boolean }>,
): Promise<StepRun<T>[]> {
  const url = cacheGroupUrl(group, servers.origins);
  const history: CacheEvent[] = [];
  const runs: StepRun<T>[] = [];
  let index = 0;
  for (const step of group.steps) {
    if (isPause(step)) {
      await new Promise((r) => setTimeout(r, step.pause * 1000));
      continue;
    }
    index++;
    servers.cache.set(group.id, step);
    const request = cacheStepRequest(step);
    const lines = (request.headers ?? []).map(([name, value]) => ({ name, value }));
    const needsPreflight = preflightReasons(step.method, lines).length > 0;
    const credentials = request.credentials === 'include';
    const predicted = needsPreflight
      ? servedBy(rules, history, cacheQueryOf(step.method, lines, Date.now(), credentials))
      : null;
    const before = servers.log.forScenario(group.id).length;
    const sentAt = Date.now();
    const { browser, passed } = await send(url, request);
    await new Promise((r) => setTimeout(r, 60));
    const logged = servers.log.forScenario(group.id).slice(before);
    const preflight = logged.find((e) => e.method === 'OPTIONS');
    const actual = logged.find((e) => e.method !== 'OPTIONS');
    const scenario: Scenario = {
      id: group.id,
      title: group.id,
      request,
      target: { server: 'raw', host: 'api' },
    };
    runs.push({
      group: group.id,
      index,
      step,
      exchange: exchangeFrom(scenario, url, servers.origins, logged),
      browser,
      passed,
      needsPreflight,
      fromCache: needsPreflight && !preflight && actual !== undefined,
      predictedFromCache: predicted !== null,
    });
    // What the browser's cache now holds: a preflight it accepted, or a request that failed.
    if (preflight && actual) {
      history.push({
        kind: 'answer',
        answer: cachedAnswerOf(sentAt, preflight.responseHeaders, credentials),
      });
    }
    if (preflight && !actual) history.push({ kind: 'refused', time: Date.now() });
    if (!passed) history.push({ kind: 'failure', time: Date.now() });
  }
  return runs;
}

/** A step as one line: the group, its position, its request, what the table and the browser said. */
export function stepLabel(run: StepRun<unknown>): string {
  const s = run.step;
  const headers = Object.keys(s.headers ?? {}).join('+');
  return `${run.group}#${run.index} ${s.method}${headers ? ` ${headers}` : ''}${s.withCred ? ' credentials' : ''}`;
}
