/**
 * What each CORS error means, as data: one exhaustive switch, so a `CorsError` without an
 * explanation is a compile error rather than a blank card. Texts are short markdown with named
 * placeholders, filled in and never edited otherwise (a translation replaces the texts and
 * PHRASES, nothing else): `{origin}` (the page's origin as the browser sent it), `{param}`
 * (Chrome's failedParameter: a header name, a method, or the offending value) and `{read}` (what
 * the browser found in the header: see PHRASES).
 */
import type { CorsError, FirefoxReason, Stage } from './errors.ts';

export interface CorsErrorInfo {
  readonly stage: Stage;
  /** One line, the way a developer would say it. */
  readonly title: string;
  /** What the browser checked, what it found, and what the server must do instead. */
  readonly explanation: string;
  /** Firefox's console reason for the same failure, or why Firefox has none. */
  readonly firefox: { readonly reason: FirefoxReason } | { readonly reason: null; readonly note: string };
  /** The standard's section or MDN page that defines the rule. */
  readonly link: string;
}

const FETCH = 'https://fetch.spec.whatwg.org/';
const MDN = 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors/';
const LNA = 'https://wicg.github.io/local-network-access/';
const PNA = 'https://wicg.github.io/private-network-access/';

const noFirefox = (note: string) => ({ reason: null, note }) as const;

interface Prepared {
  readonly info: CorsErrorInfo;
  readonly title: Compiled;
  readonly explanation: Compiled;
}

const PREPARED = new Map<CorsError, Prepared>();

function prepared(error: CorsError): Prepared {
  let entry = PREPARED.get(error);
  if (!entry) {
    const info = infoOf(error);
    entry = { info, title: compile(info.title), explanation: compile(info.explanation) };
    PREPARED.set(error, entry);
  }
  return entry;
}

/** The explanation of one error, made once and kept: verdicts ask for the same few again and again. */
export function corsErrorInfo(error: CorsError): CorsErrorInfo {
  return prepared(error).info;
}

/** An error's title and explanation with the page's origin and Chrome's failedParameter filled in. */
export function errorTexts(
  error: CorsError,
  values: { origin: string; param: string },
): { title: string; explanation: string } {
  const p = prepared(error);
  return { title: fill(p.title, values), explanation: fill(p.explanation, values) };
}

