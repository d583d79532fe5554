/** The whole exchange: preflight reasons, cache, redirects (Fetch §4.4), modes, and what the verdict says. */
import { describe, expect, test } from 'vitest';
import { diagnose, type Exchange } from '../../src/index.ts';

const PAGE = 'http://localhost:3000';
const API = 'http://127.0.0.1:8000/api';
const h = (name: string, value: string) => ({ name, value });
const allowPage = h('Access-Control-Allow-Origin', PAGE);
const base: Exchange = { origin: PAGE, url: API, method: 'GET', requestHeaders: [] };

describe('verdicts', () => {
  test("the seed article's error: Authorization missing from Access-Control-Allow-Headers", () => {
    const v = diagnose({
      ...base,
      method: 'POST',
      requestHeaders: [h('Content-Type', 'application/json'), h('Authorization', 'Bearer t')],
      preflight: { status: 204, headers: [allowPage, h('Access-Control-Allow-Headers', 'Content-Type')] },
    });
    expect(v).toMatchObject({
      outcome: 'blocked',
      corsError: 'HeaderDisallowedByPreflightResponse',
      failedParameter: 'authorization',
      firefoxReason: 'CORSMissingAllowHeaderFromPreflight',
      stage: 'preflight',
      culprit: { where: 'preflight', field: 'Access-Control-Allow-Headers', received: 'Content-Type' },
    });
    expect(v.explanation).toContain('authorization');
    expect(v.preflight.reasons.map((r) => (r.kind === 'header' ? r.name : r.kind))).toEqual([
      'authorization',
      'content-type',
    ]);
  });

  test('an allowed request has no error and null failedParameter', () => {
    const v = diagnose({ ...base, response: { status: 200, headers: [allowPage] } });
    expect(v).toMatchObject({ outcome: 'allowed', blocked: false, corsError: null, failedParameter: null });
    expect(v.preflight.required).toBe(false);
  });

  test('explanations carry the real origin', () => {
    const v = diagnose({
      ...base,
      response: { status: 200, headers: [h('Access-Control-Allow-Origin', 'http://x.test')] },
    });
    expect(v.explanation).toContain(PAGE);
    expect(v.explanation).toContain('http://x.test');
  });
});

describe('preflight cache', () => {
  test('a request that needed a preflight but went out without one used the cache', () => {
    const v = diagnose({ ...base, method: 'PUT', response: { status: 200, headers: [allowPage] } });
    expect(v.outcome).toBe('allowed');
    expect(v.preflight).toMatchObject({ required: true, seen: false, cached: true });
    expect(v.findings.map((f) => f.kind)).toContain('preflight-cached');
  });

  test('with neither preflight nor response there is nothing to judge', () => {
    const v = diagnose({ ...base, method: 'PUT' });
    expect(v.outcome).toBe('incomplete');
    expect(v.blocked).toBe(false);
  });
});

describe('redirects (Fetch §4.4)', () => {
  const redirect = (location: string, ...extra: ReturnType<typeof h>[]) => ({
    status: 302,
    headers: [h('Location', location), ...extra],
  });

  test('a cross-origin hop taints the origin: the next server must allow "null"', () => {
    const exchange: Exchange = {
      ...base,
      response: redirect('http://localhost:8000/next', allowPage),
      redirects: [{ response: { status: 200, headers: [allowPage] } }],
    };
    const v = diagnose(exchange);
    expect(v).toMatchObject({
      corsError: 'AllowOriginMismatch',
      failedParameter: PAGE,
      origin: 'null',
      hop: 1,
    });
    const fixed = diagnose({
      ...exchange,
      redirects: [{ response: { status: 200, headers: [h('Access-Control-Allow-Origin', 'null')] } }],
    });
    expect(fixed.outcome).toBe('allowed');
  });

  test('the redirect response itself needs CORS headers', () => {
    const v = diagnose({ ...base, response: redirect('/next') });
    expect(v).toMatchObject({ corsError: 'MissingAllowOriginHeader', stage: 'redirect' });
  });

  test('credentials in the Location URL', () => {
    const v = diagnose({ ...base, response: redirect('http://u:p@127.0.0.1:8000/x', allowPage) });
    expect(v).toMatchObject({
      corsError: 'RedirectContainsCredentials',
      failedParameter: '',
      stage: 'redirect',
    });
  });

  test('303 turns a POST into a GET that needs no preflight', () => {
    const v = diagnose({
      ...base,
      method: 'POST',
      requestHeaders: [h('Content-Type', 'application/json')],
      preflight: { status: 204, headers: [allowPage, h('Access-Control-Allow-Headers', 'content-type')] },
      response: { status: 303, headers: [allowPage, h('Location', '/done')] },
      redirects: [{ response: { status: 200, headers: [allowPage] } }],
    });
    expect(v.outcome).toBe('allowed');
  });

  test('a redirect to a non-HTTP URL is a network error, not CORS', () => {
    const v = diagnose({ ...base, response: redirect('data:text/plain,x', allowPage) });
    expect(v).toMatchObject({ outcome: 'network-error', blocked: false });
  });

  test('a redirect hop that was not recorded leaves the verdict open', () => {
    expect(diagnose({ ...base, response: redirect('/next', allowPage) }).outcome).toBe('incomplete');
  });
});

