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
import { judge } from '../capture/judge.ts';
import { isCrossOrigin } from '../capture/pairing.ts';
import { PreflightAnswers } from '../capture/preflight-answers.ts';
import { type CapturedPreflight, type CapturedRequest, startedRequest } from '../capture/record.ts';
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
import { methodAfterRedirect } from '../cors/redirect.ts';
import { type HarRecord, readHarEntry } from './read.ts';
import { isPreflight, NO_RESPONSE, pageOrigin, typeOf } from './replay.ts';

/**
 * Preflights waiting for their request, requests that may still get a late preflight, and
 * redirects waiting for their next hop: each kept at most this many. Past it the oldest goes
 * (a redirect that goes is ended: its next hop is not in the log).
 */
export const MAX_WAITING = 1000;

/** How much earlier than its request a preflight's recorded start may be: HAR rounds times to the millisecond. */
const CLOCK_SLACK_MS = 2;

/**
 * HAR times come from each request's own clock mapping, which under load drifts by tens of
 * milliseconds between entries (seen: a preflight starting 10 ms after its request ended): where
 * no preflight starts after its request, the nearest within this distance is taken.
 */
const NEAREST_MS = 2000;

/** The error a redirect gets when its next hop is no longer awaited. */
export const NEXT_HOP_MISSING = 'the next hop of this redirect is not in the log';

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
  #wanting: CapturedRequest[] = [];
  /** Redirected requests in flight, by `page origin + the URL their next hop goes to`. */
  readonly #hops = new Map<string, CapturedRequest>();
  /** The last preflight answer per page origin and URL, for requests the preflight cache serves. */
  readonly #lastPreflight = new PreflightAnswers(MAX_WAITING);

  /** `prefix` keeps the ids of one DevTools window apart from another's. */
  constructor(tabId: number, prefix = 'devtools') {
    this.#tabId = tabId;
    this.#prefix = prefix;
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
    return isPreflight(record) ? this.#preflight(record, id) : this.#request(record, id);
  }

  /** Redirected requests waiting for their next hop. */
  inFlight(): CapturedRequest[] {
    return [...this.#hops.values()];
  }

  /** A new page: what waited belongs to the old one. */
  reset(): void {
    this.#preflights = [];
    this.#wanting = [];
    this.#hops.clear();
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
    this.#lastPreflight.note(initiator, p.url, p.status, p.start, p.responseHeaders);
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
    const initiator = page ?? 'null';
    const key = `${initiator} ${record.url}`;
    const continued = this.#hops.get(key);
    if (continued) this.#hops.delete(key);
    // No page known (no Origin, no Referer, no initiator): nothing says it left its origin.
    else if (page === null) return [];
    const request = continued ?? this.#start(record, id, initiator);
    // Where the request is now: this hop's URL and method (a 303 turned a POST into a GET).
    request.currentUrl = record.url;
    request.currentMethod = record.method;
    const hop = request.hop;
    if (isCrossOrigin({ initiator: request.initiator, url: record.url })) {
      const preflight = this.#takePreflight(request, record);
      request.preflights[hop] = preflight?.preflight ?? null;
      // Firefox: the request it stood for was listed already; this entry takes its place.
      if (hop === 0 && preflight?.announced) {
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
      this.#awaitHop(request, next);
      return [];
    }
    request.state = record.error !== null || record.status === 0 ? 'failed' : 'completed';
    request.error = record.error ?? (record.status === 0 ? NO_RESPONSE : null);
    request.endTime = record.end;
    if (!this.#listed(request)) return [];
    this.#lastPreflight.markCached(request);
    if (this.#mayGetPreflight(request, record)) {
      this.#wanting.push(request);
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
   * A request that never went out and has no preflight: blocked at a preflight that DevTools may
   * finish after it (or not sent at all: refused before, or a network failure).
   */
  #mayGetPreflight(r: CapturedRequest, record: HarRecord): boolean {
    return r.preflights[0] == null && r.hop === 0 && record.status === 0;
  }

  #awaitHop(request: CapturedRequest, next: string): void {
    this.#hops.set(`${request.initiator} ${next}`, request);
    if (this.#hops.size <= MAX_WAITING) return;
    const [oldestKey, oldest] = this.#hops.entries().next().value as [string, CapturedRequest];
    this.#hops.delete(oldestKey);
    oldest.state = 'failed';
    oldest.error = NEXT_HOP_MISSING;
  }

  /**
   * The preflight this hop of `request` had: same page, URL and method; the earliest that started
   * after the request did, else the nearest in time.
   */
  #takePreflight(request: CapturedRequest, record: HarRecord): WaitingPreflight | null {
    let best = -1;
    let bestScore = Number.POSITIVE_INFINITY;
    const method = asciiUpper(record.method);
    for (const [i, p] of this.#preflights.entries()) {
      if (p.initiator !== request.initiator || p.url !== record.url) continue;
      if (p.method !== null && p.method !== record.method && p.method !== method) continue;
      const after = p.start >= record.start - CLOCK_SLACK_MS;
      const distance = Math.abs(p.start - record.start);
      if (!after && distance > NEAREST_MS) continue;
      // Any preflight that started after the request beats one that started before it.
      const score = after ? p.start - record.start : NEAREST_MS + distance;
      if (score < bestScore) {
        best = i;
        bestScore = score;
      }
    }
    if (best < 0) return null;
    return this.#preflights.splice(best, 1)[0] ?? null;
  }

  /** A request filed without its preflight that this one served: it gets the preflight and is returned. */
  #lateRequestFor(p: WaitingPreflight): CapturedRequest | null {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const [i, r] of this.#wanting.entries()) {
      if (r.initiator !== p.initiator || r.url !== p.url) continue;
      if (p.method !== null && p.method !== r.method && p.method !== asciiUpper(r.method)) continue;
      const distance = Math.abs(p.start - r.time);
      if (distance <= NEAREST_MS && distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    if (best < 0) return null;
    const [filed] = this.#wanting.splice(best, 1);
    if (!filed) return null;
    // A copy: the log holds the request as it was filed until it takes this one in its place.
    const { cachedFrom: _guess, ...request } = filed;
    return { ...request, preflights: [p.preflight, ...filed.preflights.slice(1)] };
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
