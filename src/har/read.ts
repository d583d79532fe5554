/**
 * Reading a HAR file (HTTP Archive 1.2, as Chrome's and Firefox's DevTools export it) into plain
 * records: what each request sent and got, when, and the browser's own markers (Chrome's
 * `_resourceType: "preflight"`, `_initiator`, `_error`). Nothing here trusts the file: a HAR is
 * untrusted text that may be corrupt, truncated or huge, and every way it can be wrong gets a
 * message that says what is wrong.
 */
import type { SourceLocation } from '../capture/record.ts';
import type { HeaderLine, HeaderList } from '../cors/headers.ts';

/** Larger files are refused before parsing: JSON.parse would hold the tab (or the CLI) for seconds. */
export const MAX_HAR_BYTES = 200 * 1024 * 1024;

/** Entries kept at most; the rest are counted, never parsed further. */
export const MAX_HAR_ENTRIES = 100_000;

export type HarBrowser = 'chrome' | 'firefox' | 'other';

export interface HarRecord {
  /** Position in `log.entries`. */
  readonly index: number;
  /** ms since the epoch: start, headers sent, headers received, end. */
  readonly start: number;
  readonly sent: number;
  readonly received: number;
  readonly end: number;
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: HeaderList;
  /** 0 when no response came (Chrome writes 0 for a request blocked before it went out). */
  readonly status: number;
  readonly responseHeaders: HeaderList;
  /** The response's Location, resolved, for a redirect; null otherwise. */
  readonly redirectUrl: string | null;
  /** Chrome's `_error` (`net::ERR_FAILED`…); null when it completed or the HAR does not say. */
  readonly error: string | null;
  /** Chrome's `_resourceType` (fetch, xhr, font, preflight…), or null. */
  readonly resourceType: string | null;
  /** True when the browser itself marked the entry as a CORS preflight. */
  readonly markedPreflight: boolean;
  /** A URL of the page or script that started the request, when the HAR names one. */
  readonly initiatorUrl: string | null;
  /** The line of script that made the request: the top frame of Chrome's `_initiator.stack`. */
  readonly initiatorLocation: SourceLocation | null;
}

export interface SkippedEntry {
  readonly index: number;
  readonly reason: string;
}