describe('modes', () => {
  test('same-origin mode to another origin', () => {
    expect(diagnose({ ...base, mode: 'same-origin' })).toMatchObject({
      corsError: 'DisallowedByMode',
      stage: 'request',
    });
  });

  test('no-cors is never blocked by CORS, unless it would not follow redirects', () => {
    expect(diagnose({ ...base, mode: 'no-cors', response: { status: 200, headers: [] } }).outcome).toBe(
      'not-cors',
    );
    expect(diagnose({ ...base, mode: 'no-cors', redirectMode: 'manual' }).corsError).toBe(
      'NoCorsRedirectModeNotFollow',
    );
  });

  test('a same-origin request needs no CORS headers', () => {
    const v = diagnose({
      ...base,
      url: `${PAGE}/api`,
      method: 'PUT',
      response: { status: 200, headers: [] },
    });
    expect(v.outcome).toBe('not-cors');
  });
});

describe('findings', () => {
  test('Authorization covered only by * is allowed as Chrome does, with a warning', () => {
    const v = diagnose({
      ...base,
      requestHeaders: [h('Authorization', 'x')],
      preflight: { status: 204, headers: [allowPage, h('Access-Control-Allow-Headers', '*')] },
      response: { status: 200, headers: [allowPage] },
    });
    expect(v.outcome).toBe('allowed');
    expect(v.findings.map((f) => f.kind)).toContain('authorization-wildcard');
  });

  test('forbidden request headers are dropped and said so', () => {
    const v = diagnose({
      ...base,
      requestHeaders: [h('Cookie', 'a=b')],
      response: { status: 200, headers: [allowPage] },
    });
    expect(v.outcome).toBe('allowed');
    expect(v.findings.filter((f) => !f.risk).map((f) => f.kind)).toEqual(['forbidden-header-dropped']);
  });

  test('huge and non-Latin-1 values are reported, and still judged', () => {
    const v = diagnose({
      ...base,
      response: {
        status: 200,
        headers: [allowPage, h('X-Big', 'x'.repeat(1_000_000)), h('X-Name', 'café ☕')],
      },
    });
    expect(v.outcome).toBe('allowed');
    const notes = v.findings.filter((f) => !f.risk);
    expect(notes.map((f) => f.kind).sort()).toEqual(['huge-header', 'non-latin1-header']);
    expect(notes[0]?.message.length).toBeLessThan(500);
  });
});

describe('security lint of configurations that work', () => {
  const kinds = (x: Exchange) =>
    diagnose(x)
      .findings.filter((f) => f.risk)
      .map((f) => f.kind);
  const vary = h('Vary', 'Origin');

  test('an allowed origin without Vary: Origin', () => {
    expect(kinds({ ...base, response: { status: 200, headers: [allowPage] } })).toEqual([
      'origin-without-vary',
    ]);
    expect(
      kinds({
        ...base,
        response: { status: 200, headers: [allowPage, h('Vary', 'Accept-Encoding, origin')] },
      }),
    ).toEqual([]);
    expect(
      kinds({ ...base, response: { status: 200, headers: [h('Access-Control-Allow-Origin', '*')] } }),
    ).toEqual([]);
  });

  test('"null" allowed', () => {
    const v = diagnose({
      ...base,
      response: { status: 302, headers: [h('Location', 'http://localhost:8000/next'), allowPage, vary] },
      redirects: [{ response: { status: 200, headers: [h('Access-Control-Allow-Origin', 'null')] } }],
    });
    expect(v.outcome).toBe('allowed');
    expect(v.findings.filter((f) => f.risk).map((f) => f.kind)).toEqual(['null-origin-allowed']);
  });

  test('credentialed CORS: check the origin is not echoed, with a curl line to do it', () => {
    const v = diagnose({
      ...base,
      credentials: 'include',
      response: { status: 200, headers: [allowPage, vary, h('Access-Control-Allow-Credentials', 'true')] },
    });
    const finding = v.findings.find((f) => f.kind === 'credentials-origin-check');
    expect(finding?.message).toContain("-H 'Origin: https://attacker.example'");
  });

  test('Max-Age over the 2 h Chrome keeps', () => {
    const x: Exchange = {
      ...base,
      method: 'PUT',
      preflight: {
        status: 204,
        headers: [allowPage, h('Access-Control-Allow-Methods', 'PUT'), h('Access-Control-Max-Age', '86400')],
      },
      response: { status: 200, headers: [allowPage, vary] },
    };
    expect(kinds(x)).toEqual(['max-age-over-cap']);
  });

  test('blocked requests get no lint: the fix comes first', () => {
    expect(kinds({ ...base, response: { status: 200, headers: [] } })).toEqual([]);
  });
});

