/**
 * The real-Chromium corpus: cross-origin requests a page makes, and how servers answer them. The
 * raw scenarios are served byte for byte by raw-server.ts (repeated lines, odd spacing, bad
 * lists); the Express scenarios by express-apps.ts with the real `cors` package, configured as
 * people configure it. No expected verdict is written here: Chrome's own, read over CDP, is the
 * expected value.
 */

export interface Origins {
  /** The page: http://localhost:<page port>. */
  readonly page: string;
  /** The raw API: http://127.0.0.1:<api port>. */
  readonly api: string;
  /** The same server under another origin: http://localhost:<api port>. */
  readonly alt: string;
  /** The Express apps: http://127.0.0.1:<express port>. */
  readonly express: string;
  /** The page's server under another origin: http://127.0.0.1:<page port> (raw scenarios only). */
  readonly pageAlt: string;
  /** The Express apps' server under another origin: http://localhost:<express port> (raw scenarios only). */
  readonly far: string;
}

/** The origins a raw scenario's URLs may start on. */
export type RawHost = 'api' | 'alt' | 'page' | 'pageAlt' | 'far';

export type HeaderPairs = ReadonlyArray<readonly [string, string]>;

export interface Reply {
  readonly status: number;
  readonly headers: HeaderPairs;
}

/** How the raw server answers one URL of a scenario: its preflight, and the request itself. */
export interface HopSpec {
  /** Default: 404 without CORS headers, as a server with no OPTIONS handler answers. */
  readonly preflight?: Reply;
  readonly response: Reply;
}

export interface PageRequest {
  readonly method?: string;
  readonly headers?: HeaderPairs;
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  readonly mode?: 'cors' | 'no-cors' | 'same-origin';
  readonly redirect?: 'follow' | 'manual' | 'error';
  readonly body?: string;
  /** Send the same request this many times in a row (preflight cache). Default 1. */
  readonly repeat?: number;
  /** Sent with navigator.sendBeacon (always credentialed; its body's type is the Content-Type header). */
  readonly beacon?: true;
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly request: PageRequest;
  /** Which server and which first URL. */
  readonly target:
    | { readonly server: 'raw'; readonly host: RawHost }
    | { readonly server: 'express'; readonly path: string };
  /** Raw server only: the answer for hop 0, 1, … (a redirect's Location names the next hop). */
  readonly hops?: (o: Origins) => readonly HopSpec[];
}

/** The URL of one hop of a raw scenario. */
export function hopUrl(base: string, id: string, hop: number): string {
  return `${base}/s/${encodeURIComponent(id)}?s=${encodeURIComponent(id)}&hop=${hop}`;
}

/** The URL the page fetches first. */
export function scenarioUrl(s: Scenario, o: Origins): string {
  if (s.target.server === 'raw') return hopUrl(o[s.target.host], s.id, 0);
  const sep = s.target.path.includes('?') ? '&' : '?';
  return `${o.express}${s.target.path}${sep}s=${encodeURIComponent(s.id)}&hop=0`;
}

/** Markup payloads that would run if any view rendered server text as HTML. */
export const XSS = {
  img: '<img src=x onerror=alert(1)>',
  script: '<script>alert(2)</script>',
  svg: '"><svg onload=alert(3)>',
  quote: '\'"><iframe srcdoc=x>',
} as const;

const ACAO = 'Access-Control-Allow-Origin';
const ACAC = 'Access-Control-Allow-Credentials';
const ACAM = 'Access-Control-Allow-Methods';
const ACAH = 'Access-Control-Allow-Headers';
const JSON_BODY = '{"hello":"world"}';
const json = ['Content-Type', 'application/json'] as const;
const auth = ['Authorization', 'Bearer secret-token'] as const;

const ok = (...headers: HeaderPairs): Reply => ({
  status: 200,
  headers: [['Content-Type', 'text/plain'], ...headers],
});
const noContent = (...headers: HeaderPairs): Reply => ({ status: 204, headers });
const status = (code: number, ...headers: HeaderPairs): Reply => ({ status: code, headers });

/** A preflight answer that allows everything the corpus sends, for the page's origin. */
const goodPreflight = (o: Origins, ...extra: HeaderPairs): Reply =>
  noContent(
    [ACAO, o.page],
    [ACAM, 'GET, POST, PUT, PATCH, DELETE'],
    [ACAH, 'Content-Type, Authorization, X-Custom'],
    ...extra,
  );

/** One URL, answered by `response`, with an optional preflight answer. */
const single =
  (response: (o: Origins) => Reply, preflight?: (o: Origins) => Reply) =>
  (o: Origins): HopSpec[] => [
    preflight ? { preflight: preflight(o), response: response(o) } : { response: response(o) },
  ];

