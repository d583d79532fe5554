/**
 * Runs corpus scenarios in a real page and collects, for each request the page made, Chrome's own
 * verdict (CDP `Network.loadingFailed.corsErrorStatus`) and the exchange as the servers logged it.
 */
import type { CDPSession, Page } from 'playwright';
import { judge } from '../../src/capture/judge.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { type CorsRequirement, requirementOf } from '../../src/fixes/index.ts';
import type { Exchange, HeaderLine, Hop } from '../../src/index.ts';
import { entryOf, type ReportEntry } from '../../src/report/entry.ts';
import { type CorpusServers, startCorpusServers } from '../servers/corpus-servers.ts';
import type { ExchangeLog, LoggedExchange } from '../servers/recorder.ts';
import {
  type Origins,
  type PageRequest,
  type Scenario,
  scenarioById,
  scenarioUrl,
} from '../servers/scenarios.ts';
import { type LaunchedBrowser, launchChromium } from './chromium.ts';

/** What Chrome decided for one request. */
export interface ChromeVerdict {
  readonly blocked: boolean;
  readonly corsError: string | null;
  readonly failedParameter: string | null;
  /** net error text when the request failed for a reason other than CORS (or with it). */
  readonly errorText: string | null;
  /** Blink refused the request before the network service saw it: no CDP request at all. */
  readonly neverSent?: boolean;
}

export interface CallResult {
  readonly scenario: Scenario;
  readonly call: number;
  readonly chrome: ChromeVerdict;
  readonly exchange: Exchange;
  /** What the page's fetch() resolved to, for failure messages. */
  readonly page: PageResult;
}

export interface RequestTrace {
  url: string;
  method: string;
  headers: Record<string, string>;
  preflight: boolean;
  done?: ChromeVerdict;
}

/** Listens to the page's Network domain and keeps one trace per CDP request id. */
export class NetworkWatcher {
  readonly #traces = new Map<string, RequestTrace>();

  private constructor(readonly cdp: CDPSession) {}

