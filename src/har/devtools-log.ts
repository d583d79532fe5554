/**
 * DevTools' network log as report entries, one entry at a time, the way DevTools hands them over
 * (its log so far when capture starts, then `onRequestFinished`). No timers and no replayed
 * events: each entry is built into a captured request as it comes, and a later entry that
 * completes an earlier request — a preflight that arrives after the request it served — comes
 * back as that request again, with the same id, for the log to put in its place.
 *
 * The order DevTools finishes entries in is not the order the page made them (measured in
 * Chromium 156: a request blocked at its preflight can finish before the preflight does; a GET
 * whose body loads slowly finishes after requests made after it). A preflight normally finishes
 * before its request is even sent, so it waits here for that request. A redirected request
 * arrives as one entry per hop: the request stays in flight until the hop its Location names.
 *
 * Firefox's DevTools neither marks preflights nor finishes the requests it blocked at their
 * preflight (measured in Firefox ESR 153: `onRequestFinished` fires for the `OPTIONS` alone): an
 * unmarked preflight that fails by the engine stands at once for the request it announced, and
 * that request's own entry, should it come, takes its place.
 */

import { pageHeaders } from '../capture/exchange.ts';
import { judge } from '../capture/judge.ts';
import { isCrossOrigin } from '../capture/pairing.ts';
import { PreflightAnswers } from '../capture/preflight-answers.ts';
import { type CapturedPreflight, type CapturedRequest, startedRequest } from '../capture/record.ts';
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
import { CHROME_PREFLIGHT_CACHE, type PreflightCacheRules } from '../cors/preflight-cache.ts';
import { methodAfterRedirect } from '../cors/redirect.ts';
import { preflightReasons } from '../cors/safelist.ts';
import { type HarRecord, readHarEntry } from './read.ts';
import { isPreflight, NO_RESPONSE, pageOrigin, typeOf } from './replay.ts';

/**
 * Preflights waiting for their request, requests that may still get a late preflight, and
 * redirects waiting for their next hop: each kept at most this many. Past it the oldest goes
 * (a redirect that goes is ended: its next hop is not in the log).
 */
export const MAX_WAITING = 1000;

/**
 * How far apart HAR times of one request and its preflight may fall: each entry's times come from
 * its own clock mapping, rounded to the millisecond, and drift under load (seen: a preflight
 * starting 10 ms after its request ended). A preflight belongs to a request when it started no
 * earlier than this before the request, and no later than this after the request sent its headers.
 */
const DRIFT_MS = 100;

/**
 * A request that never went out (blocked at its preflight) has no send time, and Chrome times it
 * as ending before its preflight even started: its preflight started within this of its start.
 */
const UNSENT_MS = 1000;

/** The error a redirect gets when its next hop is no longer awaited. */
export const NEXT_HOP_MISSING = 'the next hop of this redirect is not in the log';

/** A request filed without a preflight, and the window a late preflight of its own would start in. */
interface Wanting {
  readonly request: CapturedRequest;
  /** The hop that wants it, and that hop's URL. */
  readonly hop: number;
  readonly url: string;
  readonly start: number;
  readonly until: number;
}

/** A redirected request, and when its redirect came (its next hop starts after that). */
interface AwaitingHop {
  readonly request: CapturedRequest;
  readonly after: number;
}

interface WaitingPreflight {
  readonly initiator: string;
  readonly url: string;
  /** Access-Control-Request-Method; null when the preflight did not say. */
  readonly method: string | null;
  readonly start: number;
  readonly preflight: CapturedPreflight;
  /** The request this preflight stands for until its own entry comes (Firefox, blocked). */
  readonly announced: CapturedRequest | null;
}

export class DevToolsLog {
  readonly #tabId: number;
  readonly #prefix: string;
  #count = 0;
  #unreadable = 0;
  /** Preflights whose request has not come, oldest first. */
  #preflights: WaitingPreflight[] = [];
  /** Requests filed without the preflight they needed, that a late one may still complete. */
  #wanting: Wanting[] = [];
  /** Redirected requests in flight, by the URL their next hop goes to, oldest first. */
  readonly #hops = new Map<string, AwaitingHop[]>();
  #awaitingHops = 0;
  /** Redirects let go past MAX_WAITING, ended, to be returned by the next add(). */
  #evicted: CapturedRequest[] = [];
  /** The last preflight answer per page origin and URL, for requests the preflight cache serves. */
  readonly #lastPreflight: PreflightAnswers;