const raw = (
  id: string,
  title: string,
  request: PageRequest,
  hops: (o: Origins) => readonly HopSpec[],
  host: RawHost = 'api',
): Scenario => ({ id, title, request, target: { server: 'raw', host }, hops });

const express = (id: string, title: string, path: string, request: PageRequest): Scenario => ({
  id,
  title,
  request,
  target: { server: 'express', path },
});

/**
 * GET: page → 307 to the API → 307 back to the page's origin, whose answer is `back` (the API
 * preflights it first when `preflighted`).
 */
const returning = (
  id: string,
  title: string,
  request: PageRequest,
  back: (o: Origins) => HopSpec,
  preflighted = false,
): Scenario =>
  raw(
    id,
    `GET: page → 307 to the API → 307 back to the page origin, which ${title}`,
    request,
    (o) => [
      { response: status(307, ['Location', hopUrl(o.api, id, 1)]) },
      {
        ...(preflighted ? { preflight: goodPreflight(o) } : {}),
        response: status(307, [ACAO, o.page], ['Location', hopUrl(o.page, id, 2)]),
      },
      back(o),
    ],
    'page',
  );

const putJson: PageRequest = { method: 'PUT', headers: [json], body: JSON_BODY };
const withCreds = (r: PageRequest): PageRequest => ({ ...r, credentials: 'include' });

