/** Fetch §4.10 CORS check and §4.9 CORS-preflight fetch, as Chromium orders and names them. */
import { describe, expect, test } from 'vitest';
import { corsCheck, parseAllowList, preflightCheck } from '../../src/index.ts';

const ORIGIN = 'http://localhost:3000';
const h = (name: string, value: string) => ({ name, value });
const acao = (value: string) => h('Access-Control-Allow-Origin', value);

describe('CORS check (Fetch §4.10)', () => {
  const check = (headers: ReturnType<typeof h>[], credentials = false) =>
    corsCheck(headers, ORIGIN, credentials, 'response');

  test('step 3: * passes without credentials and fails with them', () => {
    expect(check([acao('*')])).toBeNull();
    expect(check([acao('*')], true)).toMatchObject({ error: 'WildcardOriginNotAllowed', param: '' });
  });

  test('step 2: a missing header', () => {
    expect(check([])).toMatchObject({
      error: 'MissingAllowOriginHeader',
      param: '',
      culprit: { received: null },
    });
  });

  test('step 4: the origin is compared byte for byte, after trimming whitespace', () => {
    expect(check([acao(`  ${ORIGIN}  `)])).toBeNull();
    expect(check([acao(`${ORIGIN}/`)])).toMatchObject({ error: 'AllowOriginMismatch', param: `${ORIGIN}/` });
    expect(check([acao('http://LOCALHOST:3000')])).toMatchObject({ error: 'AllowOriginMismatch' });
    expect(check([acao('null')])).toMatchObject({ error: 'AllowOriginMismatch', param: 'null' });
  });

  test('several values, in one line or in several lines, are one error', () => {
    expect(check([acao(`${ORIGIN}, http://a.test`)])).toMatchObject({
      error: 'MultipleAllowOriginValues',
      param: `${ORIGIN}, http://a.test`,
    });
    expect(check([acao(ORIGIN), acao(ORIGIN)])).toMatchObject({
      error: 'MultipleAllowOriginValues',
      param: `${ORIGIN}, ${ORIGIN}`,
    });
  });

  test('a value that is not an URL is invalid; one with an unknown scheme only mismatches', () => {
    expect(check([acao('localhost')])).toMatchObject({
      error: 'InvalidAllowOriginValue',
      param: 'localhost',
    });
    expect(check([acao('')])).toMatchObject({ error: 'InvalidAllowOriginValue', param: '' });
    expect(check([acao('localhost:3000')])).toMatchObject({ error: 'AllowOriginMismatch' });
  });

  test('step 6–7: with credentials, Access-Control-Allow-Credentials must be exactly true', () => {
    expect(check([acao(ORIGIN), h('Access-Control-Allow-Credentials', ' true ')], true)).toBeNull();
    expect(check([acao(ORIGIN), h('Access-Control-Allow-Credentials', 'True')], true)).toMatchObject({
      error: 'InvalidAllowCredentials',
      param: 'True',
    });
    expect(check([acao(ORIGIN)], true)).toMatchObject({ error: 'InvalidAllowCredentials', param: '' });
    expect(check([acao(ORIGIN), h('Access-Control-Allow-Credentials', 'false')])).toBeNull();
  });

  test('the preflight gets the Preflight* names', () => {
    expect(corsCheck([], ORIGIN, false, 'preflight')).toMatchObject({
      error: 'PreflightMissingAllowOriginHeader',
    });
  });
});

describe('list parsing (Fetch §4.9 step 7.1–7.4)', () => {
  const parse = (value: string) =>
    parseAllowList([h('Access-Control-Allow-Methods', value)], 'access-control-allow-methods', false);

  test('comma-separated tokens, spaces and empty items ignored', () => {
    expect(parse(' GET ,PUT,,  PATCH ')).toMatchObject({
      ok: true,
      values: ['GET', 'PUT', 'PATCH'],
    });
  });

  test('anything that is not a token fails the whole list', () => {
    expect(parse('GET, "PUT"')).toMatchObject({ ok: false, bad: '"PUT"' });
    expect(parse('GET; PUT')).toMatchObject({ ok: false, bad: 'GET; PUT' });
  });
});