  /** `prefix` keeps the ids of one DevTools window apart from another's. */
  /** `rules`: the preflight cache of the browser whose DevTools this is. */
  constructor(tabId: number, prefix = 'devtools', rules: PreflightCacheRules = CHROME_PREFLIGHT_CACHE) {
    this.#tabId = tabId;
    this.#prefix = prefix;
    this.#lastPreflight = new PreflightAnswers(MAX_WAITING, rules);
  }

  /** Entries that could not be read (not a HAR entry): skipped, and counted. */
  get unreadable(): number {
    return this.#unreadable;
  }

  /**
   * One entry DevTools finished, with DevTools' own id for it (null where the browser gives none).
   * Returns the requests it ends or completes: a request seen before comes back with its id.
   */
  add(entry: unknown, devtoolsId: number | null): CapturedRequest[] {
    const index = this.#count++;
    const record = readHarEntry(entry, index);
    if (typeof record === 'string') {
      this.#unreadable++;
      return [];
    }
    const id = `${this.#prefix}-${devtoolsId ?? `n${index}`}`;
    const out = isPreflight(record) ? this.#preflight(record, id) : this.#request(record, id);
    if (this.#evicted.length === 0) return out;
    return [...this.#evicted.splice(0), ...out];
  }

  /** Redirected requests waiting for their next hop. */
  inFlight(): CapturedRequest[] {
    return [...this.#hops.values()].flatMap((list) => list.map((h) => h.request));
  }

  /** A new page, or the log cleared: what waited belongs to what went. */
  reset(): void {
    this.#preflights = [];
    this.#wanting = [];
    this.#hops.clear();
    this.#awaitingHops = 0;
    this.#evicted = [];
    this.#lastPreflight.clear();
  }

  #preflight(p: HarRecord, id: string): CapturedRequest[] {
    const initiator = pageOrigin(p) ?? 'null';
    const acrm = combinedValue(p.requestHeaders, 'Access-Control-Request-Method');
    const waiting: WaitingPreflight = {
      initiator,
      url: p.url,
      method: acrm === null ? null : acrm.trim(),
      start: p.start,
      preflight: {
        requestId: id,
        requestHeaders: p.requestHeaders,
        status: p.status > 0 ? p.status : null,
        responseHeaders: p.status > 0 ? p.responseHeaders : null,
      },
      announced: null,
    };
    this.#lastPreflight.note(initiator, p.url, p.status, p.start, p.responseHeaders, p.requestHeaders);
    // A request that came first (blocked at this preflight) takes it now, and is filed again.
    const late = this.#lateRequestFor(waiting);
    if (late) return [late];
    // Firefox lists no entry for a request it blocked at its preflight: the preflight stands for it.
    const announced = !p.markedPreflight && p.status > 0 ? announcedRequest(waiting, this.#tabId) : null;
    const blocked = announced !== null && judge(announced, 'engine').blocked;
    this.#preflights.push({ ...waiting, announced: blocked ? announced : null });
    if (this.#preflights.length > MAX_WAITING) this.#preflights.shift();
    return blocked && announced ? [announced] : [];
  }

  #request(record: HarRecord, id: string): CapturedRequest[] {
    const page = pageOrigin(record);
    const continued = this.#nextHopOf(record);
    // No page known (no Origin, no Referer, no initiator): nothing says it left its origin.
    if (!continued && page === null) return [];
    const request = continued ?? this.#start(record, id, page ?? 'null');
    // Where the request is now: this hop's URL and method (a 303 turned a POST into a GET).
    request.currentUrl = record.url;
    request.currentMethod = record.method;
    const hop = request.hop;
    // A hop after a redirect may be preflighted on the page's own origin: the origin is tainted.
    if (hop > 0 || isCrossOrigin({ initiator: request.initiator, url: record.url })) {
      const preflight = this.#takePreflight(request, record);
      request.preflights[hop] = preflight?.preflight ?? null;
      // Firefox: the request it stood for was listed already; this entry takes its place.
      if (hop === 0 && preflight?.announced && record.status === 0) {
        return this.#end({ ...request, id: preflight.announced.id }, record);
      }
    }
    return this.#end(request, record);
  }

  /** A request's first hop, before its headers and its answer. */
  #start(record: HarRecord, id: string, initiator: string): CapturedRequest {
    return startedRequest({
      id,
      tabId: this.#tabId,
      frameId: 0,
      documentId: null,
      initiator,
      url: record.url,
      method: record.method,
      type: typeOf(record),
      time: record.start,
      source: 'devtools',
      initiatorLocation: record.initiatorLocation,
    });
  }

  /** One hop's headers and answer, then its redirect (the request waits for its next hop) or the request's end. */
  #end(request: CapturedRequest, record: HarRecord): CapturedRequest[] {
    if (record.status > 0) {
      // A hop with no status never went out (Chrome lists the headers it would have sent).
      if (request.hop === 0) request.requestHeaders = record.requestHeaders;
      request.hopSentHeaders = true;
      request.responses.push({ url: record.url, status: record.status, headers: record.responseHeaders });
    }
    // A redirect Chrome refused to follow carries its error: the request ends there.
    const next = record.redirectUrl !== null && record.error === null ? record.redirectUrl : null;
    if (next !== null) {
      request.currentUrl = next;
      request.currentMethod = methodAfterRedirect(record.status, record.method);
      request.hop += 1;
      request.hopSentHeaders = false;
      request.preflights[request.hop] = null;
      this.#awaitHop(request, next, record.received);
      return [];
    }
    request.state = record.error !== null || record.status === 0 ? 'failed' : 'completed';
    request.error = record.error ?? (record.status === 0 ? NO_RESPONSE : null);
    request.endTime = record.end;
    if (!this.#listed(request)) return [];
    this.#lastPreflight.markCached(request);
    if (request.state === 'failed') this.#lastPreflight.failed(request.initiator, request.url, record.end);
    if (this.#mayGetPreflight(request, record)) {
      const until = record.status > 0 ? record.sent + DRIFT_MS : record.start + UNSENT_MS;
      this.#wanting.push({ request, hop: request.hop, url: record.url, start: record.start, until });
      if (this.#wanting.length > MAX_WAITING) this.#wanting.shift();
    }
    return [request];
  }

  /**
   * Whether the request belongs in the log: it went to another origin (on any hop), or a redirect
   * Chrome refused was taking it there.
   */
  #listed(r: CapturedRequest): boolean {
    const urls = [r.url, ...r.responses.map((x) => x.url), r.currentUrl];
    if (urls.some((url) => isCrossOrigin({ initiator: r.initiator, url }))) return true;
    if (r.state !== 'failed') return false;
    const last = r.responses.at(-1);
    const location = last ? combinedValue(last.headers, 'Location') : null;
    if (location === null || !last) return false;
    try {
      const target = originOf(new URL(location, last.url).href);
      return target !== null && target !== r.initiator;
    } catch {
      return false;
    }
  }

  /**
   * A request with no preflight that needed one: blocked at a preflight DevTools finished after
   * it, or sent after a preflight whose entry sorted after it (HAR end times drift) — or served
   * from the preflight cache, or refused before any preflight (then none comes in its window).
   */
  #mayGetPreflight(r: CapturedRequest, record: HarRecord): boolean {
    if (r.preflights[r.hop] != null) return false;
    // The last hop of a redirect chain, blocked at its preflight, as much as a first one.
    if (record.status === 0) return true;
    if (r.hop !== 0) return false;
    if (combinedValue(record.requestHeaders, 'Origin') === null) return false;
    return preflightReasons(r.method, pageHeaders(record.requestHeaders, null)).length > 0;
  }

  /** The redirected request this entry is the next hop of: to its Location, with the method it turned into, after it. */
  #nextHopOf(record: HarRecord): CapturedRequest | null {
    const list = this.#hops.get(record.url);
    const i =
      list?.findIndex(
        (h) =>
          (h.request.currentMethod === record.method ||
            asciiUpper(h.request.currentMethod) === record.method) &&
          record.start >= h.after - DRIFT_MS,
      ) ?? -1;
    if (!list || i < 0) return null;
    const [taken] = list.splice(i, 1);
    if (list.length === 0) this.#hops.delete(record.url);
    this.#awaitingHops--;
    return taken?.request ?? null;
  }

