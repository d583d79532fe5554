/**
 * Records a HAR the way a user gets one: Chromium's own DevTools, opened on the tab, builds it with
 * the code behind the Network panel's "Export HAR" (`HAR.Log.Log.build` over DevTools'
 * NetworkLog). Chromium runs with --auto-open-devtools-for-tabs; the DevTools frontend is a target
 * of its own, reached over the page's CDP session with Target.sendMessageToTarget.
 */
import type { CDPSession, Page } from 'playwright';
import { waitUntil } from './wait.ts';

/** Open DevTools for every tab, so the Network panel's log records the page from the start. */
export const DEVTOOLS_ARGS = ['--auto-open-devtools-for-tabs'] as const;

interface CdpReply {
  readonly id: number;
  readonly result?: { result?: { value?: unknown }; exceptionDetails?: { text?: string } };
  readonly error?: { message: string };
}

export class DevToolsHar {
  #next = 0;
  readonly #waiting = new Map<number, (reply: CdpReply) => void>();

  private constructor(
    private readonly cdp: CDPSession,
    private readonly sessionId: string,
  ) {
    cdp.on('Target.receivedMessageFromTarget', (e) => {
      if (e.sessionId !== this.sessionId) return;
      const reply = JSON.parse(e.message) as CdpReply;
      this.#waiting.get(reply.id)?.(reply);
      this.#waiting.delete(reply.id);
    });
  }

  /** Finds the DevTools window inspecting `page` and waits until its network log is recording. */
  static async attach(page: Page): Promise<DevToolsHar> {
    const cdp = await page.context().newCDPSession(page);
    const origin = new URL(page.url()).origin;
    const sessions = new Map<string, DevToolsHar>();
    let found: DevToolsHar | undefined;
    await waitUntil(
      async () => {
        const { targetInfos } = await cdp.send('Target.getTargets');
        // DevTools windows show as "other" targets, and as "page" ones once something attached.
        const windows = targetInfos.filter((t) => t.url.startsWith('devtools://') && t.type !== 'tab');
        for (const t of windows) {
          let tools = sessions.get(t.targetId);
          if (!tools) {
            // A DevTools window can go between the list and the attach (it reloads while it boots).
            const attached = await cdp
              .send('Target.attachToTarget', { targetId: t.targetId, flatten: false })
              .catch(() => null);
            if (!attached) continue;
            const { sessionId } = attached;
            tools = new DevToolsHar(cdp, sessionId);
            sessions.set(t.targetId, tools);
          }
          // While DevTools boots its modules throw ("Unable to create settings"): try again later.
          const inspected = await tools
            .#evaluate(
              `(async () => {
                const SDK = await import('./core/sdk/sdk.js');
                const Logs = await import('./models/logs/logs.js');
                Logs.NetworkLog.NetworkLog.instance();
                return SDK.TargetManager.TargetManager.instance().primaryPageTarget()?.inspectedURL() ?? '';
              })()`,
            )
            .catch(() => null);
          if (typeof inspected === 'string' && inspected.startsWith(origin)) {
            found = tools;
            return true;
          }
        }
        return false;
      },
      (ready) => ready,
      { timeoutMs: 30_000, intervalMs: 250, what: `DevTools opened on ${origin}` },
    );
    if (!found) throw new Error('unreachable: waitUntil returned without a DevTools target');
    return found;
  }

  /** The HAR text DevTools would save now ("Export HAR (with sensitive data)"). */
  async export(): Promise<string> {
    const text = await this.#evaluate(
      `(async () => {
        const Logs = await import('./models/logs/logs.js');
        const HAR = await import('./models/har/har.js');
        const log = await HAR.Log.Log.build(Logs.NetworkLog.NetworkLog.instance().requests(), { sanitize: false });
        return JSON.stringify({ log }, null, 2);
      })()`,
      30_000,
    );
    if (typeof text !== 'string') throw new Error('DevTools returned no HAR');
    return text;
  }

  /** Evaluates in the DevTools frontend; throws what went wrong there (e.g. DevTools still booting). */
  async #evaluate(expression: string, timeoutMs = 3000): Promise<unknown> {
    const id = ++this.#next;
    const reply = new Promise<CdpReply>((resolve) => this.#waiting.set(id, resolve));
    await this.cdp.send('Target.sendMessageToTarget', {
      sessionId: this.sessionId,
      message: JSON.stringify({
        id,
        method: 'Runtime.evaluate',
        params: { expression, awaitPromise: true, returnByValue: true },
      }),
    });
    // DevTools may reload while it boots, taking this session with it: never wait forever.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('DevTools did not answer')), timeoutMs);
    });
    const { result, error } = await Promise.race([reply, timeout]).finally(() => clearTimeout(timer));
    if (error) throw new Error(error.message);
    if (result?.exceptionDetails) throw new Error(result.exceptionDetails.text ?? 'DevTools threw');
    return result?.result?.value;
  }
}

/**
 * The same HAR as another tool (or Firefox) would write it: Chrome's markers (`_resourceType`,
 * `_initiator`, `_error`) removed and another creator named.
 */
export function withoutChromeMarkers(harText: string, creator: string): string {
  const har = JSON.parse(harText) as {
    log: { creator: { name: string }; entries: Record<string, unknown>[] };
  };
  har.log.creator.name = creator;
  for (const e of har.log.entries) {
    delete e._resourceType;
    delete e._initiator;
    delete (e.response as Record<string, unknown>)._error;
  }
  return JSON.stringify(har);
}