describe('credentials the observer could not see (credentials: "unknown")', () => {
  const allowCredentials = h('Access-Control-Allow-Credentials', 'true');

  test('the verdict is the uncredentialed one; where credentials would have failed is said beside it', () => {
    const v = diagnose({ ...base, credentials: 'unknown', response: { status: 200, headers: [allowPage] } });
    expect(v).toMatchObject({ outcome: 'allowed', corsError: null });
    expect(v.credentialed).toMatchObject({
      outcome: 'blocked',
      corsError: 'InvalidAllowCredentials',
      culprit: { field: 'Access-Control-Allow-Credentials', received: null },
    });
  });

  test("Chrome's order: with credentials the preflight fails at its origin before its headers", () => {
    const v = diagnose({
      ...base,
      method: 'POST',
      credentials: 'unknown',
      requestHeaders: [h('Content-Type', 'application/json')],
      preflight: { status: 204, headers: [h('Access-Control-Allow-Origin', '*')] },
    });
    expect(v).toMatchObject({
      corsError: 'HeaderDisallowedByPreflightResponse',
      failedParameter: 'content-type',
    });
    expect(v.credentialed).toMatchObject({ corsError: 'PreflightWildcardOriginNotAllowed', hop: 0 });
  });

  test('where both readings stop at the same rule, there is nothing beside the verdict', () => {
    const v = diagnose({ ...base, credentials: 'unknown', response: { status: 200, headers: [] } });
    expect(v.corsError).toBe('MissingAllowOriginHeader');
    expect(v).not.toHaveProperty('credentialed');
  });

  test('a server that allows credentials gives the same verdict either way', () => {
    const v = diagnose({
      ...base,
      credentials: 'unknown',
      response: { status: 200, headers: [allowPage, allowCredentials] },
    });
    expect(v.outcome).toBe('allowed');
    expect(v).not.toHaveProperty('credentialed');
  });

  test('known modes are read as before: "include" is the credentialed reading itself', () => {
    const x: Exchange = { ...base, response: { status: 200, headers: [allowPage] } };
    expect(diagnose({ ...x, credentials: 'include' }).corsError).toBe('InvalidAllowCredentials');
    expect(diagnose({ ...x, credentials: 'omit' }).outcome).toBe('allowed');
  });
});

describe('a redirect chain that comes back to the page origin (Firefox test_CrossSiteXHR redirect tables)', () => {
  const PAGE_URL = `${PAGE}/start`;
  const OTHER = 'http://127.0.0.1:8000';
  const hop = (location: string, ...extra: ReturnType<typeof h>[]) => ({
    status: 307,
    headers: [h('Location', location), ...extra],
  });
  const preflightAllowing = (origin: string) => ({
    status: 204,
    headers: [h('Access-Control-Allow-Origin', origin), h('Access-Control-Allow-Headers', 'X-Custom')],
  });
  /** page → 307 to another origin → 307 back to the page origin, with a header that needs a preflight. */
  const chain = (backPreflight: string, backResponse: string): Exchange => ({
    ...base,
    url: PAGE_URL,
    requestHeaders: [h('X-Custom', '1')],
    response: hop(`${OTHER}/api`),
    redirects: [
      {
        url: `${OTHER}/api`,
        preflight: preflightAllowing(PAGE),
        response: hop(`${PAGE}/back`, allowPage),
      },
      {
        url: `${PAGE}/back`,
        preflight: preflightAllowing(backPreflight),
        response: { status: 200, headers: [h('Access-Control-Allow-Origin', backResponse)] },
      },
    ],
  });

  test("back on the page's origin the origin is still null: an answer naming the page does not match", () => {
    const v = diagnose(chain(PAGE, PAGE));
    expect(v).toMatchObject({
      corsError: 'PreflightAllowOriginMismatch',
      failedParameter: PAGE,
      origin: 'null',
      hop: 2,
      firefoxReason: 'CORSAllowOriginNotMatchingOrigin',
    });
  });

  test('answering null lets it through', () => {
    expect(diagnose(chain('null', 'null')).outcome).toBe('allowed');
  });
});
