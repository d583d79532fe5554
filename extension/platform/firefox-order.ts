/**
 * Firefox fires a request's onSendHeaders when the request is created, before the CORS preflight
 * it waits for even starts (measured in Firefox 153: POST onSendHeaders, then OPTIONS
 * onBeforeRequest…, then the POST's onErrorOccurred). Chrome fires it only once the preflight has
 * passed, and pairing relies on that: a preflight belongs to a request that has not sent its
 * headers yet. So on Firefox a request's onSendHeaders is held back and delivered just before the
 * request's next event, which is when Chrome would have fired it. Pure: tested in Node.
 */
import type { CaptureEvent } from '../../src/capture/events.ts';

/** Held events at most; the oldest is delivered when a flood of requests never answered fills it. */
const MAX_HELD = 1000;

export class SendHeadersOrder {
  readonly #held = new Map<string, CaptureEvent>();

  constructor(private readonly deliver: (event: CaptureEvent) => void) {}

  handle(event: CaptureEvent): void {
    const id = event.details.requestId;
    if (event.kind === 'sendHeaders' && event.details.method !== 'OPTIONS') {
      this.#held.set(id, event);
      if (this.#held.size > MAX_HELD) this.#flushOldest();
      return;
    }
    this.release(id);
    this.deliver(event);
  }

  /** Delivers the held onSendHeaders of one request, if any. */
  release(requestId: string): void {
    const held = this.#held.get(requestId);
    if (!held) return;
    this.#held.delete(requestId);
    this.deliver(held);
  }

  /** Delivers everything held (capture is being disarmed). */
  flush(): void {
    for (const id of [...this.#held.keys()]) this.release(id);
  }

  #flushOldest(): void {
    const oldest = this.#held.keys().next();
    if (!oldest.done) this.release(oldest.value);
  }
}