export const RAW_SCENARIOS: readonly Scenario[] = [
  // Simple requests: only the response's CORS headers matter.
  raw(
    'simple-allowed',
    'GET, ACAO = page origin',
    {},
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'simple-wildcard',
    'GET, ACAO *',
    {},
    single(() => ok([ACAO, '*'])),
  ),
  raw(
    'simple-missing-acao',
    'GET, no ACAO',
    {},
    single(() => ok()),
  ),
  raw(
    'simple-trailing-slash',
    'ACAO with a trailing slash',
    {},
    single((o) => ok([ACAO, `${o.page}/`])),
  ),
  raw(
    'simple-acao-null',
    'ACAO null',
    {},
    single(() => ok([ACAO, 'null'])),
  ),
  raw(
    'simple-acao-uppercase',
    'ACAO with upper-case host',
    {},
    single((o) => ok([ACAO, o.page.replace('localhost', 'LOCALHOST')])),
  ),
  raw(
    'simple-acao-no-scheme',
    'ACAO "localhost"',
    {},
    single(() => ok([ACAO, 'localhost'])),
  ),
  raw(
    'simple-acao-host-port',
    'ACAO "localhost:<port>"',
    {},
    single((o) => ok([ACAO, o.page.replace('http://', '')])),
  ),
  raw(
    'simple-acao-https',
    'ACAO with https instead of http',
    {},
    single((o) => ok([ACAO, o.page.replace('http:', 'https:')])),
  ),
  raw(
    'simple-acao-path',
    'ACAO with a path',
    {},
    single((o) => ok([ACAO, `${o.page}/app`])),
  ),
  raw(
    'simple-acao-wildcard-subdomain',
    'ACAO http://*.localhost:<port>',
    {},
    single((o) => ok([ACAO, o.page.replace('localhost', '*.localhost')])),
  ),
  raw(
    'simple-acao-empty',
    'ACAO empty',
    {},
    single(() => ok([ACAO, ''])),
  ),
  raw(
    'simple-acao-list',
    'ACAO with two origins in one line',
    {},
    single((o) => ok([ACAO, `${o.page}, http://example.test`])),
  ),
  raw(
    'simple-acao-space-list',
    'ACAO with two origins separated by a space',
    {},
    single((o) => ok([ACAO, `${o.page} http://example.test`])),
  ),
  raw(
    'simple-acao-two-lines',
    'ACAO sent twice, different values',
    {},
    single((o) => ok([ACAO, o.page], [ACAO, 'http://example.test'])),
  ),
  raw(
    'simple-acao-two-lines-same',
    'ACAO sent twice, same value',
    {},
    single((o) => ok([ACAO, o.page], [ACAO, o.page])),
  ),
  raw(
    'simple-acao-star-twice',
    'ACAO * sent twice',
    {},
    single(() => ok([ACAO, '*'], [ACAO, '*'])),
  ),
  raw(
    'simple-acao-padded',
    'ACAO padded with spaces',
    {},
    single((o) => ok([ACAO, `   ${o.page}   `])),
  ),
  raw(
    'simple-acao-lowercase-name',
    'access-control-allow-origin in lower case',
    {},
    single((o) => ok(['access-control-allow-origin', o.page])),
  ),
  raw(
    'simple-404-with-acao',
    'GET answered 404 with ACAO (status does not matter)',
    {},
    single((o) => status(404, [ACAO, o.page])),
  ),
  raw(
    'simple-500-no-acao',
    'GET answered 500 without CORS headers',
    {},
    single(() => status(500)),
  ),
  raw(
    'cred-wildcard',
    'credentials, ACAO *',
    withCreds({}),
    single(() => ok([ACAO, '*'], [ACAC, 'true'])),
  ),
  raw(
    'cred-missing-acac',
    'credentials, no ACAC',
    withCreds({}),
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'cred-acac-True',
    'credentials, ACAC "True"',
    withCreds({}),
    single((o) => ok([ACAO, o.page], [ACAC, 'True'])),
  ),
  raw(
    'cred-acac-padded',
    'credentials, ACAC " true "',
    withCreds({}),
    single((o) => ok([ACAO, o.page], [ACAC, ' true '])),
  ),
  raw(
    'cred-acac-twice',
    'credentials, ACAC sent twice',
    withCreds({}),
    single((o) => ok([ACAO, o.page], [ACAC, 'true'], [ACAC, 'true'])),
  ),
  raw(
    'cred-allowed',
    'credentials, exact origin and ACAC true',
    withCreds({}),
    single((o) => ok([ACAO, o.page], [ACAC, 'true'])),
  ),
  raw(
    'cred-same-origin-mode-wildcard',
    'credentials "same-origin" with ACAO *',
    { credentials: 'same-origin' },
    single(() => ok([ACAO, '*'])),
  ),
  raw(
    'cred-omit-acac-false',
    'credentials omitted, ACAC false is ignored',
    { credentials: 'omit' },
    single((o) => ok([ACAO, o.page], [ACAC, 'false'])),
  ),

  // What makes a request need a preflight (the server answers OPTIONS with 404: a preflight fails).
  raw(
    'simple-post-form',
    'POST form-urlencoded is simple',
    { method: 'POST', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'a=1' },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'simple-post-text-charset',
    'POST text/plain;charset=UTF-8 is simple',
    { method: 'POST', headers: [['Content-Type', 'text/plain;charset=UTF-8']], body: 'x' },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'simple-range-single',
    'Range: bytes=0-10 is simple',
    { headers: [['Range', 'bytes=0-10']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'simple-accept-language',
    'Accept-Language with safe bytes is simple',
    { headers: [['Accept-Language', 'en-US,en;q=0.9']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'simple-dpr-client-hint',
    'DPR: 2 (a client hint Chrome safelists)',
    { headers: [['DPR', '2']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-json-charset',
    'Content-Type application/json; charset=utf-8',
    { method: 'POST', headers: [['Content-Type', 'application/json; charset=utf-8']], body: JSON_BODY },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-accept-long',
    'Accept over 128 bytes',
    { headers: [['Accept', `application/json, ${'x'.repeat(130)}`]] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-accept-unsafe-byte',
    'Accept with a "(" byte',
    { headers: [['Accept', 'text/html (x)']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-multi-range',
    'Range with two ranges',
    { headers: [['Range', 'bytes=0-10,20-30']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-suffix-range',
    'Range suffix bytes=-500',
    { headers: [['Range', 'bytes=-500']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-x-requested-with',
    'X-Requested-With',
    { headers: [['X-Requested-With', 'XMLHttpRequest']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-language-underscore',
    'Content-Language with "_"',
    { headers: [['Content-Language', 'en_US']] },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'needs-preflight-dpr-bad-value',
    'DPR with a non-numeric value',
    { headers: [['DPR', 'high']] },
    single((o) => ok([ACAO, o.page])),
  ),

  // Preflights.
  raw(
    'pf-allowed',
    'PUT JSON, good preflight',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => goodPreflight(o),
    ),
  ),
  raw(
    'pf-allowed-200',
    'preflight answered 200 instead of 204',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => ({ ...goodPreflight(o), status: 200 }),
    ),
  ),
  raw(
    'pf-404-no-cors',
    'preflight 404 without CORS headers',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      () => status(404),
    ),
  ),
  raw(
    'pf-405-no-cors',
    'preflight 405 without CORS headers',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      () => status(405, ['Allow', 'GET, PUT']),
    ),
  ),
  raw(
    'pf-404-with-acao',
    'preflight 404 with ACAO',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => status(404, [ACAO, o.page]),
    ),
  ),
  raw(
    'pf-405-with-acao',
    'preflight 405 with ACAO',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => ({ ...goodPreflight(o), status: 405 }),
    ),
  ),
  raw(
    'pf-500-with-acao',
    'preflight 500 with ACAO',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => ({ ...goodPreflight(o), status: 500 }),
    ),
  ),
  raw(
    'pf-401-with-acao',
    'preflight 401 (auth before CORS) with ACAO',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => status(401, [ACAO, o.page], ['WWW-Authenticate', 'Bearer']),
    ),
  ),
  raw(
    'pf-redirect-301',
    'preflight redirected with 301',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => status(301, ['Location', `${o.api}/elsewhere`]),
    ),
  ),
  raw(
    'pf-redirect-307-with-acao',
    'preflight redirected with 307 and ACAO',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => status(307, [ACAO, o.page], ['Location', `${o.api}/elsewhere`]),
    ),
  ),
  raw(
    'pf-wildcard-credentials',
    'preflight ACAO * with credentials',
    withCreds(putJson),
    single(
      (o) => ok([ACAO, o.page], [ACAC, 'true']),
      (o) => ({
        ...goodPreflight(o, [ACAC, 'true']),
        headers: [
          [ACAO, '*'],
          [ACAC, 'true'],
          [ACAM, 'PUT'],
          [ACAH, 'content-type'],
        ],
      }),
    ),
  ),
  raw(
    'pf-origin-mismatch',
    'preflight allows another origin',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      () => noContent([ACAO, 'http://localhost:3000'], [ACAM, 'PUT'], [ACAH, 'content-type']),
    ),
  ),
  raw(
    'pf-origin-multiple',
    'preflight ACAO sent twice',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAO, o.page], [ACAM, 'PUT'], [ACAH, 'content-type']),
    ),
  ),
  raw(
    'pf-origin-invalid',
    'preflight ACAO without scheme',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      () => noContent([ACAO, 'localhost'], [ACAM, 'PUT'], [ACAH, 'content-type']),
    ),
  ),
  raw(
    'pf-credentials-missing',
    'preflight without ACAC, credentials',
    withCreds(putJson),
    single(
      (o) => ok([ACAO, o.page], [ACAC, 'true']),
      (o) => goodPreflight(o),
    ),
  ),
  raw(
    'pf-credentials-wrong',
    'preflight ACAC "yes", credentials',
    withCreds(putJson),
    single(
      (o) => ok([ACAO, o.page], [ACAC, 'true']),
      (o) => goodPreflight(o, [ACAC, 'yes']),
    ),
  ),
  raw(
    'pf-credentials-allowed',
    'preflight with credentials, all right',
    withCreds(putJson),
    single(
      (o) => ok([ACAO, o.page], [ACAC, 'true']),
      (o) => goodPreflight(o, [ACAC, 'true']),
    ),
  ),
  raw(
    'pf-method-missing',
    'PATCH not in Allow-Methods',
    { method: 'PATCH', headers: [json], body: JSON_BODY },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'GET, POST, PUT, DELETE'], [ACAH, 'Content-Type']),
    ),
  ),
  raw(
    'pf-method-lowercase-patch',
    'method "patch" against Allow-Methods PATCH',
    { method: 'patch' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PATCH']),
    ),
  ),
  raw(
    'pf-method-lowercase-put',
    'method "put" (normalized) against PUT',
    { method: 'put' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PUT']),
    ),
  ),
  raw(
    'pf-method-list-lowercase',
    'method PUT against Allow-Methods "put"',
    { method: 'PUT' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'get, put']),
    ),
  ),
  raw(
    'pf-method-delete',
    'DELETE allowed',
    { method: 'DELETE' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'DELETE']),
    ),
  ),
  raw(
    'pf-method-custom',
    'custom method PURGE allowed',
    { method: 'PURGE' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PURGE']),
    ),
  ),
  raw(
    'pf-method-wildcard',
    'Allow-Methods * without credentials',
    { method: 'PATCH' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, '*']),
    ),
  ),
  raw(
    'pf-method-wildcard-credentials',
    'Allow-Methods * with credentials',
    withCreds({ method: 'PATCH' }),
    single(
      (o) => ok([ACAO, o.page], [ACAC, 'true']),
      (o) => noContent([ACAO, o.page], [ACAC, 'true'], [ACAM, '*']),
    ),
  ),
  raw(
    'pf-methods-invalid',
    'Allow-Methods with a quoted name',
    { method: 'PUT' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'GET, "PUT"']),
    ),
  ),
  raw(
    'pf-methods-semicolon',
    'Allow-Methods separated by semicolons',
    { method: 'PUT' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'GET; PUT']),
    ),
  ),
  raw(
    'pf-methods-empty-items',
    'Allow-Methods "PUT,,POST"',
    { method: 'PUT' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PUT,,POST']),
    ),
  ),
  raw(
    'pf-methods-two-lines',
    'Allow-Methods in two lines',
    { method: 'DELETE' },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PUT'], [ACAM, 'DELETE']),
    ),
  ),
  raw(
    'pf-header-missing-authorization',
    'Authorization not in Allow-Headers',
    { headers: [auth] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, 'Content-Type']),
    ),
  ),
  raw(
    'pf-header-missing-content-type',
    'JSON Content-Type not in Allow-Headers',
    putJson,
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PUT']),
    ),
  ),
  raw(
    'pf-header-uppercase',
    'Allow-Headers in upper case',
    { ...putJson, headers: [json, auth] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PUT'], [ACAH, 'CONTENT-TYPE, AUTHORIZATION']),
    ),
  ),
  raw(
    'pf-header-spaces',
    'Allow-Headers with extra spaces',
    { ...putJson, headers: [json, auth] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAM, 'PUT'], [ACAH, '   content-type ,    authorization   ']),
    ),
  ),
  raw(
    'pf-header-wildcard',
    'Allow-Headers * covers X-Custom',
    { headers: [['X-Custom', '1']] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, '*']),
    ),
  ),
  raw(
    'pf-header-wildcard-authorization',
    'Allow-Headers * does not cover Authorization',
    { headers: [auth] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, '*']),
    ),
  ),
  raw(
    'pf-header-wildcard-and-authorization',
    'Allow-Headers "*, Authorization"',
    { headers: [auth, ['X-Custom', '1']] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, '*, Authorization']),
    ),
  ),
  raw(
    'pf-header-wildcard-credentials',
    'Allow-Headers * with credentials',
    withCreds({ headers: [['X-Custom', '1']] }),
    single(
      (o) => ok([ACAO, o.page], [ACAC, 'true']),
      (o) => noContent([ACAO, o.page], [ACAC, 'true'], [ACAH, '*']),
    ),
  ),
  raw(
    'pf-headers-invalid',
    'Allow-Headers separated by semicolons',
    { headers: [['X-Custom', '1']] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, 'content-type; x-custom']),
    ),
  ),
  raw(
    'pf-headers-invalid-slash',
    'Allow-Headers holding a MIME type',
    { headers: [['X-Custom', '1']] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, 'x-custom, application/json']),
    ),
  ),
  raw(
    'pf-headers-two-missing',
    'two custom headers, none allowed',
    {
      headers: [
        ['X-Zeta', '1'],
        ['X-Alpha', '1'],
      ],
    },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, 'content-type']),
    ),
  ),
  raw(
    'pf-headers-two-missing-sorted',
    'two custom headers in alphabetical order, none allowed',
    {
      headers: [
        ['X-Alpha', '1'],
        ['X-Zeta', '1'],
      ],
    },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, 'content-type']),
    ),
  ),
  raw(
    'pf-headers-second-missing',
    'Authorization allowed, X-Custom not',
    { headers: [auth, ['X-Custom', '1']] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, 'authorization']),
    ),
  ),
  raw(
    'pf-headers-two-lines',
    'Allow-Headers in two lines',
    { headers: [auth, ['X-Custom', '1']] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, 'authorization'], [ACAH, 'x-custom']),
    ),
  ),
  raw(
    'pf-ok-response-missing-acao',
    'preflight passes, response lacks ACAO',
    putJson,
    single(
      () => status(500, ['Content-Type', 'text/plain']),
      (o) => goodPreflight(o),
    ),
  ),
  raw(
    'pf-ok-response-missing-acac',
    'preflight passes, response lacks ACAC',
    withCreds(putJson),
    single(
      (o) => ok([ACAO, o.page]),
      (o) => goodPreflight(o, [ACAC, 'true']),
    ),
  ),
  raw(
    'pf-ok-response-mismatch',
    'preflight passes, response ACAO mismatches',
    putJson,
    single(
      () => ok([ACAO, 'http://localhost:3000']),
      (o) => goodPreflight(o),
    ),
  ),
  raw(
    'pf-cache',
    'repeated PUT with Max-Age: second one uses the preflight cache',
    { ...putJson, repeat: 2 },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => goodPreflight(o, ['Access-Control-Max-Age', '600']),
    ),
  ),

  // Redirects.
  raw('redirect-same-server', 'redirect within the API origin', {}, (o) => [
    { response: status(302, [ACAO, o.page], ['Location', hopUrl(o.api, 'redirect-same-server', 1)]) },
    { response: ok([ACAO, o.page]) },
  ]),
  raw('redirect-missing-acao', 'redirect response without ACAO', {}, (o) => [
    { response: status(302, ['Location', hopUrl(o.api, 'redirect-missing-acao', 1)]) },
    { response: ok([ACAO, o.page]) },
  ]),
  raw(
    'redirect-cross-origin-null',
    'redirect to another origin: origin becomes null, ACAO null allows',
    {},
    (o) => [
      { response: status(302, [ACAO, o.page], ['Location', hopUrl(o.alt, 'redirect-cross-origin-null', 1)]) },
      { response: ok([ACAO, 'null']) },
    ],
  ),
  raw(
    'redirect-cross-origin-page-acao',
    'redirect to another origin, target allows the page origin',
    {},
    (o) => [
      {
        response: status(
          302,
          [ACAO, o.page],
          ['Location', hopUrl(o.alt, 'redirect-cross-origin-page-acao', 1)],
        ),
      },
      { response: ok([ACAO, o.page]) },
    ],
  ),
  raw('redirect-cross-origin-wildcard', 'redirect to another origin, target ACAO *', {}, (o) => [
    { response: status(302, [ACAO, '*'], ['Location', hopUrl(o.alt, 'redirect-cross-origin-wildcard', 1)]) },
    { response: ok([ACAO, '*']) },
  ]),
  raw('redirect-credentials-in-location', 'redirect to a URL with user:password', {}, (o) => [
    {
      response: status(
        302,
        [ACAO, o.page],
        [
          'Location',
          hopUrl(o.api.replace('http://', 'http://user:pass@'), 'redirect-credentials-in-location', 1),
        ],
      ),
    },
    { response: ok([ACAO, o.page]) },
  ]),
  raw(
    'redirect-preflighted',
    'preflighted PUT redirected (307) to another origin, no preflight handler there',
    putJson,
    (o) => [
      {
        preflight: goodPreflight(o),
        response: status(307, [ACAO, o.page], ['Location', hopUrl(o.alt, 'redirect-preflighted', 1)]),
      },
      { preflight: status(404), response: ok([ACAO, 'null']) },
    ],
  ),
  raw(
    'redirect-303-post',
    'POST JSON answered 303: the GET that follows needs no preflight',
    { method: 'POST', headers: [json], body: JSON_BODY },
    (o) => [
      {
        preflight: goodPreflight(o),
        response: status(303, [ACAO, o.page], ['Location', hopUrl(o.api, 'redirect-303-post', 1)]),
      },
      { response: ok([ACAO, o.page]) },
    ],
  ),
  // Same-origin first, then another origin: CORS applies from the redirect on (the page server
  // answers the first hop). Facts from WPT fetch/api/cors/cors-redirect*.any.js and Chromium's
  // http/tests/fetch/script-tests/thorough: the entry belongs under the URL the page fetched.
  ...([301, 302, 303, 307, 308] as const).map((code) =>
    raw(
      `so-redirect-${code}-allowed`,
      `same-origin ${code} to the API, which allows the page origin`,
      {},
      (o) => [
        { response: status(code, ['Location', hopUrl(o.api, `so-redirect-${code}-allowed`, 1)]) },
        { response: ok([ACAO, o.page]) },
      ],
      'page',
    ),
  ),
  raw(
    'so-redirect-missing-acao',
    'same-origin 302 to the API, which sends no ACAO',
    {},
    (o) => [
      { response: status(302, ['Location', hopUrl(o.api, 'so-redirect-missing-acao', 1)]) },
      { response: ok() },
    ],
    'page',
  ),
  raw(
    'so-redirect-post-303',
    'same-origin POST JSON answered 303: a GET to the API that needs no preflight, ACAO missing',
    { method: 'POST', headers: [json], body: JSON_BODY },
    (o) => [
      { response: status(303, ['Location', hopUrl(o.api, 'so-redirect-post-303', 1)]) },
      { response: ok() },
    ],
    'page',
  ),
  raw(
    'so-redirect-307-preflighted',
    'same-origin PUT JSON redirected (307) to the API: preflighted there, no OPTIONS handler',
    putJson,
    (o) => [
      { response: status(307, ['Location', hopUrl(o.api, 'so-redirect-307-preflighted', 1)]) },
      { response: ok([ACAO, o.page]) },
    ],
    'page',
  ),
  raw(
    'so-redirect-307-preflight-passes',
    'same-origin PUT JSON redirected (307) to the API, whose preflight allows it',
    putJson,
    (o) => [
      { response: status(307, ['Location', hopUrl(o.api, 'so-redirect-307-preflight-passes', 1)]) },
      { preflight: goodPreflight(o), response: ok([ACAO, o.page]) },
    ],
    'page',
  ),
  raw(
    'so-redirect-credentials',
    'same-origin redirect to the API with user:password in the Location',
    {},
    (o) => [
      {
        response: status(302, [
          'Location',
          hopUrl(o.api.replace('http://', 'http://user:pass@'), 'so-redirect-credentials', 1),
        ]),
      },
      { response: ok([ACAO, o.page]) },
    ],
    'page',
  ),
  raw(
    'so-redirect-tainted',
    'same-origin to the API, then to another origin: the origin becomes null, ACAO page refused',
    {},
    (o) => [
      { response: status(302, ['Location', hopUrl(o.api, 'so-redirect-tainted', 1)]) },
      { response: status(302, [ACAO, o.page], ['Location', hopUrl(o.alt, 'so-redirect-tainted', 2)]) },
      { response: ok([ACAO, o.page]) },
    ],
    'page',
  ),
  raw(
    'so-redirect-tainted-null',
    'same-origin to the API, then to another origin that allows null',
    {},
    (o) => [
      { response: status(302, ['Location', hopUrl(o.api, 'so-redirect-tainted-null', 1)]) },
      { response: status(302, [ACAO, o.page], ['Location', hopUrl(o.alt, 'so-redirect-tainted-null', 2)]) },
      { response: ok([ACAO, 'null']) },
    ],
    'page',
  ),
  // Chains that come back to the page's origin (Firefox's test_CrossSiteXHR.html redirect tables):
  // once a redirect crossed origins the request's origin is tainted, so the hops after it send
  // `Origin: null` — even back on the page's own origin — and an answer naming the page no longer
  // matches (Fetch §4.4 HTTP-redirect fetch, step 13; the CORS check compares with "null").
  returning('return-simple-acao-page', 'answers ACAO: the page origin', {}, (o) => ({
    response: ok([ACAO, o.page]),
  })),
  returning('return-simple-acao-null', 'answers ACAO: null', {}, () => ({ response: ok([ACAO, 'null']) })),
  returning('return-simple-no-acao', 'sends no CORS headers', {}, () => ({ response: ok() })),
  returning(
    'return-preflight-acao-page',
    'with X-Custom: its preflight allows the page origin',
    { headers: [['X-Custom', '1']] },
    (o) => ({ preflight: goodPreflight(o), response: ok([ACAO, o.page]) }),
    true,
  ),
  returning(
    'return-preflight-acao-null',
    'with X-Custom: its preflight and response answer null',
    { headers: [['X-Custom', '1']] },
    () => ({ preflight: noContent([ACAO, 'null'], [ACAH, 'X-Custom']), response: ok([ACAO, 'null']) }),
    true,
  ),
  // Credentials read in Chrome's order: Access-Control-Allow-Origin and -Credentials come before
  // methods and headers, so a credentialed request whose preflight also lacks a header fails on
  // credentials (Chromium's http/tests/fetch/script-tests/thorough, WPT cors-preflight-*). No cookie
  // is sent: what tells capture the mode is Sec-Fetch-Storage-Access, or the beacon itself.
  raw(
    'cred-beacon-json',
    'sendBeacon of a JSON blob: preflighted, credentialed, preflight without ACAC nor ACAH',
    { method: 'POST', headers: [json], body: JSON_BODY, credentials: 'include', beacon: true },
    (o) => [{ preflight: noContent([ACAO, o.page], [ACAM, 'POST']), response: ok([ACAO, o.page]) }],
  ),
  raw(
    'cred-beacon-json-allowed',
    'sendBeacon of a JSON blob, preflight allows it with credentials',
    { method: 'POST', headers: [json], body: JSON_BODY, credentials: 'include', beacon: true },
    (o) => [
      {
        preflight: noContent([ACAO, o.page], [ACAC, 'true'], [ACAH, 'Content-Type']),
        response: ok([ACAO, o.page], [ACAC, 'true']),
      },
    ],
  ),
  raw(
    'cred-get-include-no-acac',
    'GET with credentials: "include" and no cookie, response without ACAC',
    { credentials: 'include' },
    single((o) => ok([ACAO, o.page])),
  ),
  raw('redirect-to-data-url', 'redirect to a data: URL', {}, (o) => [
    { response: status(302, [ACAO, o.page], ['Location', 'data:text/plain,hello']) },
  ]),

  // Request modes.
  raw(
    'mode-same-origin',
    'mode "same-origin" to another origin',
    { mode: 'same-origin' },
    single((o) => ok([ACAO, o.page])),
  ),
  raw(
    'mode-no-cors',
    'mode "no-cors": opaque, never blocked by CORS',
    { mode: 'no-cors' },
    single(() => ok()),
  ),
  raw(
    'mode-no-cors-manual-redirect',
    'mode "no-cors" with redirect "manual"',
    { mode: 'no-cors', redirect: 'manual' },
    single(() => ok()),
  ),

  // Markup in what servers send: it must reach the user as text, everywhere.
  raw(
    'xss-allow-origin',
    'ACAO holding markup',
    {},
    single(() => ok([ACAO, XSS.img])),
  ),
  raw(
    'xss-allow-headers',
    'Allow-Headers holding a script tag',
    { headers: [['X-Custom', XSS.quote]] },
    single(
      (o) => ok([ACAO, o.page]),
      (o) => noContent([ACAO, o.page], [ACAH, XSS.script]),
    ),
  ),
  raw(
    'xss-header-values',
    'allowed, with markup in other response headers',
    {},
    single((o) => ok([ACAO, o.page], ['X-Evil', XSS.svg], ['Link', XSS.script])),
  ),

  // The same server reached under the other loopback name.
  raw(
    'alt-host-allowed',
    'localhost:<api port> is another origin too',
    {},
    single((o) => ok([ACAO, o.page])),
    'alt',
  ),
];

