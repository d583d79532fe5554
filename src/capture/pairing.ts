/**
 * Pairs each CORS preflight with the request it was sent for, from webRequest events alone.
 *
 * A preflight is a request of its own (method OPTIONS, its own requestId) and no field links it to
 * its request. It belongs to the oldest pending request with the same tab, frame, document,
 * initiator and current URL, whose method is the preflight's Access-Control-Request-Method, and
 * that has not sent its own headers for that URL yet (nor failed) — a rule that held under
 * concurrency on Chromium. Like DevTools' NetworkLog, whichever arrives first waits in a map of
 * unresolved ones for the other.
 *
 * A request that starts on the page's own origin is followed quietly, and becomes an entry only
 * when a redirect takes it to another origin — followed there, or refused at that redirect (a
 * Location with credentials): CORS applies from that hop on, and the entry is listed under the URL
 * the page asked for, with the whole chain.
 *
 * The service worker can be stopped between any two events. Every change is reported through
 * `takeChanges()` so it can be persisted at once, and an event of a request we hold no record of
 * starts one: nothing the browser still reports is lost.
 */
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { hasUrlCredentials, originOf } from '../cors/origin.ts';
import { CHROME_PREFLIGHT_CACHE, type PreflightCacheRules } from '../cors/preflight-cache.ts';
import { isRedirectStatus, methodAfterRedirect } from '../cors/redirect.ts';
import type {
  BeforeRedirectEvent,
  BeforeRequestEvent,
  CaptureEvent,
  CompletedEvent,
  ErrorOccurredEvent,
  HeadersReceivedEvent,
  RequestEventBase,
  SendHeadersEvent,
} from './events.ts';
import { PreflightAnswers } from './preflight-answers.ts';
import { type CapturedPreflight, type CapturedRequest, startedRequest } from './record.ts';

/** A preflight seen before (or without) its request. */
export interface Orphan {
  readonly event: RequestEventBase;
  /** Its Access-Control-Request-Method; null when its headers were not seen. */
  readonly method: string | null;
  readonly preflight: CapturedPreflight;
}

export interface PairerSnapshot {
  readonly pending: readonly CapturedRequest[];
  readonly orphans: readonly Orphan[];
  readonly options: readonly BeforeRequestEvent[];
}

/**
 * A change to persist: one pending request, orphan preflight or OPTIONS request not yet told
 * apart, by its requestId, with its new value, or null when it is gone. How it is stored is the
 * store's business.
 */
export type PairerChange =
  | { readonly kind: 'pending'; readonly id: string; readonly value: CapturedRequest | null }
  | { readonly kind: 'orphan'; readonly id: string; readonly value: Orphan | null }
  | { readonly kind: 'option'; readonly id: string; readonly value: BeforeRequestEvent | null };

type ChangeKind = PairerChange['kind'];

export interface PairerUpdate {
  /** Requests that changed and are still in flight. */
  readonly changed: CapturedRequest[];
  /** Requests that reached their end (completed or failed) with this event. */
  readonly finished: CapturedRequest[];
}

/** How far a preflight's recorded start may fall before its request's: HAR times are rounded to the millisecond. */
const CLOCK_SLACK_MS = 2;

/** Orphans and unclassified OPTIONS requests kept at most, so a stream of strays cannot grow memory. */
const MAX_UNRESOLVED = 500;

/**
 * In-flight requests kept at most (all tabs): a request whose end never comes (a tab discarded
 * mid-flight, events lost) would stay forever. Past it the oldest is let go, and counted.
 */
export const MAX_PENDING = 10_000;

export function isCrossOrigin(e: Pick<RequestEventBase, 'initiator' | 'url'>): boolean {
  if (!e.initiator) return false;
  const target = originOf(e.url);
  return target !== null && target !== e.initiator;
}

export class Pairer {
  /** In-flight requests; Map order is arrival order, so the first match is the oldest. */
  readonly #pending = new Map<string, CapturedRequest>();
  /** Preflight requestId → the request it belongs to. */
  readonly #owners = new Map<string, string>();
  readonly #orphans = new Map<string, Orphan>();
  /** OPTIONS requests seen in onBeforeRequest: preflight or page request, told apart by their headers. */
  readonly #options = new Map<string, BeforeRequestEvent>();
  /** The preflight answers per page origin and URL, for requests the preflight cache serves. Not persisted. */
  readonly #lastPreflight: PreflightAnswers;
  /** Same-origin requests in flight: entries only if a redirect takes them to another origin. Not persisted. */
  readonly #sameOrigin = new Map<string, CapturedRequest>();
  readonly #changes = new Map<string, PairerChange>();
  #abandoned = 0;

