/** Redirects as the network stack and Fetch §4.4 "HTTP-redirect fetch" treat them. */
import { combinedValue, type HeaderList } from './headers.ts';

/**
 * Fetch's redirect statuses (301, 302, 303, 307, 308), plus 300, which Chromium's network stack
 * also follows when it carries a `Location` (net::HttpResponseHeaders::IsRedirectResponseCode).
 */
export function isRedirectStatus(status: number): boolean {
  return status >= 300 && status <= 308 && status !== 304 && status !== 305 && status !== 306;
}

/** A response the network stack treats as a redirect: a redirect status with a `Location`. */
export function isRedirect(status: number, headers: HeaderList): boolean {
  return isRedirectStatus(status) && combinedValue(headers, 'Location') !== null;
}

/**
 * Fetch §4.4 step 12: a 301 or 302 turns a POST into a GET, a 303 turns everything but GET and HEAD
 * into a GET; the request then loses its body and the headers that describe it.
 */
export function redirectBecomesGet(status: number, method: string): boolean {
  return (
    ((status === 301 || status === 302) && method === 'POST') ||
    (status === 303 && method !== 'GET' && method !== 'HEAD')
  );
}

/** The method a request continues with after a redirect of this status. */
export function methodAfterRedirect(status: number, method: string): string {
  return redirectBecomesGet(status, method) ? 'GET' : method;
}

/** Fetch §4.4 step 12: request-body-header names, dropped when a redirect turns the request into a GET. */
export const REQUEST_BODY_HEADERS: ReadonlySet<string> = new Set([
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
]);