export type HarReadResult =
  | {
      readonly ok: true;
      readonly browser: HarBrowser;
      /** `log.creator.name` and version, as the file says. */
      readonly creator: string;
      readonly records: readonly HarRecord[];
      /** Entries that could not be read, with why (the first few are worth showing). */
      readonly skipped: readonly SkippedEntry[];
      /** Entries past MAX_HAR_ENTRIES, not read. */
      readonly truncated: number;
    }
  | { readonly ok: false; readonly error: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads HAR text. A file that is not a usable HAR gets `ok: false` and one sentence saying why. */
export function readHar(
  text: string,
  limits: { maxBytes?: number; maxEntries?: number } = {},
): HarReadResult {
  const maxBytes = limits.maxBytes ?? MAX_HAR_BYTES;
  if (text.length > maxBytes) return { ok: false, error: tooLarge(text.length, maxBytes) };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parsed = parseJson(body);
  if (!parsed.ok) return parsed;
  const doc = parsed.value;
  if (!isObject(doc))
    return { ok: false, error: 'Not a HAR: the file holds JSON, but not an object with a "log".' };
  if (doc.format === 'cors-lens-report') {
    return {
      ok: false,
      error:
        'This is a CORS Lens report, not a HAR: open it in the CORS panel, whose "Open HAR…" reads reports too.',
    };
  }
  const log = doc.log;
  if (!isObject(log)) return { ok: false, error: 'Not a HAR: there is no "log" object at the top.' };
  if (!Array.isArray(log.entries))
    return { ok: false, error: 'Not a HAR: "log.entries" is missing or is not a list.' };
  const creator = isObject(log.creator) ? log.creator : {};
  const creatorName = typeof creator.name === 'string' ? creator.name : '';
  const creatorText = [creatorName, typeof creator.version === 'string' ? creator.version : '']
    .filter(Boolean)
    .join(' ');
  const pages = pageUrls(log.pages);
  const records: HarRecord[] = [];
  const skipped: SkippedEntry[] = [];
  const entries = log.entries as unknown[];
  const count = Math.min(entries.length, limits.maxEntries ?? MAX_HAR_ENTRIES);
  let chromeMarkers = false;
  let lastTime = 0;
  for (let index = 0; index < count; index++) {
    const result = readEntry(entries[index], index, pages, lastTime);
    if (typeof result === 'string') {
      skipped.push({ index, reason: result });
      continue;
    }
    records.push(result.record);
    lastTime = result.record.start;
    chromeMarkers ||= result.chromeMarkers;
  }
  const browser: HarBrowser =
    chromeMarkers || creatorName === 'WebInspector'
      ? 'chrome'
      : /firefox/i.test(creatorName)
        ? 'firefox'
        : 'other';
  return { ok: true, browser, creator: creatorText, records, skipped, truncated: entries.length - count };
}

/**
 * One HAR entry on its own (DevTools hands them over one at a time): its record, or why it cannot
 * be read. `index` names it among the entries seen so far.
 */
export function readHarEntry(raw: unknown, index: number): HarRecord | string {
  const read = readEntry(raw, index, new Map(), Date.now());
  return typeof read === 'string' ? read : read.record;
}

/**
 * Whether a live log's entry is over, as far as CORS is concerned: a response arrived (its headers
 * decide) or the request failed (Chrome's `_error`). DevTools' log holds requests still in flight
 * too, with neither; they are read again once they finish.
 */
export function harEntrySettled(raw: unknown): boolean {
  if (!isObject(raw) || !isObject(raw.response)) return false;
  const { status, _error: error } = raw.response;
  return (typeof status === 'number' && status > 0) || (typeof error === 'string' && error !== '');
}

/** The message for a file over the size limit; the CLI and the panel say it before reading. */
export function tooLarge(bytes: number, limit = MAX_HAR_BYTES): string {
  return `This HAR is ${megabytes(bytes)}; the limit is ${megabytes(limit)}. Export only the failing requests (filter the Network panel first) and try again.`;
}

function megabytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const start = text.trimStart();
  if (start === '') return { ok: false, error: 'The file is empty.' };
  if (start.startsWith('<')) return { ok: false, error: 'Not a HAR: the file is HTML or XML, not JSON.' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const message = (err as Error).message;
    // A HAR is one JSON object: other text (CSV, a gzip or zip file) is not cut off, just not JSON.
    if (!start.startsWith('{') && !start.startsWith('['))
      return {
        ok: false,
        error: `Not a HAR: the file is not JSON (it starts with ${JSON.stringify(start.slice(0, 20))}).`,
      };
    // V8 words the end of input differently across versions; all say "end of JSON input" or "Unterminated".
    // A file cut right after a `}` parses up to its end, then wants more: the error is at the end.
    const at = Number(/position (\d+)/.exec(message)?.[1] ?? Number.NaN);
    const atEnd = at >= text.trimEnd().length;
    if (/end of (JSON )?input|Unterminated/i.test(message) || !/[}\]]\s*$/.test(text) || atEnd) {
      return {
        ok: false,
        error: `The HAR is cut off: the JSON ends early (${text.length.toLocaleString('en-US')} characters read). Export it again; a download may have been interrupted.`,
      };
    }
    return {
      ok: false,
      error: `Not a HAR: the file is not valid JSON (${message.replace(/\s+/g, ' ').trim()}).`,
    };
  }
}

/** pageref → the page's URL (Chrome and Firefox write it as the page's title). */
function pageUrls(pages: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(pages)) return out;
  for (const p of pages) {
    if (isObject(p) && typeof p.id === 'string' && typeof p.title === 'string' && /^https?:/i.test(p.title)) {
      out.set(p.id, p.title);
    }
  }
  return out;
}

function readHeaders(value: unknown): HeaderList {
  if (!Array.isArray(value)) return [];
  const out: HeaderLine[] = [];
  for (const h of value) {
    if (!isObject(h) || typeof h.name !== 'string') continue;
    // HTTP/2 and HTTP/3 pseudo-headers (:method, :authority…) are not headers of the request.
    if (h.name.startsWith(':')) continue;
    out.push({ name: h.name, value: typeof h.value === 'string' ? h.value : String(h.value ?? '') });
  }
  return out;
}

