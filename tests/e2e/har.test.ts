/**
 * HAR import on a HAR recorded by Chromium's own DevTools while the whole corpus ran: every
 * request's verdict read from the HAR must be Chrome's own (CDP corsErrorStatus), with Chrome's
 * markers and without them. (The command that reads HARs has its own file: cli.test.ts.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CorsError, familyOf } from '../../src/cors/errors.ts';
import { importHar } from '../../src/har/import.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { serversOf } from '../../src/report/servers.ts';
import {
  answerOf,
  capturedAnswer,
  underMergedFix,
  type WhatIfOutcome,
  whatIf,
} from '../../src/report/what-if.ts';
import type { CorpusServers } from '../servers/corpus-servers.ts';
import { ALL_SCENARIOS, scenarioById, scenarioUrl } from '../servers/scenarios.ts';
import type { LaunchedBrowser } from './chromium.ts';
import { type ChromeVerdict, notSetByPage, openCorpusPage, runScenario } from './corpus-runner.ts';
import { DEVTOOLS_ARGS, DevToolsHar, withoutChromeMarkers } from './devtools-har.ts';

const RESULTS = resolve(import.meta.dirname, '../../test-results');

interface Observed {
  readonly id: string;
  readonly url: string;
  readonly call: number;
  readonly chrome: ChromeVerdict;
}

let servers: CorpusServers;
let browser: LaunchedBrowser;
let harText: string;
const observed: Observed[] = [];

beforeAll(async () => {
  const opened = await openCorpusPage(DEVTOOLS_ARGS);
  ({ servers, browser } = opened);
  const devtools = await DevToolsHar.attach(opened.page);
  for (const scenario of ALL_SCENARIOS) {
    const calls = await runScenario(opened.page, opened.watcher, scenario, servers.origins, servers.log);
    for (const c of calls) {
      observed.push({
        id: scenario.id,
        url: scenarioUrl(scenario, servers.origins),
        call: c.call,
        chrome: c.chrome,
      });
    }
  }
  harText = await devtools.export();
  // Kept for a look when a test fails (test-results/ is not committed).
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'corpus.har'), harText);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await servers?.close();
});

/** The imported entry for each observed call: the n-th entry for its URL. */
function entriesByCall(entries: readonly ReportEntry[]): Map<Observed, ReportEntry | undefined> {
  const out = new Map<Observed, ReportEntry | undefined>();
  for (const o of observed) out.set(o, entries.filter((e) => e.url === o.url)[o.call]);
  return out;
}

/** Chrome's verdict and ours agree: same error and parameter (Chrome may name any one of several missing headers). */
function expectSameVerdict(entry: ReportEntry | undefined, o: Observed): void {
  const context = `${o.id} call ${o.call}: chrome ${JSON.stringify(o.chrome)}; entry ${JSON.stringify(
    entry && {
      blocked: entry.blocked,
      corsError: entry.corsError,
      failedParameter: entry.failedParameter,
      networkError: entry.networkError,
    },
  )}`;
  expect(entry, context).toBeDefined();
  if (!entry) return;
  // No header the browser added (Sec-*, User-Agent, cache validators…) taken for the page's.
  const pageSet = new Set((scenarioById(o.id).request.headers ?? []).map(([n]) => n.toLowerCase()));
  expect(notSetByPage(entry, pageSet), context).toEqual([]);
  expect(entry.blocked, context).toBe(o.chrome.blocked);
  if (!o.chrome.blocked) return;
  expect(entry.corsError, context).toBe(o.chrome.corsError);
  const missing = entry.verdict?.culprit?.missing ?? [];
  if (missing.length > 1) expect(missing, context).toContain(o.chrome.failedParameter);
  else expect(entry.failedParameter, context).toBe(o.chrome.failedParameter);
}

/** The calls the HAR can speak of: Blink refused some before the network, and DevTools never saw those. */
const sent = () => observed.filter((o) => !o.chrome.neverSent);