  #awaitHop(request: CapturedRequest, next: string, after: number): void {
    const list = this.#hops.get(next) ?? [];
    list.push({ request, after });
    this.#hops.set(next, list);
    this.#awaitingHops++;
    if (this.#awaitingHops <= MAX_WAITING) return;
    // The oldest redirect still waiting (Map order is when each URL was first awaited).
    const [oldestUrl, oldestList] = this.#hops.entries().next().value as [string, AwaitingHop[]];
    const oldest = oldestList.shift() as AwaitingHop;
    if (oldestList.length === 0) this.#hops.delete(oldestUrl);
    this.#awaitingHops--;
    oldest.request.state = 'failed';
    oldest.request.error = NEXT_HOP_MISSING;
    oldest.request.endTime = after;
    if (this.#listed(oldest.request)) this.#evicted.push(oldest.request);
  }

  /**
   * The preflight this hop of `request` had: same page, URL and method, started within the
   * request's window (see DRIFT_MS); of those, the nearest to the request's start.
   */
  #takePreflight(request: CapturedRequest, record: HarRecord): WaitingPreflight | null {
    const until = record.status > 0 ? record.sent + DRIFT_MS : record.start + UNSENT_MS;
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    const method = asciiUpper(record.method);
    for (const [i, p] of this.#preflights.entries()) {
      if (p.initiator !== request.initiator || p.url !== record.url) continue;
      if (p.method !== null && p.method !== record.method && p.method !== method) continue;
      if (p.start < record.start - DRIFT_MS || p.start > until) continue;
      const distance = Math.abs(p.start - record.start);
      if (distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    if (best < 0) return null;
    return this.#preflights.splice(best, 1)[0] ?? null;
  }

  /** A request filed without its preflight that this one served: it gets the preflight and is returned. */
  #lateRequestFor(p: WaitingPreflight): CapturedRequest | null {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const [i, { request: r, hop, url, start, until }] of this.#wanting.entries()) {
      if (r.initiator !== p.initiator || url !== p.url) continue;
      const method = hop === 0 ? r.method : r.currentMethod;
      if (p.method !== null && p.method !== method && p.method !== asciiUpper(method)) continue;
      if (p.start < start - DRIFT_MS || p.start > until) continue;
      const distance = Math.abs(p.start - start);
      if (distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    if (best < 0) return null;
    const wanting = this.#wanting.splice(best, 1)[0];
    if (!wanting) return null;
    // A copy: the log holds the request as it was filed until it takes this one in its place.
    const { cachedFrom, ...request } = wanting.request;
    const preflights = [...request.preflights];
    preflights[wanting.hop] = p.preflight;
    return { ...request, preflights, ...(wanting.hop > 0 && cachedFrom ? { cachedFrom } : {}) };
  }
}

/**
 * A preflight whose request is not in the log (Firefox lists only the preflight of a request it
 * blocked there), as the request it announced: its method from Access-Control-Request-Method, its
 * headers unknown. Whether it failed is unknown, so it is judged as it stands.
 */
function announcedRequest(p: WaitingPreflight, tabId: number): CapturedRequest {
  const method = p.method ?? 'GET';
  return {
    ...startedRequest({
      id: p.preflight.requestId,
      tabId,
      frameId: 0,
      documentId: null,
      initiator: p.initiator,
      url: p.url,
      method,
      type: 'xmlhttprequest',
      time: p.start,
      source: 'devtools',
      initiatorLocation: null,
    }),
    preflights: [p.preflight],
    state: 'completed',
    endTime: p.start,
  };
}