function infoOf(error: CorsError): CorsErrorInfo {
  switch (error) {
    case 'DisallowedByMode':
      return {
        stage: 'request',
        title: 'The request was made with mode "same-origin" to another origin',
        explanation:
          'The page called `fetch()` with `mode: "same-origin"`, which forbids cross-origin requests outright; ' +
          'no server header can allow it. Drop the `mode` option (the default is `"cors"`) or call an URL on {origin}.',
        firefox: noFirefox(
          'Firefox rejects the fetch with a TypeError before any CORS check, so it logs no CORS reason.',
        ),
        link: `${FETCH}#concept-request-mode`,
      };
    case 'InvalidResponse':
      return {
        stage: 'response',
        title: 'The response could not be read as an HTTP response',
        explanation:
          'The browser received something it could not treat as a response for a CORS check (for example an ' +
          'aborted or malformed response). Check the server log and any proxy in between.',
        firefox: { reason: 'CORSDidNotSucceed' },
        link: `${MDN}CORSDidNotSucceed`,
      };
    case 'WildcardOriginNotAllowed':
      return {
        stage: 'response',
        title: '`Access-Control-Allow-Origin: *` cannot be used with credentials',
        explanation:
          'The request carries credentials (cookies or HTTP auth: `credentials: "include"` or `withCredentials`), ' +
          'and for such requests the browser ignores the wildcard. The server must echo the exact origin, ' +
          '`Access-Control-Allow-Origin: {origin}`, add `Access-Control-Allow-Credentials: true` and `Vary: Origin`.',
        firefox: { reason: 'CORSNotSupportingCredentials' },
        link: `${MDN}CORSNotSupportingCredentials`,
      };
    case 'MissingAllowOriginHeader':
      return {
        stage: 'response',
        title: 'The response has no `Access-Control-Allow-Origin` header',
        explanation:
          'The server answered, but without `Access-Control-Allow-Origin`, so the browser hides the response from ' +
          'the page. Send `Access-Control-Allow-Origin: {origin}` on this route, including on error responses ' +
          '(error handlers often skip the CORS middleware).',
        firefox: { reason: 'CORSMissingAllowOrigin' },
        link: `${MDN}CORSMissingAllowOrigin`,
      };
    case 'MultipleAllowOriginValues':
      return {
        stage: 'response',
        title: '`Access-Control-Allow-Origin` holds more than one value',
        explanation:
          'The header must name exactly one origin, but the browser {read}: either a list, or the header ' +
          'sent twice (often once by the app and once by a proxy). Send a single `Access-Control-Allow-Origin: {origin}`, ' +
          'choosing it from your allow-list per request.',
        firefox: { reason: 'CORSMultipleAllowOriginNotAllowed' },
        link: `${MDN}CORSMultipleAllowOriginNotAllowed`,
      };
    case 'InvalidAllowOriginValue':
      return {
        stage: 'response',
        title: '`Access-Control-Allow-Origin` is not a valid origin',
        explanation:
          'The browser {read}, which is not an origin. It must be `*`, `null` or a full origin with scheme, ' +
          'host and port, exactly as the page sends it: `{origin}`.',
        firefox: { reason: 'CORSAllowOriginNotMatchingOrigin' },
        link: `${MDN}CORSAllowOriginNotMatchingOrigin`,
      };
    case 'AllowOriginMismatch':
      return {
        stage: 'response',
        title: '`Access-Control-Allow-Origin` names a different origin',
        explanation:
          'The server allowed `{param}`, but the page is {origin}. The comparison is exact, character for character: ' +
          'scheme, host, port, no trailing slash, no path. Send `Access-Control-Allow-Origin: {origin}`.',
        firefox: { reason: 'CORSAllowOriginNotMatchingOrigin' },
        link: `${MDN}CORSAllowOriginNotMatchingOrigin`,
      };
    case 'InvalidAllowCredentials':
      return {
        stage: 'response',
        title: 'Made with credentials, but `Access-Control-Allow-Credentials` is not `true`',
        explanation:
          'The page made this request with credentials (fetch `credentials: "include"`, XHR `withCredentials`), ' +
          'whether or not a cookie went with it, so the response must carry ' +
          '`Access-Control-Allow-Credentials: true` (lower case, exactly). The browser {read}.',
        firefox: { reason: 'CORSMissingAllowCredentials' },
        link: `${MDN}CORSMissingAllowCredentials`,
      };
    case 'CorsDisabledScheme':
      return {
        stage: 'request',
        title: 'The URL scheme does not support CORS',
        explanation:
          'Cross-origin requests with CORS work only over `http:` and `https:`. The request (or a redirect) pointed ' +
          'at another scheme. Serve the resource over HTTP(S).',
        firefox: { reason: 'CORSRequestNotHttp' },
        link: `${MDN}CORSRequestNotHttp`,
      };
    case 'PreflightInvalidStatus':
      return {
        stage: 'preflight',
        title: 'The preflight (`OPTIONS`) got an error status',
        explanation:
          'The preflight response carried the CORS headers, but its status was not 2xx: the route must answer ' +
          '`OPTIONS` with 204 or 200. What the status points at on the server is said with the findings.',
        firefox: { reason: 'CORSPreflightDidNotSucceed' },
        link: `${MDN}CORSPreflightDidNotSucceed`,
      };
    case 'PreflightDisallowedRedirect':
      return {
        stage: 'preflight',
        title: 'The preflight was redirected',
        explanation:
          'A preflight must be answered directly: browsers never follow a redirect for `OPTIONS`. Typical causes: a ' +
          'trailing-slash redirect, `http` → `https`, or a login redirect. Call the final URL, or answer `OPTIONS` ' +
          'before the redirect rule.',
        firefox: { reason: 'CORSExternalRedirectNotAllowed' },
        link: `${FETCH}#cors-preflight-fetch`,
      };
    case 'PreflightWildcardOriginNotAllowed':
      return {
        stage: 'preflight',
        title: 'The preflight answered `Access-Control-Allow-Origin: *` for a request with credentials',
        explanation:
          'The actual request will carry credentials, so the preflight response must name the origin exactly: ' +
          '`Access-Control-Allow-Origin: {origin}` with `Access-Control-Allow-Credentials: true`.',
        firefox: { reason: 'CORSNotSupportingCredentials' },
        link: `${MDN}CORSNotSupportingCredentials`,
      };
    case 'PreflightMissingAllowOriginHeader':
      return {
        stage: 'preflight',
        title: 'The preflight response has no `Access-Control-Allow-Origin` header',
        explanation:
          'The server answered the `OPTIONS` request without CORS headers. Most often nothing handles `OPTIONS` on ' +
          'this route (look at the status: 404 or 405), or the route is registered before the CORS middleware. ' +
          'Answer `OPTIONS` with `Access-Control-Allow-Origin: {origin}` and the allowed methods and headers.',
        firefox: { reason: 'CORSMissingAllowOrigin' },
        link: `${MDN}CORSMissingAllowOrigin`,
      };
    case 'PreflightMultipleAllowOriginValues':
      return {
        stage: 'preflight',
        title: 'The preflight response has more than one `Access-Control-Allow-Origin` value',
        explanation:
          'The browser {read} in the preflight response. Send the header once, with the single origin ' +
          '{origin}; check whether both the app and a proxy add it.',
        firefox: { reason: 'CORSMultipleAllowOriginNotAllowed' },
        link: `${MDN}CORSMultipleAllowOriginNotAllowed`,
      };
    case 'PreflightInvalidAllowOriginValue':
      return {
        stage: 'preflight',
        title: 'The preflight response has an invalid `Access-Control-Allow-Origin`',
        explanation:
          'The browser {read}, which is not an origin. Send `Access-Control-Allow-Origin: {origin}` ' +
          '(scheme, host and port, nothing else).',
        firefox: { reason: 'CORSAllowOriginNotMatchingOrigin' },
        link: `${MDN}CORSAllowOriginNotMatchingOrigin`,
      };
    case 'PreflightAllowOriginMismatch':
      return {
        stage: 'preflight',
        title: 'The preflight allowed a different origin',
        explanation:
          'The preflight response allowed `{param}`, but the page is {origin}. The match is exact: scheme, host, ' +
          'port, no trailing slash. Send `Access-Control-Allow-Origin: {origin}`.',
        firefox: { reason: 'CORSAllowOriginNotMatchingOrigin' },
        link: `${MDN}CORSAllowOriginNotMatchingOrigin`,
      };
    case 'PreflightInvalidAllowCredentials':
      return {
        stage: 'preflight',
        title: 'The preflight lacks `Access-Control-Allow-Credentials: true`',
        explanation:
          'The actual request will carry credentials, so the preflight response must say ' +
          '`Access-Control-Allow-Credentials: true` (exactly, lower case). The browser {read}.',
        firefox: { reason: 'CORSMissingAllowCredentials' },
        link: `${MDN}CORSMissingAllowCredentials`,
      };
    case 'PreflightMissingAllowExternal':
      return {
        stage: 'local-network',
        title: 'The preflight did not allow access to a private network',
        explanation:
          'A page from a more public address space asked for a local or private one, and the preflight response ' +
          'lacked `Access-Control-Allow-Private-Network: true`. Chrome reports this from the addresses it connected ' +
          'to, which headers alone do not show.',
        firefox: noFirefox('Firefox does not implement this Private Network Access preflight.'),
        link: PNA,
      };
    case 'PreflightInvalidAllowExternal':
      return {
        stage: 'local-network',
        title: 'The preflight answered private network access with an invalid value',
        explanation: '`Access-Control-Allow-Private-Network` must be exactly `true`; the browser {read}.',
        firefox: noFirefox('Firefox does not implement this Private Network Access preflight.'),
        link: PNA,
      };
    case 'InvalidAllowMethodsPreflightResponse':
      return {
        stage: 'preflight',
        title: '`Access-Control-Allow-Methods` cannot be parsed',
        explanation:
          'The header must be a comma-separated list of method names (tokens), like `GET, POST, PATCH`. The value ' +
          'holds something else (quotes, slashes, spaces inside a name), so the browser rejects the whole list.',
        firefox: { reason: 'CORSInvalidAllowMethod' },
        link: `${MDN}CORSInvalidAllowMethod`,
      };
    case 'InvalidAllowHeadersPreflightResponse':
      return {
        stage: 'preflight',
        title: '`Access-Control-Allow-Headers` cannot be parsed',
        explanation:
          'The header must be a comma-separated list of header names, like `Content-Type, Authorization`. The value ' +
          'holds something that is not a header name, so the browser rejects the whole list.',
        firefox: { reason: 'CORSInvalidAllowHeader' },
        link: `${MDN}CORSInvalidAllowHeader`,
      };
    case 'MethodDisallowedByPreflightResponse':
      return {
        stage: 'preflight',
        title: 'The method `{param}` is not in `Access-Control-Allow-Methods`',
        explanation:
          'The preflight asked for `{param}` and the server did not list it. Add `{param}` to ' +
          '`Access-Control-Allow-Methods` (the match is case-sensitive for methods other than DELETE, GET, HEAD, ' +
          'OPTIONS, POST and PUT; `*` counts only without credentials).',
        firefox: { reason: 'CORSMethodNotFound' },
        link: `${MDN}CORSMethodNotFound`,
      };
    case 'HeaderDisallowedByPreflightResponse':
      return {
        stage: 'preflight',
        title: 'The request header `{param}` is not in `Access-Control-Allow-Headers`',
        explanation:
          "The page sends `{param}`, a header a page may not send to another origin without the server's permission, so the preflight asked for it and the server did " +
          'not list it. Add `{param}` to `Access-Control-Allow-Headers` (case does not matter). A `*` covers nothing ' +
          'for requests with credentials, and the Fetch standard leaves `Authorization` out of it (Chrome still lets it through, with a warning that it will stop): list names explicitly.',
        firefox: { reason: 'CORSMissingAllowHeaderFromPreflight' },
        link: `${MDN}CORSMissingAllowHeaderFromPreflight`,
      };
    case 'RedirectContainsCredentials':
      return {
        stage: 'redirect',
        title: 'A redirect pointed at a URL with a user name or password',
        explanation:
          'The server redirected a cross-origin request to a URL of the form `https://user:pass@host/`. Browsers ' +
          'refuse to follow such redirects for CORS requests. Redirect to a URL without credentials.',
        // Measured in Firefox ESR 153: the fetch fails with "CORS request did not succeed".
        firefox: { reason: 'CORSDidNotSucceed' },
        link: `${FETCH}#http-redirect-fetch`,
      };
    case 'InsecureLocalNetwork':
      return {
        stage: 'local-network',
        title: 'An insecure page tried to reach the local network',
        explanation:
          'Local Network Access lets only secure contexts (HTTPS pages, or localhost) reach local or loopback ' +
          'addresses. Serve the page over HTTPS.',
        firefox: noFirefox('Firefox has no console reason for Local Network Access.'),
        link: LNA,
      };
    case 'InvalidLocalNetworkAccess':
      return {
        stage: 'local-network',
        title: 'The local network request was not valid',
        explanation:
          'The request targeted a local address in a way Local Network Access does not allow (for example its ' +
          'declared target address space did not match where it connected).',
        firefox: noFirefox('Firefox has no console reason for Local Network Access.'),
        link: LNA,
      };
    case 'NoCorsRedirectModeNotFollow':
      return {
        stage: 'request',
        title: 'A `no-cors` request used a redirect mode other than "follow"',
        explanation:
          'Requests with `mode: "no-cors"` must follow redirects; `redirect: "manual"` or `"error"` cannot be used ' +
          'with them.',
        firefox: noFirefox('Firefox rejects the request without a CORS reason.'),
        link: `${FETCH}#concept-request-redirect-mode`,
      };
    case 'LocalNetworkAccessPermissionDenied':
      return {
        stage: 'local-network',
        title: 'Local Network Access: this site may not reach a local or loopback address',
        explanation:
          'Since Chrome 142 a page on a public address that requests a private (local-network) or loopback ' +
          'address needs the user\'s permission: "local-network" for private addresses, "loopback-network" for ' +
          'this machine (Chrome 145 and later). It was denied, dismissed or never asked for, and nothing was ' +
          'sent. CORS headers cannot fix this: Access-Control-Allow-Private-Network is ignored and there is no ' +
          'preflight any more, and no-cors requests are blocked too. Allow it in the site settings (the lock ' +
          'icon), serve the page from a secure context, add allow="local-network; loopback-network" to an ' +
          'iframe that makes the request, and, when a public name resolves to a private address, say so with ' +
          'the fetch() option targetAddressSpace: "local". Managed browsers can exempt origins by policy ' +
          '(LoopbackNetworkAllowedForUrls and LocalNetworkAllowedForUrls from Chrome 146, ' +
          'LocalNetworkAccessAllowedForUrls before).',
        firefox: noFirefox('Firefox has no console reason for Local Network Access.'),
        link: LNA,
      };
    case 'InsecurePrivateNetwork':
      return {
        stage: 'local-network',
        title: 'An insecure page tried to reach a private network (older Chrome)',
        explanation:
          'Private Network Access, the predecessor of Local Network Access, allows only secure contexts to reach ' +
          'private or local addresses. Serve the page over HTTPS.',
        firefox: noFirefox('Firefox does not implement Private Network Access.'),
        link: PNA,
      };
    case 'InvalidPrivateNetworkAccess':
      return {
        stage: 'local-network',
        title: 'The private network request was not valid (older Chrome)',
        explanation: 'The request reached a private address in a way Private Network Access does not allow.',
        firefox: noFirefox('Firefox does not implement Private Network Access.'),
        link: PNA,
      };
    case 'UnexpectedPrivateNetworkAccess':
      return {
        stage: 'local-network',
        title: 'The request unexpectedly reached a private network (older Chrome)',
        explanation:
          'The request was expected to stay on a public address but connected to a private one; Chrome retries it ' +
          'with a Private Network Access preflight.',
        firefox: noFirefox('Firefox does not implement Private Network Access.'),
        link: PNA,
      };
    case 'PreflightMissingAllowPrivateNetwork':
      return {
        stage: 'local-network',
        title: 'The preflight lacks `Access-Control-Allow-Private-Network: true` (older Chrome)',
        explanation:
          'The page reached a more private address space and the server must answer the preflight with ' +
          '`Access-Control-Allow-Private-Network: true`.',
        firefox: noFirefox('Firefox does not implement Private Network Access.'),
        link: PNA,
      };
    case 'PreflightInvalidAllowPrivateNetwork':
      return {
        stage: 'local-network',
        title: '`Access-Control-Allow-Private-Network` is not `true` (older Chrome)',
        explanation: 'The header must be exactly `true`; the browser {read}.',
        firefox: noFirefox('Firefox does not implement Private Network Access.'),
        link: PNA,
      };
    case 'PreflightMissingPrivateNetworkAccessId':
    case 'PreflightMissingPrivateNetworkAccessName':
      return {
        stage: 'local-network',
        title: 'The private network preflight lacks the device ID or name (older Chrome)',
        explanation:
          'For a private network permission prompt, the device must answer the preflight with ' +
          '`Private-Network-Access-ID` and `Private-Network-Access-Name`.',
        firefox: noFirefox('Firefox does not implement Private Network Access.'),
        link: PNA,
      };
    case 'PrivateNetworkAccessPermissionUnavailable':
    case 'PrivateNetworkAccessPermissionDenied':
      return {
        stage: 'local-network',
        title: 'Private network access was not permitted (older Chrome)',
        explanation:
          'The permission to reach the private network device was unavailable or denied by the user.',
        firefox: noFirefox('Firefox does not implement Private Network Access.'),
        link: PNA,
      };
  }
}

