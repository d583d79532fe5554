/**
 * Chrome's DevTools protocol Network events as captured requests: what `cors-lens --cdp` and the
 * Playwright fixture read from a running Chrome. Plain data in, plain data out — the transport
 * (a WebSocket, Playwright's CDPSession) lives with the caller. CDP pairs each preflight with its
 * request itself (`initiator: { type: "preflight", requestId }`), carries the full headers in its
 * ExtraInfo events, and gives Chrome's own verdict (`loadingFailed.corsErrorStatus`): the entry is
 * judged by the engine, and Chrome's word travels with it.
 */
import { LOCAL_NETWORK_FAILURE } from '../capture/events.ts';
import { judge } from '../capture/judge.ts';
import type { CapturedPreflight, CapturedRequest, SourceLocation } from '../capture/record.ts';
import { withChromePick } from '../cors/diagnose.ts';
import { combinedValue, type HeaderList } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
import { entryOf, type ReportEntry } from '../report/entry.ts';

/** CDP's headers object: one value per name, repeated lines joined by "\n". */
type CdpHeaders = Readonly<Record<string, string>>;

/** What Chrome said about a request it finished: its CORS error (null when it allowed it). */
export interface ChromeWord {
  readonly corsError: string | null;
  readonly failedParameter: string | null;
  readonly errorText: string | null;
}

export interface CdpEntry {
  readonly entry: ReportEntry;
  readonly chrome: ChromeWord;
  /** The engine's verdict differs from Chrome's: both are printed (a bug report for CORS Lens). */
  readonly disagree: boolean;
}

interface Hop {
  url: string;
  method: string;
  sent: HeaderList | null;
  status: number | null;
  received: HeaderList | null;
  preflight: CapturedPreflight | null;
}

interface Tracked {
  readonly id: string;
  readonly pageKey: string;
  readonly type: string;
  readonly time: number;
  readonly initiator: string;
  readonly location: SourceLocation | null;
  readonly hops: Hop[];
}

/** A preflight as it comes in; its hop holds the same object (CDP may announce it before its request). */
interface Preflight {
  readonly requestKey: string;
  readonly record: {
    requestId: string;
    requestHeaders: HeaderList;
    status: number | null;
    responseHeaders: HeaderList | null;
  };
}

/** CDP resource types as webRequest names them (what the engine's request mode reads). */
const TYPES: Readonly<Record<string, string>> = {
  Fetch: 'xmlhttprequest',
  XHR: 'xmlhttprequest',
  Document: 'main_frame',
  Stylesheet: 'stylesheet',
  Script: 'script',
  Image: 'image',
  Font: 'font',
  Media: 'media',
  Ping: 'ping',
  EventSource: 'xmlhttprequest',
};

function headerList(headers: CdpHeaders | undefined): HeaderList {
  if (!headers) return [];
  return Object.entries(headers).flatMap(([name, value]) =>
    value.split('\n').map((v) => ({ name, value: v })),
  );
}

function locationOf(initiator: CdpInitiator | undefined): SourceLocation | null {
  const frame = initiator?.stack?.callFrames?.[0];
  if (!frame) return null;
  return {
    url: frame.url,
    line: frame.lineNumber + 1,
    column: frame.columnNumber + 1,
    functionName: frame.functionName,
  };
}

interface CdpInitiator {
  readonly type: string;
  readonly requestId?: string;
  readonly stack?: {
    readonly callFrames?: readonly {
      readonly url: string;
      readonly lineNumber: number;
      readonly columnNumber: number;
      readonly functionName: string;
    }[];
  };
}

interface CdpRequestWillBeSent {
  readonly requestId: string;
  readonly documentURL?: string;
  readonly request: { readonly url: string; readonly method: string; readonly headers: CdpHeaders };
  readonly wallTime?: number;
  readonly type?: string;
  readonly initiator?: CdpInitiator;
  readonly redirectResponse?: { readonly status: number; readonly headers: CdpHeaders };
}

/** The Network events CdpNetworkLog reads (what a caller subscribes to). */
export const NETWORK_EVENTS = [
  'Network.requestWillBeSent',
  'Network.requestWillBeSentExtraInfo',
  'Network.responseReceived',
  'Network.responseReceivedExtraInfo',
  'Network.loadingFinished',
  'Network.loadingFailed',
] as const;

const READ_EVENTS: ReadonlySet<string> = new Set(NETWORK_EVENTS);

/** How long a finished request may wait for the answer Chrome's verdict speaks of. */
export const LATE_EVENTS_MS = 3000;

/** Chrome's errors about the response itself: one came. */
const RESPONSE_ERRORS = new Set([
  'AllowOriginMismatch',
  'MissingAllowOriginHeader',
  'InvalidAllowCredentials',
  'WildcardOriginNotAllowed',
  'MultipleAllowOriginValues',
  'InvalidAllowOriginValue',
]);

