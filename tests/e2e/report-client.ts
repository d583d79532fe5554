/** Reads the extension's report through its public contract, from an extension page, as any extension page would. */
import type { Page } from 'playwright';
import type { ReportEntry, ReportReply, Settings, StatusReply } from '../../extension/shared/messages.ts';
import type { LoadedExtension } from './extension.ts';
import { waitUntil } from './wait.ts';

export class ReportClient {
  private constructor(readonly page: Page) {}

  static async open(ext: LoadedExtension): Promise<ReportClient> {
    const page = await ext.context.newPage();
    await page.goto(ext.url('extension/popup/index.html'));
    return new ReportClient(page);
  }

  /** The id of the (first) tab whose URL starts with `prefix`. */
  async tabId(prefix: string): Promise<number> {
    const id = await this.page.evaluate(async (p) => {
      const tabs = await chrome.tabs.query({});
      return tabs.find((t) => t.url?.startsWith(p))?.id ?? null;
    }, prefix);
    if (id === null) throw new Error(`no tab at ${prefix}`);
    return id;
  }

  report(tabId: number): Promise<ReportReply> {
    return this.page.evaluate((id) => chrome.runtime.sendMessage({ type: 'cors:report', tabId: id }), tabId);
  }

  status(tabId: number): Promise<StatusReply> {
    return this.page.evaluate((id) => chrome.runtime.sendMessage({ type: 'cors:status', tabId: id }), tabId);
  }

  /** Starts or stops recording the tab through webRequest, as the popup's Record and Stop do. */
  record(tabId: number, recording: boolean): Promise<StatusReply> {
    return this.page.evaluate(
      ([id, on]) => chrome.runtime.sendMessage({ type: 'cors:record', tabId: id, recording: on }),
      [tabId, recording] as const,
    );
  }

  /**
   * Waits (30 s at most) until the tab is captured by `capture`: DevTools' log once DevTools has
   * booted and its devtools page serves the tab, or webRequest once the tab records.
   */
  captured(tabId: number, capture: StatusReply['capture']): Promise<StatusReply> {
    return waitUntil(
      () => this.status(tabId),
      (s) => s.capture === capture,
      { what: `${capture} capture of the tab`, timeoutMs: 30_000 },
    );
  }

  /** Changes settings as the panel does, through the typed `cors:settings` message. */
  settings(patch: Partial<Settings>): Promise<Settings> {
    return this.page.evaluate((p) => chrome.runtime.sendMessage({ type: 'cors:settings', patch: p }), patch);
  }
}

/** Opens `url` in a new tab and records it, as the popup's Record does, once capture is armed. */
export async function openRecordingTab(
  ext: LoadedExtension,
  client: ReportClient,
  url: string,
): Promise<{ page: Page; tabId: number }> {
  const page = await ext.context.newPage();
  await page.goto(url);
  const tabId = await client.tabId(url);
  await client.record(tabId, true);
  await waitUntil(
    () => client.status(tabId),
    (s) => s.recording && s.armed,
    { what: `capture for ${url}` },
  );
  return { page, tabId };
}

/** The tab's report once nothing in it is still in flight. */
export async function settledReport(client: ReportClient, tabId: number): Promise<readonly ReportEntry[]> {
  const reply = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.every((e) => e.state !== 'pending'),
    { what: `tab ${tabId} to settle` },
  );
  return reply.entries;
}
