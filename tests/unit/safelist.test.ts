/** Fetch §2.2.1–2.2.2: which requests are "simple", and why the others get a preflight. */
import { describe, expect, test } from 'vitest';
import {
  accessControlRequestHeaders,
  isCorsSafelistedMethod,
  normalizeMethod,
  preflightReasons,
  unsafeHeaderReason,
} from '../../src/index.ts';

const h = (name: string, value: string) => ({ name, value });

describe('methods (Fetch §2.2.1)', () => {
  test('GET, HEAD and POST are safelisted, case-sensitively after normalization', () => {
    expect(['GET', 'HEAD', 'POST'].every(isCorsSafelistedMethod)).toBe(true);
    expect(isCorsSafelistedMethod('PUT')).toBe(false);
    expect(isCorsSafelistedMethod('get')).toBe(false);
  });

  test('normalize a method upper-cases only the six standard methods', () => {
    expect(normalizeMethod('delete')).toBe('DELETE');
    expect(normalizeMethod('pOsT')).toBe('POST');
    expect(normalizeMethod('patch')).toBe('patch');
    expect(normalizeMethod('purge')).toBe('purge');
  });
});

describe('request headers (Fetch §2.2.2 CORS-safelisted request-header)', () => {
  test('header names that are also object property names are just names (found by fuzzing)', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(unsafeHeaderReason(name, 'x'), name).toEqual({ kind: 'name-not-safelisted' });
    }
  });

  test('names outside the safelist', () => {
    expect(unsafeHeaderReason('Authorization', 'Bearer x')).toEqual({ kind: 'name-not-safelisted' });
    expect(unsafeHeaderReason('X-Requested-With', 'XMLHttpRequest')).toEqual({ kind: 'name-not-safelisted' });
  });

  test('step 1: any value over 128 bytes', () => {
    expect(unsafeHeaderReason('Accept', 'a'.repeat(128))).toBeNull();
    expect(unsafeHeaderReason('Accept', 'a'.repeat(129))).toEqual({ kind: 'value-too-long', length: 129 });
  });

  test('Accept: no CORS-unsafe request-header byte', () => {
    expect(unsafeHeaderReason('accept', 'application/json, text/plain, */*')).toBeNull();
    expect(unsafeHeaderReason('accept', 'text/html (x)')).toEqual({ kind: 'unsafe-byte', byte: 0x28 });
    expect(unsafeHeaderReason('accept', 'a\tb')).toBeNull(); // HT is allowed
    expect(unsafeHeaderReason('accept', 'a\u007fb')).toEqual({ kind: 'unsafe-byte', byte: 0x7f });
  });

  test('Accept-Language / Content-Language: only [0-9A-Za-z *,-.;=]', () => {
    expect(unsafeHeaderReason('Accept-Language', 'en-US,en;q=0.9')).toBeNull();
    expect(unsafeHeaderReason('Content-Language', 'en_US')).toEqual({ kind: 'language-bytes' });
  });

  test('Content-Type: parsed as a MIME type, essence one of three', () => {
    expect(unsafeHeaderReason('Content-Type', 'text/plain;charset=UTF-8')).toBeNull();
    expect(unsafeHeaderReason('Content-Type', 'MULTIPART/form-data; boundary=x')).toBeNull();
    expect(unsafeHeaderReason('Content-Type', 'application/x-www-form-urlencoded')).toBeNull();
    expect(unsafeHeaderReason('Content-Type', 'application/json; charset=utf-8')).toEqual({
      kind: 'content-type-not-simple',
      essence: 'application/json',
    });
    expect(unsafeHeaderReason('Content-Type', 'text')).toEqual({
      kind: 'content-type-not-simple',
      essence: null,
    });
    expect(unsafeHeaderReason('Content-Type', 'text/plain; x="a"')).toEqual({
      kind: 'unsafe-byte',
      byte: 0x22,
    });
  });

  test('Range: a single range with a start, no whitespace', () => {
    expect(unsafeHeaderReason('Range', 'bytes=0-10')).toBeNull();
    expect(unsafeHeaderReason('Range', 'bytes=100-')).toBeNull();
    for (const v of ['bytes=0-10,20-30', 'bytes=-500', 'bytes= 0-10', 'bytes=10-5', 'items=0-1']) {
      expect(unsafeHeaderReason('Range', v), v).toEqual({ kind: 'range-not-simple' });
    }
  });

  test("Chrome's client-hint safelist requires the value's shape", () => {
    expect(unsafeHeaderReason('DPR', '2')).toBeNull();
    expect(unsafeHeaderReason('DPR', '1.5')).toBeNull();
    expect(unsafeHeaderReason('DPR', 'high')).toEqual({ kind: 'client-hint-value' });
    expect(unsafeHeaderReason('Save-Data', 'on')).toBeNull();
    expect(unsafeHeaderReason('ECT', '5g')).toEqual({ kind: 'client-hint-value' });
  });
});

describe('why a preflight (CORS-unsafe request-header names)', () => {
  test('a simple request has no reasons', () => {
    expect(preflightReasons('GET', [h('Accept', 'application/json')])).toEqual([]);
    expect(preflightReasons('post', [h('Content-Type', 'text/plain')])).toEqual([]);
  });

  test('method and each unsafe header, lower-cased and sorted as Access-Control-Request-Headers lists them', () => {
    const headers = [h('X-Zeta', '1'), h('Content-Type', 'application/json'), h('Authorization', 'x')];
    expect(
      preflightReasons('patch', headers).map((r) => (r.kind === 'method' ? `method ${r.method}` : r.name)),
    ).toEqual(['method patch', 'authorization', 'content-type', 'x-zeta']);
    expect(accessControlRequestHeaders(headers)).toBe('authorization,content-type,x-zeta');
  });

  test('forbidden headers never count: the browser drops them', () => {
    expect(
      preflightReasons('GET', [h('Cookie', 'a=b'), h('Origin', 'x'), h('Sec-Fetch-Mode', 'cors')]),
    ).toEqual([]);
  });

  test('safelisted values together over 1024 bytes make all of them unsafe', () => {
    // Only reachable with names repeated in a raw header list, but the rule is the standard's.
    const headers = Array.from({ length: 9 }, () => h('Accept', 'a'.repeat(120)));
    const reasons = preflightReasons('GET', headers);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({
      name: 'accept',
      why: { kind: 'safelisted-total-too-long', total: 1080 },
    });
  });
});
