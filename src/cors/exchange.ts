/**
 * The engine's input: one cross-origin request as the network saw it, from headers alone.
 * Capture (the extension), HAR import and tests all build this plain object.
 */
import type { HeaderList } from './headers.ts';

export type RequestMode = 'cors' | 'no-cors' | 'same-origin' | 'navigate';
export type CredentialsMode = 'omit' | 'same-origin' | 'include';
export type RedirectMode = 'follow' | 'manual' | 'error';

/** What the server answered to the `OPTIONS` preflight (a redirect's target is in `Location`). */
export interface PreflightRecord {
  readonly status: number;
  readonly headers: HeaderList;
}

/** What the server answered to the request itself; a 3xx with `Location` is a redirect. */
export interface ResponseRecord {
  readonly status: number;
  readonly headers: HeaderList;
}

/** One URL the request visited: the first, then one per redirect followed. */
export interface Hop {
  /** Absent on a redirect hop: then it is the previous response's `Location`. */
  readonly url?: string;
  /** The preflight's response for this URL; null or absent when none was seen. */
  readonly preflight?: PreflightRecord | null;
  /** The response for this URL; null or absent when none arrived (blocked before, or a network error). */
  readonly response?: ResponseRecord | null;
}

export interface Exchange {
  /** The page's origin, serialized (`http://localhost:3000`), as the browser sends it in `Origin`. */
  readonly origin: string;
  readonly url: string;
  /** As the page wrote it; normalized by the engine as `fetch()` does. */
  readonly method: string;
  /** Headers the page set (author request headers), not those the browser adds. */
  readonly requestHeaders: HeaderList;
  readonly mode?: RequestMode;
  /**
   * Fetch's credentials mode (default "same-origin": none for a cross-origin request). "unknown"
   * when the observer could not tell: the verdict is then the one without credentials, and
   * `credentialed` says where sending credentials would have failed instead.
   */
  readonly credentials?: CredentialsMode | 'unknown';
  readonly redirectMode?: RedirectMode;
  readonly preflight?: PreflightRecord | null;
  readonly response?: ResponseRecord | null;
  /** Hops after the first, in order, when the request was redirected. */
  readonly redirects?: readonly Hop[];
  /**
   * The browser refused to reach the URL's address for this page before sending anything (Local
   * Network Access): no CORS header played a part.
   */
  readonly localNetworkDenied?: boolean;
  /** The capture knows no preflight went out although one was needed: Chrome used its preflight cache. */
  readonly preflightCached?: boolean;
  /**
   * What the browser declared in the first preflight (`Access-Control-Request-Method` and
   * `-Headers`), when it was seen. A request blocked at its preflight never shows its own
   * headers to an observer, so these are then the only record of what the page sent; they are
   * also the browser's own answer to "which headers are CORS-unsafe".
   */
  readonly declared?: { readonly method: string | null; readonly headerNames: readonly string[] } | null;
}