describe('HAR recorded by Chromium DevTools', () => {
  test("holds Chrome's markers: preflights and blocked requests", () => {
    const har = JSON.parse(harText) as {
      log: { entries: { _resourceType?: string; response: { _error?: string } }[] };
    };
    expect(har.log.entries.some((e) => e._resourceType === 'preflight')).toBe(true);
    expect(har.log.entries.some((e) => e.response._error === 'net::ERR_FAILED')).toBe(true);
  });

  test("every request's verdict from the HAR is Chrome's own", () => {
    const imported = importHar(harText);
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.browser).toBe('chrome');
    const byCall = entriesByCall(imported.entries);
    const calls = sent();
    expect(calls.filter((o) => o.chrome.blocked).length).toBeGreaterThan(60);
    for (const o of calls) {
      if (o.chrome.errorText && !o.chrome.blocked) {
        // A network error (refused connection, unsafe redirect): never reported as CORS.
        expect(byCall.get(o)?.blocked, o.id).toBe(false);
        expect(byCall.get(o)?.networkError, o.id).toBeTruthy();
        continue;
      }
      expectSameVerdict(byCall.get(o), o);
    }
  });

  test("without Chrome's markers, the URL/method rule pairs and the engine decides, to the same verdicts", () => {
    const imported = importHar(withoutChromeMarkers(harText, 'Some HAR tool'));
    if (!imported.ok) throw new Error(imported.error);
    expect(imported.browser).toBe('other');
    expect(imported.notes.join(' ')).toMatch(/judged every request from its headers/);
    const byCall = entriesByCall(imported.entries);
    let unknowable = 0;
    let checked = 0;
    for (const o of sent()) {
      if (o.chrome.errorText && !o.chrome.blocked) continue;
      const entry = byCall.get(o);
      const evidence = entry?.requestHeaders?.some((h) =>
        ['cookie', 'sec-fetch-storage-access'].includes(h.name.toLowerCase()),
      );
      if (scenarioById(o.id).request.credentials === 'include' && !evidence) {
        // Credentials with no cookie to send, on a request that never went out (Chrome sends
        // Sec-Fetch-Storage-Access only on the request itself): nothing in the HAR tells the mode.
        // The entry must say so — blocked or not turns on it, or Chrome's error is named as the
        // other reading — never pick silently.
        unknowable++;
        if (o.chrome.blocked) {
          const said =
            entry?.undetermined ||
            entry?.corsError === o.chrome.corsError ||
            entry?.verdict?.findings.some(
              (f) => f.kind === 'credentials-undetermined' && f.message.includes(o.chrome.corsError ?? '?'),
            );
          expect(said, `${o.id}: ${JSON.stringify(entry?.verdict?.findings)}`).toBe(true);
        }
        continue;
      }
      expectSameVerdict(entry, o);
      checked++;
      if (o.chrome.blocked) {
        expect(
          byCall.get(o)?.verdict?.findings.some((f) => f.kind === 'outcome-inferred'),
          o.id,
        ).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(110);
    expect(unknowable).toBeLessThan(15);
  });
});

describe('what if the server answered as its fix says (pure engine, on the requests Chrome blocked)', () => {
  /** Every blocked request CORS headers can fix, by failure family: what the engine says under its own fix's answer. */
  function underFix(pick: (entries: readonly ReportEntry[]) => Map<ReportEntry, WhatIfOutcome>) {
    const imported = importHar(harText);
    if (!imported.ok) throw new Error(imported.error);
    const results = pick(imported.entries);
    const byFamily = new Map<string, string[]>();
    for (const [entry, outcome] of results) {
      if (!entry.blocked || !entry.requirement || !entry.corsError) continue;
      const family = familyOf(entry.corsError as CorsError);
      const list = byFamily.get(family) ?? [];
      const structural: string[] = entry.requirement.problems.map((p) => p.kind);
      // Nothing recorded tells whether the page sent credentials: then "undetermined" is the honest answer.
      if (entry.verdict?.findings.some((f) => f.kind === 'credentials-undetermined'))
        structural.push('mode unknown');
      list.push(
        `${outcome.kind === 'allowed' ? 'allowed' : outcome.kind === 'not-modelled' ? `not modelled (${outcome.reason})` : `${outcome.kind} ${outcome.corsError}`}${structural.length ? ` [${structural.join(',')}]` : ''}`,
      );
      byFamily.set(family, list);
    }
    return byFamily;
  }

  /**
   * What an answer cannot settle: a redirect (each hop answers for itself), a method the page wrote
   * in lower case (the page must change), a credentials mode nothing recorded.
   */
  const expected = (line: string) =>
    line.startsWith('allowed') ||
    line.startsWith('not modelled (it was redirected') ||
    (line.startsWith('blocked MethodDisallowedByPreflightResponse') && line.includes('lowercase-method')) ||
    (line.startsWith('undetermined') && line.includes('mode unknown'));

  test('each blocked request, answered as its own fix answers, is allowed — in every failure family', () => {
    const byFamily = underFix(
      (entries) =>
        new Map(
          entries.flatMap((e) =>
            e.requirement ? [[e, whatIf(e, answerOf(e.requirement, e.initiator))]] : [],
          ),
        ),
    );
    let settled = 0;
    for (const [family, lines] of byFamily) {
      expect(
        lines.filter((l) => !expected(l)),
        family,
      ).toEqual([]);
      // Redirect families are each hop's: not tried.
      if (lines.some((l) => l.startsWith('allowed'))) settled++;
      else
        expect(
          lines.every((l) => l.includes('redirected')),
          `${family}: ${lines.join('; ')}`,
        ).toBe(true);
    }
    expect(settled).toBeGreaterThanOrEqual(12);
  });

  test('answered as the merged fix of their server answers, every request to it is allowed', () => {
    const byFamily = underFix((entries) => {
      const out = new Map<ReportEntry, WhatIfOutcome>();
      for (const server of serversOf(entries)) {
        const ids = new Set(server.entryIds);
        for (const row of underMergedFix(
          entries.filter((e) => ids.has(e.id)),
          server.requirement,
        ))
          out.set(row.entry, row.outcome);
      }
      return out;
    });
    for (const [family, lines] of byFamily)
      expect(
        lines.filter((l) => !expected(l)),
        family,
      ).toEqual([]);
  });

  test('as the server answered, the engine gives each request the verdict Chrome gave', () => {
    const imported = importHar(harText);
    if (!imported.ok) throw new Error(imported.error);
    const differ: string[] = [];
    for (const e of imported.entries) {
      if (!e.requirement || e.preflightCached || e.redirects.length > 0) continue;
      // One request's own answer, replayed through the what-if path: nothing may change.
      const outcome = whatIf(e, capturedAnswer(e, []));
      if (outcome.kind === 'not-modelled') continue;
      const same = e.blocked
        ? outcome.kind === 'blocked' && outcome.corsError === e.corsError
        : outcome.kind !== 'blocked';
      if (!same) differ.push(`${e.method} ${e.url}: ${e.corsError} → ${outcome.kind} ${outcome.corsError}`);
    }
    expect(differ).toEqual([]);
  });
});