  /** `rules`: the preflight cache of the browser whose events these are. */
  constructor(snapshot?: PairerSnapshot, rules: PreflightCacheRules = CHROME_PREFLIGHT_CACHE) {
    this.#lastPreflight = new PreflightAnswers(MAX_UNRESOLVED, rules);
    if (!snapshot) return;
    for (const r of [...snapshot.pending].sort((a, b) => a.time - b.time)) {
      this.#pending.set(r.id, r);
      for (const p of r.preflights) if (p) this.#owners.set(p.requestId, r.id);
    }
    for (const o of snapshot.orphans) this.#orphans.set(o.preflight.requestId, o);
    for (const e of snapshot.options) this.#options.set(e.requestId, e);
  }

  snapshot(): PairerSnapshot {
    return {
      pending: [...this.#pending.values()],
      orphans: [...this.#orphans.values()],
      options: [...this.#options.values()],
    };
  }

  /** What changed since the last call, in order, for incremental persistence. */
  takeChanges(): PairerChange[] {
    const out = [...this.#changes.values()];
    this.#changes.clear();
    return out;
  }

  pending(): CapturedRequest[] {
    return [...this.#pending.values()];
  }

  /** The preflight with this requestId if it still waits for its request. */
  orphan(preflightRequestId: string): Orphan | undefined {
    return this.#orphans.get(preflightRequestId);
  }

  /** Takes out a preflight still waiting for its request (the source knows that request will not come). */
  releaseOrphan(preflightRequestId: string): Orphan | undefined {
    const orphan = this.#orphans.get(preflightRequestId);
    this.#forget(this.#orphans, 'orphan', preflightRequestId);
    return orphan;
  }

  /** Forgets everything of one tab (closed, or a new log after navigation). */
  dropTab(tabId: number): void {
    for (const [id, r] of this.#pending) if (r.tabId === tabId) this.#forget(this.#pending, 'pending', id);
    for (const [id, o] of this.#orphans)
      if (o.event.tabId === tabId) this.#forget(this.#orphans, 'orphan', id);
    for (const [id, e] of this.#options) if (e.tabId === tabId) this.#forget(this.#options, 'option', id);
    for (const [preflight, request] of this.#owners)
      if (!this.#pending.has(request)) this.#owners.delete(preflight);
  }

  handle(event: CaptureEvent): PairerUpdate {
    switch (event.kind) {
      case 'beforeRequest':
        return this.#beforeRequest(event.details);
      case 'sendHeaders':
        return this.#sendHeaders(event.details);
      case 'headersReceived':
        return this.#headersReceived(event.details);
      case 'beforeRedirect':
        return this.#beforeRedirect(event.details);
      case 'completed':
        return this.#end(event.details, 'completed', null);
      case 'errorOccurred':
        return this.#end(event.details, 'failed', event.details.error);
    }
  }

  #beforeRequest(e: BeforeRequestEvent): PairerUpdate {
    if (this.#pending.has(e.requestId) || this.#owners.has(e.requestId)) return none();
    if (e.method === 'OPTIONS' && !isCrossOrigin(e) && mayRedirectAcross({ ...e, method: 'GET' })) {
      // To the page's own origin, it may still be a preflight: for a request a redirect took away
      // and back (its origin tainted). Its headers will tell; the page's own OPTIONS are let go then.
      this.#remember(this.#options, 'option', e.requestId, e);
      return none();
    }
    if (!isCrossOrigin(e)) {
      if (mayRedirectAcross(e) && !this.#sameOrigin.has(e.requestId)) {
        this.#sameOrigin.set(e.requestId, newRequest(e));
        evictOldest(this.#sameOrigin);
      }
      return none();
    }
    if (e.method === 'OPTIONS') {
      // Wait for its headers: with Access-Control-Request-Method it is a preflight, not a request.
      this.#remember(this.#options, 'option', e.requestId, e);
      return none();
    }
    return changed(this.#start(e));
  }

  #sendHeaders(e: SendHeadersEvent): PairerUpdate {
    if (this.#owners.has(e.requestId)) return none();
    const quiet = this.#sameOrigin.get(e.requestId);
    if (quiet) {
      if (quiet.hop === 0 && quiet.requestHeaders === null) quiet.requestHeaders = e.requestHeaders;
      quiet.hopSentHeaders = true;
      return none();
    }
    const tainted = !isCrossOrigin(e) && this.#options.has(e.requestId);
    if (!this.#pending.has(e.requestId) && (isCrossOrigin(e) || tainted)) {
      const requestMethod =
        e.method === 'OPTIONS' ? combinedValue(e.requestHeaders, 'Access-Control-Request-Method') : null;
      const early = this.#options.get(e.requestId);
      if (early) this.#forget(this.#options, 'option', e.requestId);
      if (requestMethod !== null) return this.#preflight(e, requestMethod);
      // The page's own OPTIONS request to its own origin: nothing of ours.
      if (tainted) return none();
      // A page's own OPTIONS request, or a request whose onBeforeRequest we did not see.
      if (early) this.#start(early);
      else this.#recover(e);
    }
    const known = this.#pending.get(e.requestId);
    if (!known) return none();
    if (known.hop === 0 && known.requestHeaders === null) known.requestHeaders = e.requestHeaders;
    known.hopSentHeaders = true;
    return this.#changed(known);
  }

  #preflight(e: SendHeadersEvent, method: string): PairerUpdate {
    return this.#attachPreflight(e, method, {
      requestId: e.requestId,
      requestHeaders: e.requestHeaders,
      status: null,
      responseHeaders: null,
    });
  }

  #attachPreflight(e: RequestEventBase, method: string | null, preflight: CapturedPreflight): PairerUpdate {
    const owner = this.#findOwner(e, method);
    if (!owner) {
      this.#remember(this.#orphans, 'orphan', preflight.requestId, {
        event: identity(e),
        method,
        preflight,
      });
      return none();
    }
    owner.preflights[owner.hop] = preflight;
    this.#owners.set(preflight.requestId, owner.id);
    return this.#changed(owner);
  }

  #headersReceived(e: HeadersReceivedEvent): PairerUpdate {
    const ownerId = this.#owners.get(e.requestId);
    const owner = ownerId === undefined ? undefined : this.#pending.get(ownerId);
    if (owner) {
      const preflight = owner.preflights.find((p) => p?.requestId === e.requestId);
      if (preflight) {
        preflight.status = e.statusCode;
        preflight.responseHeaders = e.responseHeaders;
      }
      this.#lastPreflight.note(
        owner.initiator,
        e.url,
        e.statusCode,
        e.timeStamp,
        e.responseHeaders,
        preflight?.requestHeaders ?? null,
      );
      return this.#changed(owner);
    }
    const orphan = this.#orphans.get(e.requestId);
    if (orphan) {
      orphan.preflight.status = e.statusCode;
      orphan.preflight.responseHeaders = e.responseHeaders;
      this.#lastPreflight.note(
        orphan.event.initiator ?? 'null',
        e.url,
        e.statusCode,
        e.timeStamp,
        e.responseHeaders,
        orphan.preflight.requestHeaders,
      );
      this.#remember(this.#orphans, 'orphan', e.requestId, orphan);
      return none();
    }
    if (!this.#pending.has(e.requestId) && e.method === 'OPTIONS' && isCrossOrigin(e)) {
      // The answer to an OPTIONS request whose headers we did not see: most likely a preflight.
      this.#forget(this.#options, 'option', e.requestId);
      return this.#attachPreflight(e, null, {
        requestId: e.requestId,
        requestHeaders: [],
        status: e.statusCode,
        responseHeaders: e.responseHeaders,
      });
    }
    const quiet = this.#sameOrigin.get(e.requestId);
    if (quiet) {
      quiet.responses.push({ url: e.url, status: e.statusCode, headers: e.responseHeaders });
      return none();
    }
    const request = this.#pending.get(e.requestId) ?? this.#recover(e);
    if (!request) return none();
    request.responses.push({ url: e.url, status: e.statusCode, headers: e.responseHeaders });
    return this.#changed(request);
  }

  #beforeRedirect(e: BeforeRedirectEvent): PairerUpdate {
    const quiet = this.#sameOrigin.get(e.requestId);
    // Still on the page's origin: followed quietly; to another origin: an entry from here on.
    if (quiet && !crossesTo(quiet, e.redirectUrl)) {
      followRedirect(quiet, e);
      return none();
    }
    const request = quiet ? this.#promote(quiet) : (this.#pending.get(e.requestId) ?? this.#recover(e));
    if (!request) return none();
    followRedirect(request, e);
    this.#adoptOrphan(request);
    return this.#changed(request);
  }