/** Whether Chrome's verdict speaks of an answer (the preflight's, the response's) not seen yet. */
function awaitsAnswer(request: { readonly hops: readonly Hop[] }, said: ChromeWord): boolean {
  const error = said.corsError;
  if (!error) return false;
  const first = request.hops[0];
  const last = request.hops.at(-1);
  if (RESPONSE_ERRORS.has(error)) return last?.status === null;
  if (error.startsWith('Preflight') || error.endsWith('PreflightResponse'))
    return !first?.preflight || first.preflight.status === null;
  return false;
}

/** Unfinished requests (and early ExtraInfo events) kept at most, per kind. */
export const MAX_TRACKED = 10_000;

/** CDP's headers object: names to string values (repeated lines joined by "\n"), nothing else. */
function isHeaders(value: unknown): value is CdpHeaders {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === 'string')
  );
}

/** `Network.requestWillBeSent`'s params, checked field by field; null when they are not that. */
function requestWillBeSent(p: Record<string, unknown>): CdpRequestWillBeSent | null {
  const request = p.request as Record<string, unknown> | null | undefined;
  if (typeof request !== 'object' || request === null) return null;
  if (typeof request.url !== 'string' || typeof request.method !== 'string' || !isHeaders(request.headers))
    return null;
  const redirect = p.redirectResponse as Record<string, unknown> | undefined;
  if (redirect !== undefined && (typeof redirect?.status !== 'number' || !isHeaders(redirect.headers)))
    return null;
  const initiator = p.initiator as Record<string, unknown> | undefined;
  if (
    initiator !== undefined &&
    (typeof initiator !== 'object' || initiator === null || typeof initiator.type !== 'string')
  )
    return null;
  const frames = (initiator?.stack as { callFrames?: unknown } | undefined)?.callFrames;
  const frame = Array.isArray(frames) ? (frames[0] as Record<string, unknown> | undefined) : undefined;
  const location =
    frame &&
    typeof frame.url === 'string' &&
    typeof frame.lineNumber === 'number' &&
    typeof frame.columnNumber === 'number'
      ? [
          {
            url: frame.url,
            lineNumber: frame.lineNumber,
            columnNumber: frame.columnNumber,
            functionName: typeof frame.functionName === 'string' ? frame.functionName : '',
          },
        ]
      : undefined;
  return {
    requestId: p.requestId as string,
    documentURL: typeof p.documentURL === 'string' ? p.documentURL : undefined,
    request: { url: request.url, method: request.method, headers: request.headers },
    wallTime: typeof p.wallTime === 'number' ? p.wallTime : undefined,
    type: typeof p.type === 'string' ? p.type : undefined,
    initiator: initiator
      ? {
          type: initiator.type as string,
          requestId: typeof initiator.requestId === 'string' ? initiator.requestId : undefined,
          stack: location ? { callFrames: location } : undefined,
        }
      : undefined,
    redirectResponse: redirect
      ? { status: redirect.status as number, headers: redirect.headers as CdpHeaders }
      : undefined,
  };
}

/**
 * Follows one browser's Network events — from several pages: `pageKey` tells their request ids
 * apart — and hands each cross-origin request, once finished, to `onEntry`.
 */
export class CdpNetworkLog {
  readonly #requests = new Map<string, Tracked>();
  readonly #preflights = new Map<string, Preflight>();
  /** ExtraInfo events may come before or after the event they complete. */
  readonly #extraSent = new Map<string, HeaderList>();
  readonly #extraReceived = new Map<string, HeaderList>();
  /** Requests Chrome finished, by key, with its word, until their late ExtraInfo events are in. */
  readonly #finished = new Map<string, ChromeWord>();
  #clock = 0;

  /**
   * @param settleMs how long after Chrome finishes a request its late events are still taken.
   */
  constructor(
    private readonly onEntry: (entry: CdpEntry) => void,
    private readonly settleMs = 250,
  ) {}

  /** Events that were not what the protocol says (wrong or missing params): skipped, counted. */
  malformed = 0;
  /** Requests, preflights and early ExtraInfo events let go unfinished, past the caps. */
  dropped = 0;

