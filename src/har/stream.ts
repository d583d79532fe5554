/**
 * DevTools' network log read as it grows: each entry DevTools finishes (its log so far when
 * DevTools capture starts, then `onRequestFinished`) is replayed at once as the webRequest events
 * it stands for, into the same Pairer as live capture and HAR import.
 *
 * Entries arrive as DevTools finishes them, not as the page started them (measured in Chromium
 * 156: a GET whose body loads slowly arrives after the requests the page made after it). A
 * preflight finishes before its request is even sent, so it normally arrives first and waits in
 * the Pairer for its request. Where a request comes first (its log read in start order, or a
 * request blocked at its preflight, which Chrome times as ending first), a request that needed a
 * preflight is held back a moment for it. A redirected request arrives as one entry per hop: the
 * hop that redirected waits for the next, whose URL its Location names.
 *
 * Firefox's DevTools neither marks preflights nor finishes the requests it blocked at their
 * preflight (measured in Firefox ESR 153: `onRequestFinished` fires for the `OPTIONS` alone): an
 * unmarked preflight that fails by the engine and whose request has not come after a moment
 * stands for that request.
 */
import type { CaptureEvent } from '../capture/events.ts';
import { pageHeaders } from '../capture/exchange.ts';
import { judge } from '../capture/judge.ts';
import { Pairer } from '../capture/pairing.ts';
import type { CapturedRequest } from '../capture/record.ts';
import { combinedValue } from '../cors/headers.ts';
import { preflightReasons } from '../cors/safelist.ts';
import { type HarRecord, readHarEntry } from './read.ts';
import {
  adoptLate,
  hopEvents,
  isPreflight,
  type Push,
  pageOrigin,
  preflightEvents,
  type ReplayBase,
  requestAnnounced,
  startEvent,
  typeOf,
} from './replay.ts';

/** How long a request that needed a preflight waits for one that arrives after it. */
export const PREFLIGHT_WAIT_MS = 500;

/** How long a redirect waits for its next hop before it is taken as the end of the request. */
export const NEXT_HOP_WAIT_MS = 30_000;

export class HarStream {
  readonly #tabId: number;
  readonly #prefix: string;
  #pairer = new Pairer();
  #entries = 0;
  #unreadable = 0;
  /** Redirected requests waiting for their next hop: `origin URL` → request ids, oldest first. */
  readonly #awaitingHop = new Map<string, { id: string; until: number }[]>();
  /** Finished requests that needed a preflight and have none yet. */
  #held: { request: CapturedRequest; until: number }[] = [];
  /** Unmarked preflights (Firefox) waiting for their request: its id in the Pairer, and until when. */
  #heldPreflights: { id: string; until: number }[] = [];

  /** `prefix` keeps the request ids of one DevTools window apart from another's. */
  constructor(tabId: number, prefix = 'devtools') {
    this.#tabId = tabId;
    this.#prefix = prefix;
  }

  /** Entries that could not be read (not a HAR entry): skipped, and counted. */
  get unreadable(): number {
    return this.#unreadable;
  }

