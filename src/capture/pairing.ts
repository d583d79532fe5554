/**
 * Pairs each CORS preflight with the request it was sent for, from webRequest events alone.
 *
 * A preflight is a request of its own (method OPTIONS, its own requestId) and no field links it to
 * its request. It belongs to the oldest pending request with the same tab, frame, document,
 * initiator and current URL, whose method is the preflight's Access-Control-Request-Method, and
 * that has not sent its own headers for that URL yet (nor failed) — a rule that held under
 * concurrency on Chromium. Like DevTools' NetworkLog, whichever arrives first waits in a map of
 * unresolved ones for the other.
 */
import { asciiUpper, combinedValue } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
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
import type { CapturedPreflight, CapturedRequest } from './record.ts';

/** A preflight seen before (or without) its request. */
interface Orphan {
  readonly event: SendHeadersEvent;
  readonly method: string;
  readonly preflight: CapturedPreflight;
}

export interface PairerSnapshot {
  readonly pending: readonly CapturedRequest[];
  readonly orphans: readonly Orphan[];
  readonly owners: readonly (readonly [string, string])[];
  readonly options: readonly BeforeRequestEvent[];
}

export interface PairerUpdate {
  /** Requests that changed and are still in flight. */
  readonly changed: CapturedRequest[];
  /** Requests that reached their end (completed or failed) with this event. */
  readonly finished: CapturedRequest[];
}