  #end(
    e: CompletedEvent | ErrorOccurredEvent,
    state: 'completed' | 'failed',
    error: string | null,
  ): PairerUpdate {
    if (this.#owners.has(e.requestId) || this.#orphans.has(e.requestId)) return none();
    const quiet = this.#sameOrigin.get(e.requestId);
    if (quiet) {
      this.#sameOrigin.delete(e.requestId);
      // Refused at a redirect to another origin (before anything went there): an entry all the same.
      // A source that does not say it failed (a HAR without Chrome's markers) still shows a
      // redirect to a URL with credentials, which no browser follows for a page's request.
      const last = quiet.responses.at(-1);
      const location = last && isRedirectStatus(last.status) ? combinedValue(last.headers, 'Location') : null;
      const target = location === null ? null : resolveUrl(location, last?.url ?? quiet.currentUrl);
      if (target === null || !crossesTo(quiet, target)) return none();
      if (state !== 'failed' && !hasUrlCredentials(target)) return none();
      const request = this.#promote(quiet);
      request.currentUrl = target;
    }
    const early = this.#options.get(e.requestId);
    if (early) {
      // A page's own OPTIONS request that ended before we saw its headers.
      this.#forget(this.#options, 'option', e.requestId);
      this.#start(early);
    }
    const request = this.#pending.get(e.requestId) ?? this.#recover(e);
    if (!request) return none();
    request.state = state;
    request.error = error;
    request.endTime = e.timeStamp;
    this.#lastPreflight.markCached(request);
    if (state === 'failed') this.#lastPreflight.failed(request.initiator, request.url, e.timeStamp);
    this.#forget(this.#pending, 'pending', request.id);
    for (const [preflight, owner] of this.#owners) if (owner === request.id) this.#owners.delete(preflight);
    return { changed: [], finished: [request] };
  }

  /** A same-origin request a redirect took elsewhere: from now on an entry like any other. */
  #promote(quiet: CapturedRequest): CapturedRequest {
    this.#sameOrigin.delete(quiet.id);
    this.#pending.set(quiet.id, quiet);
    this.#mark('pending', quiet.id, quiet);
    return quiet;
  }

  /** A new pending request, which takes any preflight that was waiting for it. */
  #start(e: RequestEventBase): CapturedRequest {
    const request = newRequest(e);
    this.#pending.set(request.id, request);
    this.#adoptOrphan(request);
    this.#mark('pending', request.id, request);
    while (this.#pending.size > MAX_PENDING) {
      const oldest = this.#pending.get(this.#pending.keys().next().value as string) as CapturedRequest;
      for (const p of oldest.preflights) if (p) this.#owners.delete(p.requestId);
      this.#forget(this.#pending, 'pending', oldest.id);
      this.#abandoned++;
    }
    return request;
  }

  /** In-flight requests let go past MAX_PENDING (their end never came), since this Pairer started. */
  get abandoned(): number {
    return this.#abandoned;
  }

  /**
   * An event of a cross-origin request we hold no record of: its first events came while the
   * worker was stopped, or before capture was armed. A record starts from here on.
   */
  #recover(e: RequestEventBase): CapturedRequest | undefined {
    if (!isCrossOrigin(e) || e.method === 'OPTIONS') return undefined;
    return this.#start(e);
  }

  #findOwner(e: RequestEventBase, method: string | null): CapturedRequest | undefined {
    for (const r of this.#pending.values()) if (matches(r, e, method)) return r;
    return undefined;
  }

  /**
   * A preflight that came before its request waits as an orphan. Of those that fit, the request
   * takes the one that started soonest after it (a preflight never starts before its request; HAR
   * times are rounded to the millisecond): sources that deliver out of order (DevTools' log) then
   * still give each of two alike requests its own. With none after it, the oldest that fits.
   */
  #adoptOrphan(request: CapturedRequest): void {
    let best: string | undefined;
    let bestGap = Infinity;
    let oldest: string | undefined;
    for (const [id, orphan] of this.#orphans) {
      if (!matches(request, orphan.event, orphan.method)) continue;
      oldest ??= id;
      const gap = orphan.event.timeStamp - request.time;
      if (gap >= -CLOCK_SLACK_MS && gap < bestGap) {
        best = id;
        bestGap = gap;
      }
    }
    const id = best ?? oldest;
    const orphan = id === undefined ? undefined : this.#orphans.get(id);
    if (id === undefined || !orphan) return;
    request.preflights[request.hop] = orphan.preflight;
    this.#owners.set(id, request.id);
    this.#forget(this.#orphans, 'orphan', id);
  }

  #changed(r: CapturedRequest): PairerUpdate {
    this.#mark('pending', r.id, r);
    return changed(r);
  }

  #remember<V extends Orphan | BeforeRequestEvent>(
    map: Map<string, V>,
    kind: 'orphan' | 'option',
    id: string,
    value: V,
  ): void {
    map.set(id, value);
    this.#mark(kind, id, value);
    while (map.size > MAX_UNRESOLVED) {
      const oldest = map.keys().next();
      if (oldest.done) break;
      this.#forget(map, kind, oldest.value);
    }
  }

  #forget(map: Map<string, unknown>, kind: ChangeKind, id: string): void {
    if (map.delete(id)) this.#mark(kind, id, null);
  }

  #mark(kind: ChangeKind, id: string, value: PairerChange['value']): void {
    const key = `${kind}:${id}`;
    // Re-inserting moves the key to the end: changes are reported in the order of their last change.
    this.#changes.delete(key);
    this.#changes.set(key, { kind, id, value } as PairerChange);
  }
}

