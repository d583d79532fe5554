/** Heaps the benchmarks read: the extension's service worker, through a CDP session attached to its target. */
import type { Page } from 'playwright';

const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Heap of the extension's service worker, through a CDP session attached to its target. */
export async function workerHeapMB(page: Page, extId: string): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const target = targetInfos.find(
      (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extId}/`),
    );
    if (!target) throw new Error('no service worker target');
    const { sessionId } = await cdp.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });
    const reply = new Promise<number>((resolve) => {
      cdp.on('Target.receivedMessageFromTarget', (e) => {
        const msg = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } };
        if (msg.id === 2 && msg.result) resolve(msg.result.usedSize);
      });
    });
    // What the worker holds, not what the collector has yet to free: collect first (the reading
    // varied 25-39 MB between runs without it).
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }),
    });
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id: 2, method: 'Runtime.getHeapUsage' }),
    });
    const used = await reply;
    await cdp.send('Target.detachFromTarget', { sessionId });
    return round(used / 1024 / 1024, 1);
  } finally {
    await cdp.detach();
  }
}