describe('preflight check (Fetch §4.9, Chromium order)', () => {
  const request = {
    origin: ORIGIN,
    method: 'PUT',
    unsafeHeaderNames: ['content-type'],
    withCredentials: false,
  };
  const good = [
    acao(ORIGIN),
    h('Access-Control-Allow-Methods', 'PUT'),
    h('Access-Control-Allow-Headers', 'Content-Type'),
  ];

  test('a redirect fails before anything else', () => {
    expect(preflightCheck(301, [h('Location', '/x')], request)).toMatchObject({
      error: 'PreflightDisallowedRedirect',
    });
  });

  test('the CORS check comes before the status: 404 without ACAO is a missing header', () => {
    expect(preflightCheck(404, [], request)).toMatchObject({ error: 'PreflightMissingAllowOriginHeader' });
    expect(preflightCheck(404, good, request)).toMatchObject({ error: 'PreflightInvalidStatus', param: '' });
    expect(preflightCheck(200, good, request)).toBeNull();
  });

  test('methods: listed (case-sensitive), safelisted, or * without credentials', () => {
    expect(
      preflightCheck(204, [acao(ORIGIN)], { ...request, method: 'PATCH', unsafeHeaderNames: [] }),
    ).toMatchObject({
      error: 'MethodDisallowedByPreflightResponse',
      param: 'PATCH',
    });
    const lower = [acao(ORIGIN), h('Access-Control-Allow-Methods', 'put')];
    expect(preflightCheck(204, lower, { ...request, unsafeHeaderNames: [] })).toMatchObject({ param: 'PUT' });
    const star = [
      acao(ORIGIN),
      h('Access-Control-Allow-Methods', '*'),
      h('Access-Control-Allow-Credentials', 'true'),
    ];
    expect(preflightCheck(204, star, { ...request, unsafeHeaderNames: [] })).toBeNull();
    expect(
      preflightCheck(204, star, { ...request, unsafeHeaderNames: [], withCredentials: true }),
    ).toMatchObject({
      error: 'MethodDisallowedByPreflightResponse',
    });
    expect(
      preflightCheck(204, [acao(ORIGIN)], { ...request, method: 'POST', unsafeHeaderNames: [] }),
    ).toBeNull();
  });

  test('headers: case-insensitive; * only without credentials; all missing names listed', () => {
    const req = { ...request, method: 'GET', unsafeHeaderNames: ['x-b', 'authorization', 'x-a'] };
    const failure = preflightCheck(
      204,
      [acao(ORIGIN), h('Access-Control-Allow-Headers', 'AUTHORIZATION')],
      req,
    );
    expect(failure).toMatchObject({ error: 'HeaderDisallowedByPreflightResponse', param: 'x-b' });
    expect(failure?.culprit.missing).toEqual(['x-b', 'x-a']);
    const star = [
      acao(ORIGIN),
      h('Access-Control-Allow-Headers', '*'),
      h('Access-Control-Allow-Credentials', 'true'),
    ];
    expect(preflightCheck(204, star, req)).toBeNull();
    expect(preflightCheck(204, star, { ...req, withCredentials: true })).toMatchObject({ param: 'x-b' });
  });

  test('an unparsable list is its own error, methods first', () => {
    const bad = [
      acao(ORIGIN),
      h('Access-Control-Allow-Methods', 'GET;PUT'),
      h('Access-Control-Allow-Headers', 'a b'),
    ];
    expect(preflightCheck(204, bad, request)).toMatchObject({
      error: 'InvalidAllowMethodsPreflightResponse',
      param: '',
    });
    expect(
      preflightCheck(204, [acao(ORIGIN), h('Access-Control-Allow-Headers', 'a b')], request),
    ).toMatchObject({
      error: 'InvalidAllowHeadersPreflightResponse',
    });
  });
});
