/**
 * The last preflight answer each page got for each URL: what Chrome's preflight cache most likely
 * served a request that went out without a preflight of its own (CapturedRequest.cachedFrom).
 * Bounded: the oldest answers go first.
 */
import { combinedValue, type HeaderList } from '../cors/headers.ts';
import type { CapturedRequest } from './record.ts';

export class PreflightAnswers {
  readonly #max: number;
  /** `page origin URL` → when it was answered and its Access-Control-Max-Age; Map order is age. */
  readonly #answers = new Map<string, { time: number; maxAge: string | null }>();

  constructor(max: number) {
    this.#max = max;
  }

  /** A preflight from `initiator` to `url` answered: only a 2xx answer can be cached. */
  note(initiator: string, url: string, status: number, time: number, headers: HeaderList): void {
    if (status < 200 || status > 299) return;
    const key = `${initiator} ${url}`;
    this.#answers.delete(key);
    this.#answers.set(key, { time, maxAge: combinedValue(headers, 'Access-Control-Max-Age') });
    while (this.#answers.size > this.#max) {
      const oldest = this.#answers.keys().next();
      if (oldest.done) break;
      this.#answers.delete(oldest.value);
    }
  }

  /** Marks `request`, which had no preflight, with the answer its page last got for its URL before it started. */
  markCached(request: CapturedRequest): void {
    if (request.preflights[0] != null) return;
    const last = this.#answers.get(`${request.initiator} ${request.url}`);
    if (last && last.time <= request.time) request.cachedFrom = last;
  }

  clear(): void {
    this.#answers.clear();
  }
}