/** Paths are served by express-apps.ts; see the configuration named in each title. */
export const EXPRESS_SCENARIOS: readonly Scenario[] = [
  express(
    'express-classic-get',
    'classic cors({origin: "http://localhost:3000", …}) hit from another origin: GET',
    '/classic/api/data',
    {},
  ),
  express('express-classic-post-json', 'classic config, POST JSON from another origin', '/classic/api/data', {
    method: 'POST',
    headers: [json],
    body: JSON_BODY,
  }),
  express('express-fixed-put-auth', 'origin = page, PUT with JSON and Authorization', '/fixed/api/data', {
    method: 'PUT',
    headers: [json, auth],
    body: JSON_BODY,
  }),
  express('express-fixed-patch', 'origin = page, PATCH not in methods', '/fixed/api/data', {
    method: 'PATCH',
    headers: [json],
    body: JSON_BODY,
  }),
  express('express-fixed-x-api-key', 'origin = page, X-Api-Key not in allowedHeaders', '/fixed/api/data', {
    headers: [['X-Api-Key', 'k']],
  }),
  express('express-fixed-delete', 'origin = page, DELETE', '/fixed/api/data', { method: 'DELETE' }),
  express('express-default-get', 'cors() defaults, GET', '/default/api/data', {}),
  express(
    'express-default-patch-json',
    'cors() defaults, PATCH JSON with Authorization (headers reflected)',
    '/default/api/data',
    { method: 'PATCH', headers: [json, auth], body: JSON_BODY },
  ),
  express(
    'express-default-credentials',
    'cors() defaults with cookies (credentials: "include")',
    '/default/api/data',
    withCreds({}),
  ),
  express(
    'express-no-credentials-option',
    'origin = page without credentials: true, fetch with credentials',
    '/fixed/api/data',
    withCreds({}),
  ),
  express(
    'express-no-credentials-option-put',
    'origin = page without credentials: true, PUT with credentials',
    '/fixed/api/data',
    withCreds(putJson),
  ),
  express(
    'express-credentials',
    'origin: true, credentials: true, PUT with credentials',
    '/reflect/api/data',
    withCreds({ method: 'PUT', headers: [json, auth], body: JSON_BODY }),
  ),
  express('express-origin-array', 'origin: [page, other]', '/list/api/data', putJson),
  express(
    'express-origin-regex-miss',
    'origin: /example\\.com$/ does not match the page',
    '/regex/api/data',
    {},
  ),
  express('express-origin-regex-miss-put', 'origin regex miss, PUT', '/regex/api/data', putJson),
  express('express-route-before-cors', 'route registered before app.use(cors())', '/order/early', {
    method: 'POST',
    headers: [['Content-Type', 'text/plain']],
    body: 'x',
  }),
  express('express-route-before-cors-json', 'route registered before app.use(cors()), JSON', '/order/early', {
    method: 'POST',
    headers: [json],
    body: JSON_BODY,
  }),
  express('express-per-route-cors', 'cors() on app.put only, no app.options', '/perroute/item', putJson),
  express('express-unmounted-path', 'a path no router serves: OPTIONS 404', '/v2/api/data', putJson),
  express(
    'express-preflight-continue',
    'preflightContinue: true with no OPTIONS handler',
    '/continue/api/data',
    putJson,
  ),
  express('express-error-500', 'handler throws, error handler answers 500', '/fixed/api/boom', {}),
  express(
    'express-auth-before-cors',
    'an auth check before cors() answers the preflight 401',
    '/auth/api/data',
    { headers: [auth] },
  ),
  express('express-max-age-cache', 'maxAge: 600, repeated PUT uses the preflight cache', '/cached/api/data', {
    ...putJson,
    repeat: 2,
  }),
];

export const ALL_SCENARIOS: readonly Scenario[] = [...RAW_SCENARIOS, ...EXPRESS_SCENARIOS];

export function scenarioById(id: string): Scenario {
  const found = ALL_SCENARIOS.find((s) => s.id === id);
  if (!found) throw new Error(`no scenario ${id}`);
  return found;
}
