/**
 * What the page itself saw of its requests: the credentials mode it asked for and whether the
 * call failed (fetch() rejected, XMLHttpRequest ended in "error"). Firefox's own capture sources do
 * not tell either — its webRequest completes a response that CORS then hides from the page, and
 * its DevTools log lists it as a plain 200 — so on Firefox a small observer in the page
 * (public/observe-calls.js, present only while a DevTools window serves the tab) reports them, and
 * its word is matched here to the requests capture recorded.
 *
 * The observer runs in the page's own world: its records are untrusted text like any header, read
 * field by field, bounded in number and length.
 */
import type { CredentialsMode } from '../cors/exchange.ts';
import type { CapturedRequest } from './record.ts';

/** One call the page made, as the observer saw it. */
export interface PageWord {
  readonly url: string;
  readonly method: string;
  readonly credentials: CredentialsMode;
  /** The call failed (a CORS block or a network error: the page cannot tell which). */
  readonly failed: boolean;
  /** When the page made the call (ms since the epoch). */
  readonly time: number;
}

/** Records read per drain, and kept waiting for their request. */
export const MAX_PAGE_WORDS = 500;
const MAX_URL = 8192;
/** How far apart the page's call and DevTools' start of the request may be. */
export const PAGE_WORD_WINDOW_MS = 3000;

const MODES: readonly CredentialsMode[] = ['omit', 'same-origin', 'include'];

/** The observer's records, those that are well formed; anything else is skipped. */
export function readPageWords(raw: unknown): PageWord[] {
  if (!Array.isArray(raw)) return [];
  const out: PageWord[] = [];
  for (const item of raw.slice(0, MAX_PAGE_WORDS)) {
    if (typeof item !== 'object' || item === null) continue;
    const { u, m, c, f, t } = item as Record<string, unknown>;
    if (typeof u !== 'string' || u.length > MAX_URL || !/^https?:\/\//i.test(u)) continue;
    if (typeof m !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/.test(m)) continue;
    if (typeof c !== 'string' || !MODES.includes(c as CredentialsMode)) continue;
    if (typeof f !== 'boolean' || typeof t !== 'number' || !Number.isFinite(t)) continue;
    out.push({ url: u, method: m.toUpperCase(), credentials: c as CredentialsMode, failed: f, time: t });
  }
  return out;
}

/** The page's words not matched to a request yet, oldest first; bounded. */
export class PageWords {
  #words: PageWord[] = [];

  add(words: readonly PageWord[]): void {
    this.#words.push(...words);
    if (this.#words.length > MAX_PAGE_WORDS) this.#words.splice(0, this.#words.length - MAX_PAGE_WORDS);
  }

  get size(): number {
    return this.#words.length;
  }

  /**
   * The page's word on `request` (same URL and method, made closest to when the request started,
   * within PAGE_WORD_WINDOW_MS), taken out so no other request gets it; null when none.
   */
  take(request: Pick<CapturedRequest, 'url' | 'method' | 'time'>): PageWord | null {
    const method = request.method.toUpperCase();
    let best = -1;
    let distance = PAGE_WORD_WINDOW_MS;
    this.#words.forEach((w, i) => {
      if (w.url !== request.url || w.method !== method) return;
      const d = Math.abs(w.time - request.time);
      if (d <= distance) {
        best = i;
        distance = d;
      }
    });
    if (best < 0) return null;
    const [word] = this.#words.splice(best, 1);
    return word ?? null;
  }

  clear(): void {
    this.#words = [];
  }
}
