/**
 * The page observer (public/observe-calls.js) on Firefox: registered into pages' own world while a
 * DevTools window serves a tab, and read from the DevTools window. Firefox's webRequest and
 * DevTools log do not say whether CORS hid a response from the page, nor the credentials mode a
 * request asked for; the page's own calls do (see src/capture/page-word.ts). Chrome says both
 * itself (net::ERR_FAILED), so there it is never registered.
 */
import { BROWSER, browser } from './browser.ts';

/** Whether this browser needs the page's own word on its requests. */
export const PAGE_OBSERVER = BROWSER === 'firefox';

const SCRIPT_ID = 'cors-lens-page-observer';

/**
 * Registers the observer for pages loaded from now on that match `patterns` (updated in place when
 * it is there), or takes it away when there are none. In the worker; a failure (an older Firefox
 * without the MAIN world) leaves capture as it was, and is returned.
 */
export async function observePages(patterns: readonly string[]): Promise<string | null> {
  if (!PAGE_OBSERVER) return null;
  try {
    const registered = await browser.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
    if (patterns.length === 0) {
      if (registered.length > 0) await browser.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    } else if (registered.length > 0) {
      await browser.scripting.updateContentScripts([{ id: SCRIPT_ID, matches: [...patterns] }]);
    } else {
      await browser.scripting.registerContentScripts([
        {
          id: SCRIPT_ID,
          js: ['observe-calls.js'],
          matches: [...patterns],
          runAt: 'document_start',
          // The devtools page reads the top frame only: a frame's calls stay unknown.
          allFrames: false,
          world: 'MAIN',
          persistAcrossSessions: false,
        },
      ]);
    }
    return null;
  } catch (err) {
    return String(err);
  }
}

const DRAIN = "(globalThis[Symbol.for('cors-lens.page-calls')]?.drain() ?? null)";

/** In the devtools page: the calls the inspected page made since the last read (untrusted), or null. */
export async function drainPageCalls(): Promise<unknown> {
  if (!PAGE_OBSERVER) return null;
  try {
    const [result, error] = await browser.devtools.inspectedWindow.eval(DRAIN);
    return error ? null : result;
  } catch {
    return null;
  }
}