/**
 * Phrases a placeholder stands for, by whether Chrome's failedParameter has a value: an absent
 * header reads as "found no such header", not as an empty code span.
 */
export const PHRASES = {
  read: { given: 'read `{param}`', absent: 'found no such header' },
} as const;

/** The placeholders a text may hold. */
export const PLACEHOLDERS = ['origin', 'param', 'read'] as const;

/**
 * A template cut once at its placeholders: text, name, text, name, …, text. Filling it is then a
 * few string concatenations, which V8 keeps as a rope until someone reads the text, instead of a
 * search-and-replace over the whole explanation for every verdict.
 */
type Compiled = readonly string[];

function compile(template: string): Compiled {
  return template.split(/\{(origin|param|read)\}/);
}

const READ_GIVEN = compile(PHRASES.read.given);

/** Fills an explanation's placeholders. The result is still text: the UI renders it escaped. */
export function fillTemplate(template: string, values: { origin: string; param: string }): string {
  return fill(compile(template), values);
}

function fill(parts: Compiled, values: { origin: string; param: string }): string {
  let text = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i];
    const value =
      name === 'origin'
        ? values.origin
        : name === 'param'
          ? values.param
          : values.param === ''
            ? PHRASES.read.absent
            : fill(READ_GIVEN, values);
    text = text + value + (parts[i + 1] as string);
  }
  return text;
}
