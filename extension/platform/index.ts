/**
 * The one place that names the browser extension API. Everything else imports `ext` from here, so
 * a Chrome/Firefox difference lives in this folder only. Chrome (MV3) and Firefox (MV3) both offer
 * the `chrome` namespace with promise-returning methods, which is why no polyfill is needed.
 */
export const ext: typeof chrome = globalThis.chrome;

/** Which browser runs the extension: verdicts lead with that browser's name for the failure. */
export const BROWSER: 'chrome' | 'firefox' = ext?.runtime?.getURL?.('').startsWith('moz-extension:')
  ? 'firefox'
  : 'chrome';

/**
 * Who tells whether CORS blocked a captured request. Chrome fails every CORS block with
 * net::ERR_FAILED ('browser'). Firefox's webRequest completes a response that CORS then hides from
 * the page (measured: a 200 without Access-Control-Allow-Origin ends in onCompleted), so there
 * the engine's verdict decides ('engine').
 */
export const CAPTURE_OUTCOME: 'browser' | 'engine' = BROWSER === 'chrome' ? 'browser' : 'engine';
