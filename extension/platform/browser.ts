/**
 * The browser's extension API, as webextension-polyfill gives it: Firefox's `browser` namespace,
 * or Chrome's `chrome` wrapped with promises and typed the same way (its types model Firefox's own
 * fields, `originUrl` and `documentUrl`). Only extension/platform/ imports this file.
 */
import browser from 'webextension-polyfill';

export { browser };

/** Which browser runs the extension: verdicts lead with that browser's name for the failure. */
export const BROWSER: 'chrome' | 'firefox' = browser.runtime.getURL('').startsWith('moz-extension:')
  ? 'firefox'
  : 'chrome';

/**
 * Who tells whether CORS blocked a captured request. Chrome fails every CORS block with
 * net::ERR_FAILED ('browser'). Firefox's webRequest completes a response that CORS then hides from
 * the page (measured: a 200 without Access-Control-Allow-Origin ends in onCompleted), so there
 * the engine's verdict decides ('engine').
 */
export const CAPTURE_OUTCOME: 'browser' | 'engine' = BROWSER === 'chrome' ? 'browser' : 'engine';
