/**
 * The preflight answers each page got for each URL, and the requests to it that failed: from
 * these, by the rules of the browser that captured them (preflight-cache.ts), the answer its
 * preflight cache most likely served a request that went out without a preflight of its own
 * (CapturedRequest.cachedFrom). Bounded: the oldest URLs go first, and a few events per URL.
 */
import { preflightCheck } from '../cors/check.ts';
import { combinedValue, type HeaderList } from '../cors/headers.ts';
import { parseList } from '../cors/lists.ts';
import {
  type CachedAnswer,
  type CacheEvent,
  CHROME_PREFLIGHT_CACHE,
  cachedAnswerOf,
  cacheQueryOf,
  type PreflightCacheRules,
  servedBy,
} from '../cors/preflight-cache.ts';
import { pageHeaders } from './exchange.ts';
import type { CapturedRequest } from './record.ts';

/** Events kept per URL: enough for the answers still alive; older ones are outlived or replaced. */
const EVENTS_PER_URL = 8;

/** The answer refuses what the preflight asked for (its CORS check, its methods and headers). */
function refuses(
  origin: string,
  status: number,
  headers: HeaderList,
  asked: HeaderList | null,
  withCredentials: boolean,
): boolean {
  if (asked === null) return false;
  const method = combinedValue(asked, 'Access-Control-Request-Method');
  if (method === null) return false;
  const names = parseList(combinedValue(asked, 'Access-Control-Request-Headers'), true);
  const unsafeHeaderNames = names.ok ? names.values : [];
  return preflightCheck(status, headers, { origin, method, unsafeHeaderNames, withCredentials }) !== null;
}

export class PreflightAnswers {
  readonly #max: number;
  readonly #rules: PreflightCacheRules;
  /** `page origin URL` → its events, oldest first; Map order is age. */
  readonly #history = new Map<string, CacheEvent[]>();

  constructor(max: number, rules: PreflightCacheRules = CHROME_PREFLIGHT_CACHE) {
    this.#max = max;
    this.#rules = rules;
  }

  /**
   * A preflight from `initiator` to `url` answered: an answer that grants what the preflight asked
   * for (`asked`: its own request headers, Access-Control-Request-Method and -Headers) may be kept
   * (`credentials`: it was for a request with them); any other refuses it, and nothing is cached.
   */
  note(
    initiator: string,
    url: string,
    status: number,
    time: number,
    headers: HeaderList,
    asked: HeaderList | null,
    credentials = false,
  ): void {
    if (status >= 200 && status <= 299 && !refuses(initiator, status, headers, asked, credentials)) {
      this.#push(initiator, url, { kind: 'answer', answer: cachedAnswerOf(time, headers, credentials) });
    } else if (status > 0) {
      this.#push(initiator, url, { kind: 'refused', time });
    }
  }

  /** A request to `url` failed its CORS check (Firefox then forgets what it cached for the URL). */
  failed(initiator: string, url: string, time: number): void {
    if (this.#history.has(`${initiator} ${url}`)) this.#push(initiator, url, { kind: 'failure', time });
  }

  /**
   * Marks `request`, which had no preflight, with the answer its browser's cache most likely
   * served it from; a request whose headers were not captured gets the URL's last answer.
   */
  markCached(request: CapturedRequest): void {
    if (request.preflights[0] != null) return;
    const history = this.#history.get(`${request.initiator} ${request.url}`);
    if (!history) return;
    const before = history.filter((e) => (e.kind === 'answer' ? e.answer.time : e.time) <= request.time);
    const served = this.#served(request, before);
    if (served) request.cachedFrom = { time: served.time, maxAge: served.maxAge };
  }

  #served(request: CapturedRequest, history: readonly CacheEvent[]): CachedAnswer | null {
    let last: CachedAnswer | null = null;
    for (const e of history) if (e.kind === 'answer') last = e.answer;
    if (request.requestHeaders === null) return last;
    const query = cacheQueryOf(
      request.method,
      pageHeaders(request.requestHeaders, null),
      request.time,
      false,
    );
    if (!query.methodNeeded && query.headers.length === 0) return null;
    // The credentials mode is seldom known here: either cache may have served it. The request
    // did go out without a preflight, so when the rules find no live answer (times are read
    // at the start of each request, not when its answer arrived) the URL's last answer did.
    return (
      servedBy(this.#rules, history, query) ??
      servedBy(this.#rules, history, { ...query, credentials: true }) ??
      last
    );
  }

  #push(initiator: string, url: string, event: CacheEvent): void {
    const key = `${initiator} ${url}`;
    const rules = this.#rules;
    // Only what the browser's cache would still hold: an event that empties it leaves nothing
    // before it, and one that changes nothing is not kept.
    const clears =
      (event.kind === 'failure' && rules.failureClears) ||
      (event.kind === 'refused' && (rules.missEvicts || rules.failureClears)) ||
      (event.kind === 'answer' && rules.keyedBy === 'url');
    if (event.kind !== 'answer' && !clears) return;
    const events = clears ? [] : (this.#history.get(key) ?? []);
    this.#history.delete(key);
    if (event.kind === 'answer') events.push(event);
    if (events.length > EVENTS_PER_URL) events.shift();
    this.#history.set(key, events);
    while (this.#history.size > this.#max) {
      const oldest = this.#history.keys().next();
      if (oldest.done) break;
      this.#history.delete(oldest.value);
    }
  }

  clear(): void {
    this.#history.clear();
  }
}
