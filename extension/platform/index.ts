/**
 * The one place that touches the browser extension API. Everything else imports from here, so a
 * Chrome/Firefox difference lives in this folder only. webextension-polyfill gives the promise-based
 * `browser` namespace on Chrome and is a no-op on Firefox.
 */
import browser from 'webextension-polyfill';

export type { Runtime, Tabs, WebRequest } from 'webextension-polyfill';
export { browser };
