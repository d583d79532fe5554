/**
 * `import { test, expect } from 'cors-lens/playwright'`: Playwright's `test` with CORS Lens
 * watching every page of the test over Chrome's DevTools protocol. For each request Chrome blocked
 * for CORS, the test gets the report (the extension's Markdown: problems, one fix per server, each
 * failure) as an attachment and one line on the console; with `test.use({ cors: { fail: true } })`
 * the test fails with those lines instead of a bare "Failed to fetch". Chromium only: Firefox and
 * WebKit do not tell a CORS block apart over their protocols, and the test says so.
 */
import { test as base, expect } from '@playwright/test';
import { type CdpEntry, CdpNetworkLog, LATE_EVENTS_MS, NETWORK_EVENTS } from '../cdp/network.ts';
import { culpritText, errorWithParameter } from '../report/describe.ts';
import { renderMarkdown } from '../report/markdown.ts';

export { expect };

export interface CorsLensOptions {
  /** Fail the test when Chrome blocked a request for CORS (default: warn, and attach the report). */
  readonly fail?: boolean;
}

/** How long after the test the late events of its last requests are still taken. */
const SETTLE_MS = 300;

/** "POST http://api/orders — HeaderDisallowedByPreflightResponse (authorization) — Access-Control-Allow-Headers: … — made by load() in app.js line 12, column 5". */
export function failureLine(c: CdpEntry): string {
  const e = c.entry;
  const parts = [`${e.method} ${e.url}`, errorWithParameter(c.chrome.corsError, c.chrome.failedParameter)];
  if (e.verdict?.culprit) parts.push(culpritText(e.verdict.culprit));
  // Not "at url:line:col": Playwright would take the line for a stack frame of its own.
  const at = e.initiatorLocation;
  if (at)
    parts.push(
      `made by ${at.functionName ? `${at.functionName}() in ` : ''}${at.url} line ${at.line}, column ${at.column}`,
    );
  if (c.disagree) {
    parts.push(
      `CORS Lens's engine says ${e.verdict?.blocked ? e.verdict.corsError : 'allowed'} (please report this)`,
    );
  }
  return parts.join(' — ');
}

export const test = base.extend<{ cors: CorsLensOptions; corsLens: readonly CdpEntry[] }>({
  cors: [{ fail: false }, { option: true }],
  corsLens: [
    // `page` first: the test's page is watched before its first request; pages opened later are
    // watched as they open.
    async ({ context, page, browserName, cors }, use, testInfo) => {
      if (browserName !== 'chromium') {
        testInfo.annotations.push({
          type: 'cors-lens',
          description: `CORS Lens sees CORS failures in Chromium only: ${browserName} does not report them over its protocol. This test was not watched.`,
        });
        await use([]);
        return;
      }
      const seen: CdpEntry[] = [];
      const log = new CdpNetworkLog((c) => seen.push(c), SETTLE_MS);
      let pages = 0;
      const watch = async (page: import('@playwright/test').Page) => {
        const key = `page${++pages}`;
        const session = await context.newCDPSession(page);
        for (const name of NETWORK_EVENTS)
          session.on(name, (params: unknown) => log.event(key, name, params));
        await session.send('Network.enable');
      };
      await Promise.all(context.pages().map(watch));
      void page;
      const onPage = (page: import('@playwright/test').Page) => void watch(page).catch(() => {});
      context.on('page', onPage);
      await use(seen);
      context.off('page', onPage);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
      // Requests whose answers Chrome has not handed over yet (late under load) are waited for, a while.
      const deadline = Date.now() + LATE_EVENTS_MS;
      while (log.waiting > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      log.flush();
      const blocked = seen.filter((c) => c.chrome.corsError !== null);
      if (blocked.length === 0) return;
      await testInfo.attach('cors-lens-report.md', {
        body: renderMarkdown(
          seen.map((c) => c.entry),
          { browser: 'chrome' },
        ),
        contentType: 'text/markdown',
      });
      // Not indented: Playwright reads indented lines under an error as its stack.
      const lines = blocked.map((c) => `• ${failureLine(c)}`).join('\n');
      const message = `CORS Lens: Chrome blocked ${blocked.length} request${blocked.length === 1 ? '' : 's'} for CORS:\n${lines}\n(the report is attached: cors-lens-report.md)`;
      if (cors.fail) {
        // The lines are the story: no stack of ours under them.
        const error = new Error(message);
        error.stack = `Error: ${message}`;
        throw error;
      }
      testInfo.annotations.push({ type: 'cors-lens', description: message });
      console.warn(message);
    },
    { auto: true },
  ],
});
