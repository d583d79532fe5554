/**
 * What the status of a preflight response says about the server, whatever its CORS headers say.
 * Fetch §4.9 step 7 needs an ok status (2xx); the other statuses usually point at how the server is
 * put together rather than at its CORS configuration. One reading, used by the verdict's findings
 * and by the fix's structural notes.
 */
export type PreflightStatusMeaning =
  /** 2xx: what a preflight must get. */
  | 'ok'
  /** 3xx: a preflight is never redirected (Fetch §4.9 uses redirect mode "error"). */
  | 'redirect'
  /** 404, 405, 501: nothing answers OPTIONS on that route. */
  | 'no-options-handler'
  /** 401, 403: authentication or authorization runs before CORS. */
  | 'auth-before-cors'
  /** 5xx: the server failed while answering OPTIONS. */
  | 'server-error'
  /** Any other status: not ok, with no usual cause to name. */
  | 'not-ok';

export function preflightStatusMeaning(status: number): PreflightStatusMeaning {
  if (status >= 200 && status <= 299) return 'ok';
  if (status >= 300 && status <= 399) return 'redirect';
  if (status === 404 || status === 405 || status === 501) return 'no-options-handler';
  if (status === 401 || status === 403) return 'auth-before-cors';
  if (status >= 500) return 'server-error';
  return 'not-ok';
}