/** Drops the oldest of a map past MAX_UNRESOLVED entries. */
function evictOldest(map: Map<string, unknown>): void {
  while (map.size > MAX_UNRESOLVED) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

/** A same-origin request a redirect could take to another origin: made by a page, not a navigation. */
function mayRedirectAcross(e: RequestEventBase): boolean {
  return (
    e.initiator !== undefined &&
    e.initiator !== 'null' &&
    e.type !== 'main_frame' &&
    e.type !== 'sub_frame' &&
    e.method !== 'OPTIONS'
  );
}

/** Whether `url` is on another origin than the page that made `r`. */
function crossesTo(r: CapturedRequest, url: string): boolean {
  const target = originOf(url);
  return target !== null && target !== r.initiator;
}

function resolveUrl(location: string, base: string): string | null {
  try {
    return new URL(location, base).href;
  } catch {
    return null;
  }
}

/** The next hop of a redirect: its method (Fetch §4.4 step 12, which its preflight announces) and URL. */
function followRedirect(request: CapturedRequest, e: BeforeRedirectEvent): void {
  const last = request.responses.at(-1);
  if (!last || last.url !== e.url || last.status !== e.statusCode) {
    request.responses.push({ url: e.url, status: e.statusCode, headers: [] });
  }
  request.currentMethod = methodAfterRedirect(e.statusCode, request.currentMethod);
  request.currentUrl = e.redirectUrl;
  request.hop += 1;
  request.hopSentHeaders = false;
  request.preflights[request.hop] = null;
}

/** A preflight's identity without its headers, for the orphan map. */
function identity(e: RequestEventBase): RequestEventBase {
  return {
    requestId: e.requestId,
    tabId: e.tabId,
    frameId: e.frameId,
    documentId: e.documentId,
    initiator: e.initiator,
    url: e.url,
    method: e.method,
    type: e.type,
    timeStamp: e.timeStamp,
  };
}

/** `method` null: the preflight's Access-Control-Request-Method was not seen, so any method fits. */
function matches(r: CapturedRequest, e: RequestEventBase, method: string | null): boolean {
  return (
    r.state === 'pending' &&
    !r.hopSentHeaders &&
    r.preflights[r.hop] == null &&
    r.tabId === e.tabId &&
    r.frameId === e.frameId &&
    (r.documentId === null || e.documentId === undefined || r.documentId === e.documentId) &&
    r.initiator === e.initiator &&
    r.currentUrl === e.url &&
    // Access-Control-Request-Method carries the method as the request sends it.
    (method === null || r.currentMethod === method || asciiUpper(r.currentMethod) === method)
  );
}

function newRequest(e: RequestEventBase): CapturedRequest {
  return startedRequest({
    id: e.requestId,
    tabId: e.tabId,
    frameId: e.frameId,
    documentId: e.documentId ?? null,
    initiator: e.initiator ?? 'null',
    url: e.url,
    method: e.method,
    type: e.type,
    time: e.timeStamp,
    source: e.source ?? 'webrequest',
    initiatorLocation: e.initiatorLocation ?? null,
  });
}

const none = (): PairerUpdate => ({ changed: [], finished: [] });
const changed = (r: CapturedRequest): PairerUpdate => ({ changed: [r], finished: [] });