  static async attach(page: Page): Promise<NetworkWatcher> {
    const cdp = await page.context().newCDPSession(page);
    const watcher = new NetworkWatcher(cdp);
    cdp.on('Network.requestWillBeSent', (e) => {
      if (watcher.#traces.has(e.requestId)) return; // a redirect keeps the request id
      watcher.#traces.set(e.requestId, {
        url: e.request.url,
        method: e.request.method,
        headers: e.request.headers,
        preflight: e.initiator?.type === 'preflight',
      });
    });
    cdp.on('Network.loadingFinished', (e) => {
      const t = watcher.#traces.get(e.requestId);
      if (t && !t.done) t.done = { blocked: false, corsError: null, failedParameter: null, errorText: null };
    });
    cdp.on('Network.loadingFailed', (e) => {
      const t = watcher.#traces.get(e.requestId);
      if (!t) return;
      t.done = {
        blocked: e.corsErrorStatus !== undefined,
        corsError: e.corsErrorStatus?.corsError ?? null,
        failedParameter: e.corsErrorStatus?.failedParameter ?? null,
        errorText: e.errorText ?? null,
      };
    });
    // DevTools' "disable cache" is left off: it also bypasses the preflight cache.
    await cdp.send('Network.enable');
    return watcher;
  }

  /** Finished page requests (not preflights) whose URL starts with `prefix`. */
  finished(prefix: string): RequestTrace[] {
    return [...this.#traces.values()].filter((t) => !t.preflight && t.done && t.url.startsWith(prefix));
  }

  /** Page requests (not preflights) to `prefix` that have not finished yet. */
  unfinished(prefix: string): number {
    return [...this.#traces.values()].filter((t) => !t.preflight && !t.done && t.url.startsWith(prefix))
      .length;
  }

  /** Request ids already known, so a call can tell its own requests apart. */
  known(): Set<string> {
    return new Set(this.#traces.keys());
  }

  /**
   * Waits (bounded) for the non-preflight request to `url` that started after `before` to finish.
   * Called once the page's fetch() settled: a request CDP never announced by then was refused by
   * Blink itself (e.g. `mode: "same-origin"` to another origin), which CDP reports as nothing.
   */
  async verdictFor(url: string, before: Set<string>, timeoutMs = 5000): Promise<ChromeVerdict> {
    const deadline = Date.now() + timeoutMs;
    const announceDeadline = Date.now() + 500;
    for (;;) {
      let announced = false;
      for (const [id, t] of this.#traces) {
        if (before.has(id) || t.preflight || t.url !== url) continue;
        announced = true;
        if (t.done) return t.done;
      }
      if (!announced && Date.now() > announceDeadline) {
        return { blocked: false, corsError: null, failedParameter: null, errorText: null, neverSent: true };
      }
      if (Date.now() > deadline)
        throw new Error(`Chrome reported no outcome for ${url} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export interface PageResult {
  ok: boolean;
  status?: number;
  type?: string;
  error?: string;
}

/**
 * Runs in the page: the scenario's request with fetch(), as a page script would. Self-contained,
 * so Playwright (Chromium) and puppeteer-core (Firefox) can both send it to a page.
 */
export async function pageFetch({
  url,
  request,
}: {
  url: string;
  request: PageRequest;
}): Promise<PageResult> {
  const init: RequestInit = {
    method: request.method ?? 'GET',
    headers: (request.headers ?? []).map(([n, v]) => [n, v] as [string, string]),
    credentials: request.credentials ?? 'same-origin',
    mode: request.mode ?? 'cors',
    redirect: request.redirect ?? 'follow',
    // Not 'no-store': Chrome skips its preflight cache for such requests, and the corpus
    // tests that cache. The servers send nothing cacheable, so every call reaches them.
  };
  if (request.body !== undefined) init.body = request.body;
  if (request.beacon) {
    const type = (request.headers ?? []).find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
    const queued = navigator.sendBeacon(url, new Blob([request.body ?? ''], { type }));
    return queued ? { ok: true } : { ok: false, error: 'sendBeacon refused to queue it' };
  }
  // Through the corpus page's own function when it has one, so each request names a line of the
  // page's code as what made it (DevTools records it in the request's initiator).
  const call = (globalThis as { corpusFetch?: typeof fetch }).corpusFetch ?? fetch;
  try {
    const r = await call(url, init);
    await r.text();
    return { ok: true, status: r.status, type: r.type };
  } catch (e) {
    return { ok: false, error: String(e) };
  }
}

/** Makes the scenario's request from the page. */
export function fetchFromPage(page: Page, url: string, request: PageRequest): Promise<PageResult> {
  return page.evaluate(pageFetch, { url, request });
}

/** Runs one scenario (one or more identical calls) and pairs Chrome's verdicts with the logged exchanges. */
export async function runScenario(
  page: Page,
  watcher: NetworkWatcher,
  scenario: Scenario,
  origins: Origins,
  log: ExchangeLog,
): Promise<CallResult[]> {
  const url = scenarioUrl(scenario, origins);
  const results: CallResult[] = [];
  const repeat = scenario.request.repeat ?? 1;
  for (let call = 0; call < repeat; call++) {
    const before = watcher.known();
    const logged = log.forScenario(scenario.id).length;
    const pageResult = await fetchFromPage(page, url, scenario.request);
    const chrome = await watcher.verdictFor(url, before);
    // Give the servers' 'finish' events a moment to land in the log.
    await new Promise((r) => setTimeout(r, 30));
    const entries = log.forScenario(scenario.id).slice(logged);
    results.push({
      scenario,
      call,
      chrome,
      exchange: exchangeFrom(scenario, url, origins, entries),
      page: pageResult,
    });
  }
  return results;
}

/** Builds the engine's input from the request the page made and what the servers logged. */
export function exchangeFrom(
  scenario: Scenario,
  url: string,
  origins: Origins,
  entries: readonly LoggedExchange[],
): Exchange {
  const request = scenario.request;
  const hopCount = Math.max(1, ...entries.map((e) => e.hop + 1));
  const hops: Hop[] = [];
  for (let i = 0; i < hopCount; i++) {
    const preflight = entries.find((e) => e.hop === i && e.method === 'OPTIONS');
    const actual = entries.find((e) => e.hop === i && e.method !== 'OPTIONS');
    const seen = actual ?? preflight;
    hops.push({
      url: i === 0 ? url : seen ? `http://${hostOf(seen)}${seen.url}` : undefined,
      preflight: preflight ? { status: preflight.status, headers: preflight.responseHeaders } : null,
      response: actual ? { status: actual.status, headers: actual.responseHeaders } : null,
    });
  }
  const [first, ...redirects] = hops as [Hop, ...Hop[]];
  const requestHeaders: HeaderLine[] = (request.headers ?? []).map(([name, value]) => ({ name, value }));
  return {
    origin: origins.page,
    url,
    method: request.method ?? 'GET',
    requestHeaders,
    mode: request.mode ?? 'cors',
    credentials: request.credentials ?? 'same-origin',
    redirectMode: request.redirect ?? 'follow',
    preflight: first.preflight ?? null,
    response: first.response ?? null,
    redirects,
  };
}

function hostOf(e: LoggedExchange): string {
  return e.requestHeaders.find((h) => h.name.toLowerCase() === 'host')?.value ?? 'unknown.invalid';
}

/** A blocked request as capture would have recorded it, from what the servers logged for its first hop. */
export function capturedFromLog(
  id: string,
  url: string,
  origin: string,
  method: string,
  logged: readonly LoggedExchange[],
): CapturedRequest {
  const preflight = logged.find((e) => e.hop === 0 && e.method === 'OPTIONS');
  const actual = logged.find((e) => e.hop === 0 && e.method !== 'OPTIONS');
  return {
    id,
    tabId: 1,
    frameId: 0,
    documentId: null,
    initiator: origin,
    url,
    method,
    type: 'xmlhttprequest',
    time: 0,
    requestHeaders: actual?.requestHeaders ?? null,
    currentUrl: url,
    currentMethod: method,
    hop: 0,
    hopSentHeaders: actual !== undefined,
    preflights: [
      preflight
        ? {
            requestId: `${id}-preflight`,
            requestHeaders: preflight.requestHeaders,
            status: preflight.status,
            responseHeaders: preflight.responseHeaders,
          }
        : null,
    ],
    responses: actual ? [{ url, status: actual.status, headers: actual.responseHeaders }] : [],
    state: 'failed',
    error: 'net::ERR_FAILED',
    endTime: 1,
  };
}

/** A failing scenario as capture would judge it: its report entry, and what its server must send. */
export interface BlockedCase {
  readonly entry: ReportEntry;
  readonly requirement: CorsRequirement;
}

/**
 * Runs failing scenarios, checks Chrome blocked each, and returns the entry capture would have made
 * of each (from what the servers logged) with its fix requirement, the engine's agreement checked too.
 */
export async function blockedEntries(
  page: Page,
  watcher: NetworkWatcher,
  origins: Origins,
  log: ExchangeLog,
  ids: readonly string[],
): Promise<Map<string, BlockedCase>> {
  const entries = new Map<string, BlockedCase>();
  for (const id of ids) {
    const scenario = scenarioById(id);
    const before = log.forScenario(id).length;
    const [call] = await runScenario(page, watcher, scenario, origins, log);
    if (!call?.chrome.blocked) throw new Error(`${id} was expected to fail in Chrome`);
    const logged = log.forScenario(id).slice(before);
    const captured = capturedFromLog(
      id,
      call.exchange.url,
      origins.page,
      scenario.request.method ?? 'GET',
      logged,
    );
    const judgement = judge(captured, 'browser');
    const entry = entryOf(captured, judgement);
    if (!entry.blocked || entry.corsError !== call.chrome.corsError)
      throw new Error(`${id}: engine disagrees with Chrome`);
    entries.set(id, { entry, requirement: requirementOf(judgement.exchange, judgement.verdict) });
  }
  return entries;
}

/** The corpus servers, plain Chromium, and a page on the page origin with its network watched. */
export async function openCorpusPage(args: readonly string[] = []): Promise<{
  servers: CorpusServers;
  browser: LaunchedBrowser;
  page: Page;
  watcher: NetworkWatcher;
}> {
  const servers = await startCorpusServers();
  const browser = await launchChromium({ args });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(servers.origins.page);
  const watcher = await NetworkWatcher.attach(page);
  return { servers, browser, page, watcher };
}

/** Fetches every URL from the page at once and waits for all to settle (blocked ones included). */
export function fetchAll(page: Page, urls: readonly string[]): Promise<unknown> {
  return page.evaluate(
    (us) =>
      Promise.all(
        us.map((u) =>
          fetch(u).then(
            (r) => r.text(),
            () => 'blocked',
          ),
        ),
      ),
    urls,
  );
}

/**
 * Each scenario's calls against the entries a report holds for its URL: one entry per call Chrome
 * sent, with Chrome's corsError and failedParameter when it blocked (any one of several missing
 * headers, which Chrome picks in an order of its own), never a block Chrome did not make, and a
 * network error named as Chrome named it.
 */
export function compareWithChrome(
  entries: readonly ReportEntry[],
  calls: readonly CallResult[],
  origins: Origins,
): { disagreements: string[]; compared: number } {
  const disagreements: string[] = [];
  let compared = 0;
  const scenarios = [...new Set(calls.map((c) => c.scenario))];
  for (const scenario of scenarios) {
    const url = scenarioUrl(scenario, origins);
    const own = calls.filter((c) => c.scenario.id === scenario.id);
    const found = entries.filter((e) => e.url === url);
    if (own.every((c) => c.chrome.neverSent)) {
      if (found.length !== 0) disagreements.push(`${scenario.id}: Blink refused it, yet an entry exists`);
      continue;
    }
    if (found.length !== own.length) {
      disagreements.push(`${scenario.id}: ${own.length} calls, ${found.length} entries`);
      continue;
    }
    const pageSet = new Set((scenario.request.headers ?? []).map(([name]) => name.toLowerCase()));
    own.forEach((call, i) => {
      const entry = found[i] as ReportEntry;
      compared++;
      // Headers the browser adds itself (User-Agent, Priority, Sec-*, cache validators…) are never
      // the page's: not a reason for the preflight, not in the fix.
      const notSet = notSetByPage(entry, pageSet);
      if (notSet.length > 0)
        disagreements.push(`${scenario.id}#${i}: headers the page did not set: ${notSet}`);
      const chrome = call.chrome;
      const label = `${scenario.id}#${i}: chrome ${JSON.stringify(chrome)}; entry ${JSON.stringify({
        blocked: entry.blocked,
        corsError: entry.corsError,
        failedParameter: entry.failedParameter,
        networkError: entry.networkError,
        state: entry.state,
      })}`;
      if (chrome.blocked) {
        const missing = entry.verdict?.culprit?.missing ?? [];
        const parameterOk =
          missing.length > 1
            ? missing.includes(chrome.failedParameter ?? '')
            : entry.failedParameter === chrome.failedParameter;
        if (!entry.blocked || entry.corsError !== chrome.corsError || !parameterOk) disagreements.push(label);
      } else if (entry.blocked) {
        disagreements.push(`false block: ${label}`);
      } else if (chrome.errorText !== null && entry.networkError !== chrome.errorText) {
        disagreements.push(`network error: ${label}`);
      }
    });
  }
  return { disagreements, compared };
}

/** Header names an entry takes for the page's own (why a preflight, the fix) that the page did not set. */
export function notSetByPage(entry: ReportEntry, pageSet: ReadonlySet<string>): string[] {
  const reasons = (entry.verdict?.preflight.reasons ?? []).flatMap((r) =>
    r.kind === 'header' ? [r.name] : [],
  );
  return reasons.filter((name) => !pageSet.has(name.toLowerCase()));
}