  /**
   * One CDP event of the page `pageKey` (a session id, a target id). The params come from a socket:
   * each field is checked before use, and an event that is not what the protocol says is skipped
   * and counted (`malformed`), never thrown on. Returns whether the event was taken.
   */
  event(pageKey: string, method: string, params: unknown): boolean {
    // Network events this log does not read (WebTransport, Reporting API…) are not malformed.
    if (!READ_EVENTS.has(method)) return false;
    if (typeof params !== 'object' || params === null) return this.#skip();
    const p = params as Record<string, unknown>;
    if (typeof p.requestId !== 'string') return this.#skip();
    const key = `${pageKey}:${p.requestId}`;
    switch (method) {
      case 'Network.requestWillBeSent': {
        const e = requestWillBeSent(p);
        if (!e) return this.#skip();
        this.#willBeSent(pageKey, key, e);
        break;
      }
      case 'Network.requestWillBeSentExtraInfo':
        if (!isHeaders(p.headers)) return this.#skip();
        this.#sentExtra(key, headerList(p.headers));
        break;
      case 'Network.responseReceived': {
        const response = p.response as { status?: unknown; headers?: unknown } | null;
        if (typeof response !== 'object' || response === null) return this.#skip();
        if (typeof response.status !== 'number' || !isHeaders(response.headers)) return this.#skip();
        this.#received(key, response.status, headerList(response.headers), false);
        break;
      }
      case 'Network.responseReceivedExtraInfo':
        if (typeof p.statusCode !== 'number' || !isHeaders(p.headers)) return this.#skip();
        this.#received(key, p.statusCode, headerList(p.headers), true);
        break;
      case 'Network.loadingFinished':
        this.#finish(key, { corsError: null, failedParameter: null, errorText: null });
        break;
      case 'Network.loadingFailed': {
        const cors = p.corsErrorStatus as { corsError?: unknown; failedParameter?: unknown } | undefined;
        if (typeof p.errorText !== 'string') return this.#skip();
        if (
          cors !== undefined &&
          (typeof cors !== 'object' || cors === null || typeof cors.corsError !== 'string')
        )
          return this.#skip();
        this.#finish(key, {
          corsError: cors ? (cors.corsError as string) : null,
          failedParameter: cors && typeof cors.failedParameter === 'string' ? cors.failedParameter : null,
          errorText: p.errorText as string,
        });
        break;
      }
      default:
        return false;
    }
    this.#bound();
    return true;
  }

  #skip(): false {
    this.malformed++;
    return false;
  }

  /**
   * Requests whose end never comes (a page closed mid-flight, a stream cut) would stay for the
   * session: past MAX_TRACKED the oldest of each map is let go, and counted.
   */
  #bound(): void {
    for (const map of [this.#requests, this.#preflights, this.#extraSent, this.#extraReceived] as Map<
      string,
      unknown
    >[]) {
      while (map.size > MAX_TRACKED) {
        const oldest = map.keys().next().value as string;
        map.delete(oldest);
        this.#finished.delete(oldest);
        this.dropped++;
      }
    }
  }

  #willBeSent(pageKey: string, key: string, e: CdpRequestWillBeSent): void {
    this.#clock = Math.max(this.#clock, (e.wallTime ?? 0) * 1000);
    const sent = this.#extraSent.get(key) ?? headerList(e.request.headers);
    this.#extraSent.delete(key);
    if (e.initiator?.type === 'preflight' && e.initiator.requestId) {
      const requestKey = `${pageKey}:${e.initiator.requestId}`;
      const record = { requestId: key, requestHeaders: sent, status: null, responseHeaders: null };
      this.#preflights.set(key, { requestKey, record });
      const hop = this.#requests.get(requestKey)?.hops.at(-1);
      if (hop) hop.preflight = record;
      return;
    }
    const known = this.#requests.get(key);
    if (known) {
      // A redirect keeps the request id: the previous hop's answer comes with it.
      const last = known.hops.at(-1);
      if (last && e.redirectResponse) {
        last.status = e.redirectResponse.status;
        last.received ??= headerList(e.redirectResponse.headers);
      }
      known.hops.push({
        url: e.request.url,
        method: e.request.method,
        sent,
        status: null,
        received: null,
        preflight: null,
      });
      return;
    }
    // Its preflight may have been announced first.
    let early: Preflight['record'] | null = null;
    for (const p of this.#preflights.values()) if (p.requestKey === key) early = p.record;
    const page = e.documentURL ? originOf(e.documentURL) : null;
    const origin = combinedValue(sent, 'Origin');
    this.#requests.set(key, {
      id: key,
      pageKey,
      type: TYPES[e.type ?? ''] ?? 'other',
      time: (e.wallTime ?? this.#clock / 1000) * 1000,
      initiator: origin && origin !== 'null' ? origin : (page ?? 'null'),
      location: locationOf(e.initiator),
      hops: [
        {
          url: e.request.url,
          method: e.request.method,
          sent,
          status: null,
          received: null,
          preflight: early,
        },
      ],
    });
  }

  #sentExtra(key: string, headers: HeaderList): void {
    const hop = this.#requests.get(key)?.hops.at(-1);
    const preflight = this.#preflights.get(key)?.record;
    // The full headers (Cookie included) replace the provisional ones the first event carried.
    if (hop) hop.sent = headers;
    else if (preflight) preflight.requestHeaders = headers;
    else this.#extraSent.set(key, headers);
  }

  #received(key: string, status: number, headers: HeaderList, raw: boolean): void {
    const preflight = this.#preflights.get(key)?.record;
    if (preflight) {
      preflight.status = status;
      if (raw || preflight.responseHeaders === null) preflight.responseHeaders = headers;
      return;
    }
    const hop = this.#requests.get(key)?.hops.at(-1);
    if (!hop) {
      if (raw) this.#extraReceived.set(key, headers);
      return;
    }
    hop.status = status;
    // The raw headers (ExtraInfo) keep repeated lines apart: they win over the parsed ones.
    if (raw || hop.received === null) hop.received = this.#extraReceived.get(key) ?? headers;
    this.#extraReceived.delete(key);
  }

  #finish(key: string, said: ChromeWord): void {
    if (this.#preflights.has(key)) return;
    const request = this.#requests.get(key);
    if (!request || this.#finished.has(key)) return;
    // CDP does not order its ExtraInfo events (the raw headers) after loadingFailed: a blocked
    // request's response headers, or its preflight's, can come a moment later. Wait that moment.
    this.#finished.set(key, said);
    setTimeout(() => this.#settle(key, Date.now()), this.settleMs);
  }

  /**
   * Emits a finished request — once the answer Chrome's own verdict speaks of is in: an error about
   * the response (AllowOriginMismatch…) means a response came, one about the preflight that its
   * answer came. Under load those events can trail loadingFailed by more than settleMs; judged
   * without them, the request would look refused before any answer. At most LATE_EVENTS_MS.
   */
  #settle(key: string, since: number, force = false): void {
    const request = this.#requests.get(key);
    const said = this.#finished.get(key);
    if (!request || !said) return;
    if (!force && awaitsAnswer(request, said) && Date.now() - since < LATE_EVENTS_MS) {
      setTimeout(() => this.#settle(key, since), this.settleMs);
      return;
    }
    this.#requests.delete(key);
    this.#finished.delete(key);
    for (const [k, p] of this.#preflights) if (p.requestKey === key) this.#preflights.delete(k);
    this.#emit(request, said);
  }

  /** Requests Chrome finished that are not handed over yet (their late events are awaited). */
  get waiting(): number {
    return this.#finished.size;
  }

  /** Hands over every request Chrome finished, without waiting (the browser went away, time ran out). */
  flush(): void {
    for (const key of [...this.#finished.keys()]) this.#settle(key, 0, true);
  }

  #emit(request: Tracked, said: ChromeWord): void {
    const first = request.hops[0] as Hop;
    if (originOf(first.url) === request.initiator || !/^https?:/i.test(first.url)) return;
    const captured = capturedOf(request, said, this.#clock);
    const judgement = judge(captured, 'browser');
    // Several headers missing: Chrome's own pick among them leads, as its message words it.
    const verdict =
      said.corsError === judgement.verdict.corsError && said.failedParameter !== null
        ? withChromePick(judgement.verdict, said.failedParameter)
        : judgement.verdict;
    const entry = entryOf(captured, { ...judgement, verdict });
    const engineError = entry.verdict?.blocked ? entry.verdict.corsError : null;
    this.onEntry({
      entry,
      chrome: said,
      disagree: said.corsError !== null ? engineError !== said.corsError : engineError !== null,
    });
  }
}

function capturedOf(r: Tracked, said: ChromeWord, now: number): CapturedRequest {
  const responded = r.hops.filter((h) => h.status !== null);
  const last = r.hops.at(-1) as Hop;
  const first = r.hops[0] as Hop;
  // A request blocked at its preflight never went out: CDP still shows the headers it would have
  // sent, as webRequest does not; the engine reads those from the preflight, as everywhere else.
  const wentOut = responded.length > 0;
  return {
    id: r.id,
    tabId: 0,
    frameId: 0,
    documentId: null,
    initiator: r.initiator,
    url: first.url,
    method: first.method,
    type: r.type,
    time: r.time,
    source: 'cdp',
    initiatorLocation: r.location,
    requestHeaders: wentOut ? first.sent : null,
    currentUrl: last.url,
    currentMethod: last.method,
    hop: r.hops.length - 1,
    hopSentHeaders: last.status !== null,
    preflights: r.hops.map((h) => h.preflight),
    responses: responded.map((h) => ({ url: h.url, status: h.status as number, headers: h.received ?? [] })),
    state: said.errorText === null ? 'completed' : 'failed',
    // Chrome fails a CORS block with net::ERR_FAILED, as webRequest says it; a Local Network Access
    // refusal is told by its CORS error here, and filed as the error webRequest gives it.
    error:
      said.corsError && /LocalNetwork|PrivateNetwork/.test(said.corsError)
        ? LOCAL_NETWORK_FAILURE
        : said.errorText,
    endTime: now,
  };
}
