/**
 * Which tabs a DevTools window serves, for the page observer (extension/platform/page-observer.ts):
 * registered while at least one does, taken away when the last DevTools window closes, so pages
 * nobody inspects never carry it.
 */
import { observePages } from '../platform/page-observer.ts';

export class PageObservers {
  readonly #served = new Set<number>();
  #changing: Promise<unknown> = Promise.resolve();

  constructor(private readonly notice: (text: string) => void) {}

  /** A tab's first DevTools window connected (`on`), or its last one went. */
  served(tabId: number, on: boolean): void {
    const before = this.#served.size > 0;
    if (on) this.#served.add(tabId);
    else this.#served.delete(tabId);
    const now = this.#served.size > 0;
    if (before !== now) this.#apply(now);
  }

  /** A started worker: nothing served yet (devtools pages reconnect and say so). */
  reset(): void {
    this.#served.clear();
    this.#apply(false);
  }

  #apply(on: boolean): void {
    this.#changing = this.#changing.then(async () => {
      const failed = await observePages(on);
      if (failed) this.notice(`The page observer could not be ${on ? 'added' : 'removed'}: ${failed}`);
    });
  }
}