  /** One entry DevTools finished; returns the requests it completes, ready for the log. */
  add(entry: unknown, now: number): CapturedRequest[] {
    const record = readHarEntry(entry, this.#entries++);
    if (typeof record === 'string') {
      this.#unreadable++;
      return [];
    }
    return isPreflight(record) ? this.#preflight(record, now) : this.#request(record, now);
  }

  /** Requests whose wait is over: those held for a preflight that never came, redirects that never went on. */
  flush(now: number): CapturedRequest[] {
    const out: CapturedRequest[] = [];
    this.#held = this.#held.filter((h) => {
      if (h.until > now) return true;
      out.push(h.request);
      return false;
    });
    this.#heldPreflights = this.#heldPreflights.filter((h) => {
      if (h.until > now) return true;
      const orphan = this.#pairer.orphan(h.id);
      if (!orphan) return false;
      // A preflight that passed: its request is still to come (it arrives when it finishes).
      const request = requestAnnounced(orphan, this.#tabId, 'devtools');
      if (!judge(request, 'engine').blocked) return false;
      this.#pairer.releaseOrphan(h.id);
      out.push(request);
      return false;
    });
    for (const [key, waiting] of this.#awaitingHop) {
      while (waiting[0] && waiting[0].until <= now) {
        const { id } = waiting.shift() as { id: string };
        const request = this.#pairer.pending().find((r) => r.id === id);
        if (!request) continue;
        const details = {
          ...this.#eventBase(id, request.initiator, request.type),
          url: request.currentUrl,
          method: request.currentMethod,
          timeStamp: now,
          error: 'the next hop of this redirect is not in the log',
        };
        out.push(...this.#handle({ kind: 'errorOccurred', details }));
      }
      if (waiting.length === 0) this.#awaitingHop.delete(key);
    }
    return out;
  }

  /** Requests still in flight: redirected, waiting for their next hop. */
  inFlight(): CapturedRequest[] {
    return this.#pairer.pending();
  }

  /** A new page: what was waiting belongs to the old one. */
  reset(): void {
    this.#pairer = new Pairer();
    this.#awaitingHop.clear();
    this.#held = [];
    this.#heldPreflights = [];
  }

  #preflight(p: HarRecord, now: number): CapturedRequest[] {
    const origin = pageOrigin(p) ?? undefined;
    const base = this.#eventBase(`${this.#prefix}-${p.index}`, origin, 'other');
    // A request that arrived before its preflight, and waits for it, takes it at once.
    const joined = adoptLate(
      {
        event: { ...base, url: p.url, method: 'OPTIONS', timeStamp: p.start },
        method: combinedValue(p.requestHeaders, 'Access-Control-Request-Method'),
        preflight: {
          requestId: base.requestId,
          requestHeaders: p.requestHeaders,
          status: p.status > 0 ? p.status : null,
          responseHeaders: p.status > 0 ? p.responseHeaders : null,
        },
      },
      this.#held.map((h) => h.request),
    );
    if (joined !== null) {
      this.#held = this.#held.filter((h) => h.request !== joined);
      return [joined];
    }
    // Otherwise it waits in the Pairer for its request (or joins a redirect waiting for its next hop).
    const finished: CapturedRequest[] = [];
    preflightEvents(p, base, (_t, _r, event) => finished.push(...this.#handle(event)));
    if (!p.markedPreflight && p.status > 0 && this.#pairer.orphan(base.requestId))
      this.#heldPreflights.push({ id: base.requestId, until: now + PREFLIGHT_WAIT_MS });
    return finished;
  }

  #request(record: HarRecord, now: number): CapturedRequest[] {
    const origin = pageOrigin(record) ?? undefined;
    const key = `${origin ?? ''} ${record.url}`;
    const waiting = this.#awaitingHop.get(key);
    const continued = waiting?.shift();
    if (waiting?.length === 0) this.#awaitingHop.delete(key);
    const id = continued?.id ?? `${this.#prefix}-${record.index}`;
    const base = this.#eventBase(id, origin, typeOf(record));
    // A redirect Chrome refused to follow carries its error: the request ends there.
    const next = record.redirectUrl !== null && record.error === null ? record.redirectUrl : null;
    const events: CaptureEvent[] = [];
    const push: Push = (_t, _r, event) => events.push(event);
    if (!continued) startEvent(record, base, push);
    hopEvents(record, base, push, next);
    const finished: CapturedRequest[] = [];
    for (const event of events) finished.push(...this.#handle(event));
    if (next !== null) {
      const list = this.#awaitingHop.get(`${origin ?? ''} ${next}`) ?? [];
      list.push({ id, until: now + NEXT_HOP_WAIT_MS });
      this.#awaitingHop.set(`${origin ?? ''} ${next}`, list);
    }
    return finished.filter((r) => {
      if (!this.#waitsForPreflight(r, record)) return true;
      this.#held.push({ request: r, until: now + PREFLIGHT_WAIT_MS });
      return false;
    });
  }

  /** It needed a preflight (by the headers it would send, or because it never went out) and has none yet. */
  #waitsForPreflight(r: CapturedRequest, record: HarRecord): boolean {
    if (r.preflights[0] != null || r.hop > 0) return false;
    if (record.status === 0) return true;
    const headers = r.requestHeaders ?? record.requestHeaders;
    if (combinedValue(headers, 'Origin') === null) return false;
    return preflightReasons(r.method, pageHeaders(headers, null)).length > 0;
  }

  /** When the next wait ends (a held request, a redirect waiting for its next hop), or null when nothing waits. */
  nextDeadline(): number | null {
    let next = Number.POSITIVE_INFINITY;
    for (const h of this.#held) next = Math.min(next, h.until);
    for (const h of this.#heldPreflights) next = Math.min(next, h.until);
    for (const waiting of this.#awaitingHop.values()) for (const w of waiting) next = Math.min(next, w.until);
    return Number.isFinite(next) ? next : null;
  }

  #handle(event: CaptureEvent): CapturedRequest[] {
    return this.#pairer.handle(event).finished;
  }

  #eventBase(requestId: string, initiator: string | undefined, type: string): ReplayBase {
    return { requestId, tabId: this.#tabId, frameId: 0, initiator, type, source: 'devtools' };
  }
}
