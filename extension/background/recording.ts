/**
 * Which tabs record, and why. Full capture costs every request in the browser while it is armed,
 * so it is armed only while at least one tab records: a tab on a development origin, a tab whose
 * CORS panel is open, or a tab the user asked to record from the popup.
 */
import type { RecordingReason } from '../shared/messages.ts';

export class RecordingTabs {
  readonly #reasons = new Map<number, Set<RecordingReason>>();
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

  forget(tabId: number): void {
    if (this.#reasons.delete(tabId)) this.#onChange();
  }

  isRecording(tabId: number): boolean {
    return this.#reasons.has(tabId);
  }

  reasons(tabId: number): RecordingReason[] {
    return [...(this.#reasons.get(tabId) ?? [])];
  }

  any(): boolean {
    return this.#reasons.size > 0;
  }

  /** Tabs the user chose to record: the only reason that must survive a worker restart. */
  userTabs(): number[] {
    return [...this.#reasons].filter(([, r]) => r.has('user')).map(([id]) => id);
  }
}
