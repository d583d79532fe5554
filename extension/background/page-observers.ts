/**
 * Where the page observer (extension/platform/page-observer.ts, Firefox) goes: the pages of the
 * hosts that the tabs a DevTools window serves are on, and nowhere else. Registered while at least
 * one such tab is open, narrowed as they navigate, taken away when the last DevTools window closes.
 */
import { observePages } from '../platform/page-observer.ts';

/** `http://localhost/*` for a page on http://localhost:3000/… (match patterns carry no port); null for others. */
export function hostPattern(url: string | undefined): string | null {
  try {
    const u = new URL(url ?? '');
    return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.protocol}//${u.hostname}/*` : null;
  } catch {
    return null;
  }
}

export class PageObservers {
  /** Each served tab's host pattern (null while its page is none of http(s)). */
  readonly #served = new Map<number, string | null>();
  #applied = '';
  #changing: Promise<unknown> = Promise.resolve();

  /** `pageOf`: the page a tab is on (its origin, or its URL), as the worker knows it. */
  constructor(
    private readonly notice: (text: string) => void,
    private readonly pageOf: (tabId: number) => string | undefined,
  ) {}

  /** A tab's first DevTools window connected (`on`), or its last one went. */
  served(tabId: number, on: boolean): void {
    if (!on) {
      this.#served.delete(tabId);
      this.#apply();
      return;
    }
    this.#served.set(tabId, hostPattern(this.pageOf(tabId)));
    this.#apply();
  }

  /** A served tab started loading `url`: the observer follows it to its host. */
  navigated(tabId: number, url: string): void {
    if (!this.#served.has(tabId)) return;
    this.#served.set(tabId, hostPattern(url));
    this.#apply();
  }

  /** A started worker: nothing served yet (devtools pages reconnect and say so). */
  reset(): void {
    this.#served.clear();
    this.#applied = 'unknown';
    this.#apply();
  }

  #apply(): void {
    this.#changing = this.#changing.then(async () => {
      const patterns = [...new Set([...this.#served.values()].filter((p): p is string => p !== null))].sort();
      const key = patterns.join(' ');
      if (key === this.#applied) return;
      this.#applied = key;
      const failed = await observePages(patterns);
      if (failed)
        this.notice(`The page observer could not be ${patterns.length > 0 ? 'added' : 'removed'}: ${failed}`);
    });
  }
}
