/**
 * The one place that names the browser extension API. Everything else imports `ext` from here, so
 * a Chrome/Firefox difference lives in this folder only. Chrome (MV3) and Firefox (MV3) both offer
 * the `chrome` namespace with promise-returning methods, which is why no polyfill is needed.
 */
export const ext: typeof chrome = globalThis.chrome;