/** A phase of HAR timings: -1 (or anything not a finite non-negative number) means "not applicable". */
function phase(timings: Json, name: string): number {
  const v = timings[name];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

function readEntry(
  raw: unknown,
  index: number,
  pages: Map<string, string>,
  lastTime: number,
): { record: HarRecord; chromeMarkers: boolean } | string {
  if (!isObject(raw)) return 'not an object';
  const request = raw.request;
  if (!isObject(request)) return 'no "request"';
  if (typeof request.method !== 'string' || request.method === '') return 'no request method';
  if (typeof request.url !== 'string' || request.url === '') return 'no request URL';
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return `request URL is not a URL: ${request.url.slice(0, 80)}`;
  }
  const response = isObject(raw.response) ? raw.response : {};
  const status =
    typeof response.status === 'number' && Number.isInteger(response.status) ? response.status : 0;
  const responseHeaders = readHeaders(response.headers);
  const parsedStart = typeof raw.startedDateTime === 'string' ? Date.parse(raw.startedDateTime) : Number.NaN;
  // A missing or broken start time keeps the entry in file order.
  const start = Number.isFinite(parsedStart) ? parsedStart : lastTime;
  const timings = isObject(raw.timings) ? raw.timings : {};
  const total = typeof raw.time === 'number' && Number.isFinite(raw.time) && raw.time > 0 ? raw.time : 0;
  const sent =
    start +
    phase(timings, 'blocked') +
    phase(timings, 'dns') +
    phase(timings, 'connect') +
    phase(timings, 'send');
  const received = Math.max(sent + phase(timings, 'wait'), sent);
  const end = Math.max(start + total, received);
  const chromeError = typeof response._error === 'string' && response._error !== '' ? response._error : null;
  const resourceType = typeof raw._resourceType === 'string' ? raw._resourceType : null;
  const initiator = isObject(raw._initiator) ? raw._initiator : null;
  const location = status >= 300 && status < 400 ? redirectTarget(response, responseHeaders, url) : null;
  return {
    record: {
      index,
      start,
      sent,
      received,
      end,
      method: request.method,
      url: url.href === request.url ? request.url : url.href,
      requestHeaders: readHeaders(request.headers),
      status,
      responseHeaders,
      redirectUrl: location,
      error: chromeError,
      resourceType,
      markedPreflight: resourceType === 'preflight' || initiator?.type === 'preflight',
      initiatorUrl: initiatorUrlOf(initiator, raw, pages),
      initiatorLocation: initiatorLocationOf(initiator),
    },
    chromeMarkers: '_error' in response || resourceType !== null || initiator !== null,
  };
}

function redirectTarget(response: Json, headers: HeaderList, base: URL): string | null {
  const fromField =
    typeof response.redirectURL === 'string' && response.redirectURL !== '' ? response.redirectURL : null;
  const location = fromField ?? headers.find((h) => h.name.toLowerCase() === 'location')?.value ?? null;
  if (location === null) return null;
  try {
    return new URL(location, base).href;
  } catch {
    return null;
  }
}

/**
 * The line of code that made the request: the first frame of Chrome's `_initiator.stack` (its
 * lines and columns count from 0; a person counts from 1). An `await` in the page moves the rest
 * of the stack into `parent`: the first frame is still the call.
 */
function initiatorLocationOf(initiator: Json | null): SourceLocation | null {
  const stack = initiator && isObject(initiator.stack) ? initiator.stack : null;
  const frame = stack && Array.isArray(stack.callFrames) ? stack.callFrames[0] : undefined;
  if (!isObject(frame) || typeof frame.url !== 'string' || frame.url === '') return null;
  const line = typeof frame.lineNumber === 'number' && frame.lineNumber >= 0 ? frame.lineNumber + 1 : 1;
  const column =
    typeof frame.columnNumber === 'number' && frame.columnNumber >= 0 ? frame.columnNumber + 1 : 1;
  return {
    url: frame.url,
    line,
    column,
    functionName: typeof frame.functionName === 'string' ? frame.functionName : '',
  };
}

/** Where the request came from: Chrome's `_initiator` (a URL or a script's stack), or the page it belongs to. */
function initiatorUrlOf(initiator: Json | null, raw: Json, pages: Map<string, string>): string | null {
  if (initiator) {
    if (initiator.type !== 'preflight' && typeof initiator.url === 'string') return initiator.url;
    const stack = isObject(initiator.stack) ? initiator.stack : null;
    const frames = stack && Array.isArray(stack.callFrames) ? stack.callFrames : [];
    for (const f of frames)
      if (isObject(f) && typeof f.url === 'string' && /^https?:/i.test(f.url)) return f.url;
  }
  return typeof raw.pageref === 'string' ? (pages.get(raw.pageref) ?? null) : null;
}