/** Orphans and unclassified OPTIONS requests kept at most, so a stream of strays cannot grow memory. */
const MAX_UNRESOLVED = 500;

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

  constructor(snapshot?: PairerSnapshot) {
    if (!snapshot) return;
    for (const r of snapshot.pending) this.#pending.set(r.id, r);
    for (const o of snapshot.orphans) this.#orphans.set(o.preflight.requestId, o);
    for (const [preflight, request] of snapshot.owners) this.#owners.set(preflight, request);
    for (const e of snapshot.options) this.#options.set(e.requestId, e);
  }

  snapshot(): PairerSnapshot {
    return {
      pending: [...this.#pending.values()],
      orphans: [...this.#orphans.values()],
      owners: [...this.#owners.entries()],
      options: [...this.#options.values()],
    };
  }

  pending(): CapturedRequest[] {
    return [...this.#pending.values()];
  }

  /** Forgets everything of one tab (closed, or a new log after navigation). */
  dropTab(tabId: number): void {
    for (const [id, r] of this.#pending) if (r.tabId === tabId) this.#pending.delete(id);
    for (const [id, o] of this.#orphans) if (o.event.tabId === tabId) this.#orphans.delete(id);
    for (const [id, e] of this.#options) if (e.tabId === tabId) this.#options.delete(id);
    const live = new Set(this.#pending.keys());
    for (const [preflight, request] of this.#owners) if (!live.has(request)) this.#owners.delete(preflight);
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
        return this.#end(event.details, 'failed', (event.details as ErrorOccurredEvent).error);
    }
  }

  #beforeRequest(e: BeforeRequestEvent): PairerUpdate {
    if (!isCrossOrigin(e) || this.#pending.has(e.requestId) || this.#owners.has(e.requestId)) return none();
    if (e.method === 'OPTIONS') {
      // Wait for its headers: with Access-Control-Request-Method it is a preflight, not a request.
      this.#options.set(e.requestId, e);
      trim(this.#options);
      return none();
    }
    const request = newRequest(e);
    this.#pending.set(request.id, request);
    this.#adoptOrphan(request);
    return changed(request);
  }

  #sendHeaders(e: SendHeadersEvent): PairerUpdate {
    const ownerId = this.#owners.get(e.requestId);
    if (ownerId !== undefined) return none();
    const known = this.#pending.get(e.requestId);
    if (known) {
      if (known.hop === 0 && known.requestHeaders === null) known.requestHeaders = e.requestHeaders;
      known.hopSentHeaders = true;
      return changed(known);
    }
    if (!isCrossOrigin(e)) return none();
    const requestMethod =
      e.method === 'OPTIONS' ? combinedValue(e.requestHeaders, 'Access-Control-Request-Method') : null;
    const early = this.#options.get(e.requestId);
    this.#options.delete(e.requestId);
    if (requestMethod !== null) return this.#preflight(e, requestMethod);
    // A request whose onBeforeRequest we did not see (capture armed mid-flight), or a page's own OPTIONS.
    const request = newRequest(early ?? e);
    request.requestHeaders = e.requestHeaders;
    request.hopSentHeaders = true;
    this.#pending.set(request.id, request);
    return changed(request);
  }

  #preflight(e: SendHeadersEvent, method: string): PairerUpdate {
    const preflight: CapturedPreflight = {
      requestId: e.requestId,
      requestHeaders: e.requestHeaders,
      status: null,
      responseHeaders: null,
    };
    const owner = this.#findOwner(e, method);
    if (!owner) {
      this.#orphans.set(e.requestId, { event: e, method, preflight });
      trim(this.#orphans);
      return none();
    }
    owner.preflights[owner.hop] = preflight;
    this.#owners.set(e.requestId, owner.id);
    return changed(owner);
  }

  #findOwner(e: RequestEventBase, method: string): CapturedRequest | undefined {
    for (const r of this.#pending.values()) {
      if (matches(r, e, method)) return r;
    }
    return undefined;
  }

  #adoptOrphan(request: CapturedRequest): void {
    for (const [id, orphan] of this.#orphans) {
      if (!matches(request, orphan.event, orphan.method)) continue;
      request.preflights[request.hop] = orphan.preflight;
      this.#owners.set(id, request.id);
      this.#orphans.delete(id);
      return;
    }
  }

  #headersReceived(e: HeadersReceivedEvent): PairerUpdate {
    const owner = this.#preflightOwner(e.requestId);
    if (owner) {
      const preflight = owner.preflights.find((p) => p?.requestId === e.requestId);
      if (preflight) {
        preflight.status = e.statusCode;
        preflight.responseHeaders = e.responseHeaders;
      }
      return changed(owner);
    }
    const orphan = this.#orphans.get(e.requestId);
    if (orphan) {
      orphan.preflight.status = e.statusCode;
      orphan.preflight.responseHeaders = e.responseHeaders;
      return none();
    }
    const request = this.#pending.get(e.requestId);
    if (!request) return none();
    request.responses.push({ url: e.url, status: e.statusCode, headers: e.responseHeaders });
    return changed(request);
  }

  #beforeRedirect(e: BeforeRedirectEvent): PairerUpdate {
    const request = this.#pending.get(e.requestId);
    if (!request) return none();
    const last = request.responses.at(-1);
    if (!last || last.url !== e.url || last.status !== e.statusCode) {
      request.responses.push({ url: e.url, status: e.statusCode, headers: [] });
    }
    // Fetch §4.4 step 12: 301/302 turn POST into GET, 303 turns all but GET/HEAD into GET.
    const method = request.currentMethod;
    const status = e.statusCode;
    if (
      ((status === 301 || status === 302) && method === 'POST') ||
      (status === 303 && method !== 'GET' && method !== 'HEAD')
    ) {
      request.currentMethod = 'GET';
    }
    request.currentUrl = e.redirectUrl;
    request.hop += 1;
    request.hopSentHeaders = false;
    request.preflights[request.hop] = null;
    this.#adoptOrphan(request);
    return changed(request);
  }

  #end(
    e: CompletedEvent | ErrorOccurredEvent,
    state: 'completed' | 'failed',
    error: string | null,
  ): PairerUpdate {
    if (this.#owners.has(e.requestId) || this.#orphans.has(e.requestId)) return none();
    this.#options.delete(e.requestId);
    const request = this.#pending.get(e.requestId);
    if (!request) return none();
    request.state = state;
    request.error = error;
    request.endTime = e.timeStamp;
    this.#pending.delete(request.id);
    for (const [preflight, owner] of this.#owners) if (owner === request.id) this.#owners.delete(preflight);
    return { changed: [], finished: [request] };
  }

  #preflightOwner(preflightId: string): CapturedRequest | undefined {
    const id = this.#owners.get(preflightId);
    return id === undefined ? undefined : this.#pending.get(id);
  }
}

function matches(r: CapturedRequest, e: RequestEventBase, method: string): boolean {
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
    (r.currentMethod === method || asciiUpper(r.currentMethod) === method)
  );
}

function newRequest(e: RequestEventBase): CapturedRequest {
  return {
    id: e.requestId,
    tabId: e.tabId,
    frameId: e.frameId,
    documentId: e.documentId ?? null,
    initiator: e.initiator ?? 'null',
    url: e.url,
    method: e.method,
    type: e.type,
    time: e.timeStamp,
    requestHeaders: null,
    currentUrl: e.url,
    currentMethod: e.method,
    hop: 0,
    hopSentHeaders: false,
    preflights: [null],
    responses: [],
    state: 'pending',
    error: null,
    endTime: null,
  };
}

function trim<K, V>(map: Map<K, V>): void {
  while (map.size > MAX_UNRESOLVED) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

const none = (): PairerUpdate => ({ changed: [], finished: [] });
const changed = (r: CapturedRequest): PairerUpdate => ({ changed: [r], finished: [] });
