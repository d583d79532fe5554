/** chrome.storage for Node tests: the same contract, a byte quota, and a count of calls. */
import type { StorageArea } from '../../extension/platform/storage.ts';

/** A storage area with chrome.storage's contract and a byte quota, counting calls. */
export class FakeArea implements StorageArea {
  readonly data = new Map<string, unknown>();
  calls = 0;
  constructor(readonly quotaBytes = Number.POSITIVE_INFINITY) {}

  async get(keys?: string | string[] | null): Promise<Record<string, unknown>> {
    const wanted = keys == null ? [...this.data.keys()] : Array.isArray(keys) ? keys : [keys];
    return Object.fromEntries(
      wanted.filter((k) => this.data.has(k)).map((k) => [k, structuredClone(this.data.get(k))]),
    );
  }

  async set(items: Record<string, unknown>): Promise<void> {
    this.calls++;
    const next = new Map(this.data);
    for (const [k, v] of Object.entries(items)) next.set(k, structuredClone(v));
    if (JSON.stringify([...next]).length > this.quotaBytes)
      throw new Error('Session storage quota bytes exceeded.');
    for (const [k, v] of Object.entries(items)) this.data.set(k, structuredClone(v));
  }

  async remove(keys: string | string[]): Promise<void> {
    this.calls++;
    for (const k of Array.isArray(keys) ? keys : [keys]) this.data.delete(k);
  }
}
