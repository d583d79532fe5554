/**
 * Which tabs record, and why. Full capture costs every request in the browser while it is armed,
 * so it is armed only while at least one tab records: a tab on a development origin, a tab whose
 * CORS panel is open, or a tab the user asked to record from the popup — unless DevTools is open
 * on that tab, whose own network log serves it at no cost.
 */
import type { RecordingReason } from '../shared/messages.ts';

export class RecordingTabs {
  readonly #reasons = new Map<number, Set<RecordingReason>>();
  /** Tabs a DevTools window's network log serves: they need no webRequest capture. */
  readonly #served = new Set<number>();
  readonly #onChange: () => void;

  constructor(onChange: () => void) {
    this.#onChange = onChange;
  }

  set(tabId: number, reason: RecordingReason, on: boolean): void {
    const reasons = this.#reasons.get(tabId) ?? new Set<RecordingReason>();
    const had = reasons.has(reason);
    if (on === had) return;
    if (on) reasons.add(reason);
    else reasons.delete(reason);
    if (reasons.size === 0) this.#reasons.delete(tabId);
    else this.#reasons.set(tabId, reasons);
    this.#onChange();
  }

  /** DevTools capture starts or stops serving a tab. */
  serve(tabId: number, on: boolean): void {
    if (on === this.#served.has(tabId)) return;
    if (on) this.#served.add(tabId);
    else this.#served.delete(tabId);
    this.#onChange();
  }

  isServed(tabId: number): boolean {
    return this.#served.has(tabId);
  }

  forget(tabId: number): void {
    const hadReasons = this.#reasons.delete(tabId);
    const wasServed = this.#served.delete(tabId);
    if (hadReasons || wasServed) this.#onChange();
  }

  /** The worker captures this tab through webRequest: it has a reason to, and DevTools does not serve it. */
  isRecording(tabId: number): boolean {
    return this.#reasons.has(tabId) && !this.#served.has(tabId);
  }

  reasons(tabId: number): RecordingReason[] {
    return [...(this.#reasons.get(tabId) ?? [])];
  }

  any(): boolean {
    for (const tabId of this.#reasons.keys()) if (!this.#served.has(tabId)) return true;
    return false;
  }

  /** Tabs the user chose to record: the only reason that must survive a worker restart. */
  userTabs(): number[] {
    return [...this.#reasons].filter(([, r]) => r.has('user')).map(([id]) => id);
  }
}
