/**
 * Each browser's preflight cache, as measured with Firefox's cache groups in both browsers
 * (tests/e2e/corpus.test.ts and firefox-corpus.test.ts check these rules against the real
 * caches step by step): which earlier answer serves a request that sent no preflight.
 */
import { describe, expect, test } from 'vitest';
import { PreflightAnswers } from '../../src/capture/preflight-answers.ts';
import {
  type CacheEvent,
  CHROME_PREFLIGHT_CACHE,
  cachedSeconds,
  FIREFOX_PREFLIGHT_CACHE,
  servedBy,
} from '../../src/cors/preflight-cache.ts';
import { API, allowedGet, h, PAGE } from './captured.ts';

const answer = (
  time: number,
  over: { headers?: string[]; methods?: string[]; maxAge?: string; credentials?: boolean },
) =>
  ({
    kind: 'answer',
    answer: {
      time,
      maxAge: over.maxAge ?? null,
      methods: over.methods ?? [],
      headers: over.headers ?? [],
      credentials: over.credentials ?? false,
    },
  }) as const;

const ask = (time: number, headers: string[], over: { method?: string; credentials?: boolean } = {}) => ({
  time,
  method: over.method ?? 'GET',
  methodNeeded: over.method !== undefined,
  headers,
  credentials: over.credentials ?? false,
});

describe('how long an answer is kept', () => {
  test('Access-Control-Max-Age that is not a number of seconds: Chrome 5 s, Firefox not at all', () => {
    for (const odd of ['3600 3', 'asdf']) {
      expect(cachedSeconds(CHROME_PREFLIGHT_CACHE, odd)).toBe(5);
      expect(cachedSeconds(FIREFOX_PREFLIGHT_CACHE, odd)).toBe(0);
    }
    expect(cachedSeconds(FIREFOX_PREFLIGHT_CACHE, '\t  3600 \t ')).toBe(3600);
    expect(cachedSeconds(CHROME_PREFLIGHT_CACHE, '86400')).toBe(7200);
    // -1, often advised to turn caching off, does: 0 s in both.
    expect(cachedSeconds(CHROME_PREFLIGHT_CACHE, '-1')).toBe(0);
    expect(cachedSeconds(FIREFOX_PREFLIGHT_CACHE, '-1')).toBe(0);
  });
});

describe('which answer serves a request', () => {
  // Three answers, one header each: 2 s, 1 h, 2 s. At 2.1 s only the hour-long one lives.
  const three: CacheEvent[] = [
    answer(0, { headers: ['first-header'], maxAge: '2' }),
    answer(10, { headers: ['second-header'], maxAge: '3600' }),
    answer(20, { headers: ['third-header'], maxAge: '2' }),
  ];

  test('Firefox keeps each header apart; Chrome keeps only the last answer for the URL', () => {
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, three, ask(2200, ['second-header']))?.time).toBe(10);
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, three, ask(2200, ['first-header']))).toBeNull();
    expect(servedBy(CHROME_PREFLIGHT_CACHE, three, ask(2200, ['second-header']))).toBeNull();
    expect(servedBy(CHROME_PREFLIGHT_CACHE, three, ask(1000, ['third-header']))?.time).toBe(20);
  });

  test("a failed simple request clears Firefox's answers, not Chrome's; a refused preflight clears both", () => {
    const cached = answer(0, { headers: ['x-my-header'], maxAge: '3600' });
    const failure: CacheEvent[] = [cached, { kind: 'failure', time: 5 }];
    expect(servedBy(CHROME_PREFLIGHT_CACHE, failure, ask(10, ['x-my-header']))?.time).toBe(0);
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, failure, ask(10, ['x-my-header']))).toBeNull();
    const refused: CacheEvent[] = [cached, { kind: 'refused', time: 5 }];
    expect(servedBy(CHROME_PREFLIGHT_CACHE, refused, ask(10, ['x-my-header']))).toBeNull();
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, refused, ask(10, ['x-my-header']))).toBeNull();
  });

  test('credentials: Firefox keeps the two apart; Chrome serves a request without them from an answer with them', () => {
    const withThem: CacheEvent[] = [
      answer(0, { headers: ['x-my-header'], maxAge: '3600', credentials: true }),
    ];
    expect(servedBy(CHROME_PREFLIGHT_CACHE, withThem, ask(10, ['x-my-header']))?.time).toBe(0);
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, withThem, ask(10, ['x-my-header']))).toBeNull();
    expect(
      servedBy(FIREFOX_PREFLIGHT_CACHE, withThem, ask(10, ['x-my-header'], { credentials: true }))?.time,
    ).toBe(0);
    // Chrome keeps the mode of the preflight that filled it: one got without credentials never
    // serves a request with them…
    const without: CacheEvent[] = [answer(0, { headers: ['x-my-header'], maxAge: '3600' })];
    expect(
      servedBy(CHROME_PREFLIGHT_CACHE, without, ask(10, ['x-my-header'], { credentials: true })),
    ).toBeNull();
    // …and its `*` covers every header but Authorization; one got with credentials has no wildcard.
    const wildcard = (credentials: boolean): CacheEvent[] => [
      answer(0, { headers: ['*'], maxAge: '60', credentials }),
    ];
    expect(servedBy(CHROME_PREFLIGHT_CACHE, wildcard(false), ask(10, ['x-a']))?.time).toBe(0);
    expect(servedBy(CHROME_PREFLIGHT_CACHE, wildcard(false), ask(10, ['authorization']))).toBeNull();
    expect(servedBy(CHROME_PREFLIGHT_CACHE, wildcard(true), ask(10, ['x-a']))).toBeNull();
  });

  test("Firefox's cache compares names exactly: no `*`, and HEAD must be listed like any method but GET and POST", () => {
    const wildcard: CacheEvent[] = [answer(0, { headers: ['*'], methods: ['*'], maxAge: '60' })];
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, wildcard, ask(10, ['x-a']))).toBeNull();
    const xa: CacheEvent[] = [answer(0, { headers: ['x-a'], maxAge: '60' })];
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, xa, ask(10, ['x-a'], { method: 'POST' }))?.time).toBe(0);
    expect(servedBy(FIREFOX_PREFLIGHT_CACHE, xa, ask(10, ['x-a'], { method: 'HEAD' }))).toBeNull();
  });

  test('methods compare case-sensitively, and need the method listed', () => {
    const put: CacheEvent[] = [answer(0, { methods: ['put'], maxAge: '3600' })];
    expect(servedBy(CHROME_PREFLIGHT_CACHE, put, ask(10, [], { method: 'PUT' }))).toBeNull();
    const both: CacheEvent[] = [answer(0, { methods: ['DELETE', 'PUT'], maxAge: '3600' })];
    for (const rules of [CHROME_PREFLIGHT_CACHE, FIREFOX_PREFLIGHT_CACHE])
      expect(servedBy(rules, both, ask(10, [], { method: 'PUT' }))?.time).toBe(0);
  });
});

describe('captured requests marked as served from the cache', () => {
  const preflightAnswer = (maxAge: string, allow: string) => [
    h('Access-Control-Allow-Origin', PAGE),
    h('Access-Control-Allow-Headers', allow),
    h('Access-Control-Max-Age', maxAge),
  ];
  const asked = (header: string) => [
    h('Origin', PAGE),
    h('Access-Control-Request-Method', 'GET'),
    h('Access-Control-Request-Headers', header),
  ];
  const cachedRequest = (time: number, header: string) =>
    allowedGet(String(time), {
      url: `${API}/c`,
      currentUrl: `${API}/c`,
      time,
      requestHeaders: [h('Origin', PAGE), h(header, '1'), h('User-Agent', 'Firefox'), h('Priority', 'u=4')],
    });

  test("in Firefox the answer that listed the request's header, in Chrome the last one", () => {
    const firefox = new PreflightAnswers(10, FIREFOX_PREFLIGHT_CACHE);
    const chrome = new PreflightAnswers(10, CHROME_PREFLIGHT_CACHE);
    for (const answers of [firefox, chrome]) {
      answers.note(
        PAGE,
        `${API}/c`,
        204,
        1000,
        preflightAnswer('3600', 'second-header'),
        asked('second-header'),
      );
      answers.note(PAGE, `${API}/c`, 204, 2000, preflightAnswer('2', 'third-header'), asked('third-header'));
    }
    const inFirefox = cachedRequest(3100, 'second-header');
    firefox.markCached(inFirefox);
    expect(inFirefox.cachedFrom).toEqual({ time: 1000, maxAge: '3600' });
    // Chrome keeps one answer for the URL: the last.
    const third = cachedRequest(3000, 'third-header');
    chrome.markCached(third);
    expect(third.cachedFrom).toEqual({ time: 2000, maxAge: '2' });
  });

  test('a 2xx answer that refuses what its preflight asked for is never cached: an earlier answer served the request', () => {
    const answers = new PreflightAnswers(10, CHROME_PREFLIGHT_CACHE);
    answers.note(PAGE, `${API}/c`, 204, 1000, preflightAnswer('60', 'x-a'), asked('x-a'));
    // A later preflight for another header, refused (204 without it): Chrome drops its entry.
    answers.note(PAGE, `${API}/c`, 204, 2000, preflightAnswer('60', 'x-a'), asked('x-b'));
    const after = cachedRequest(3000, 'x-a');
    answers.markCached(after);
    expect(after.cachedFrom).toBeUndefined();
    // In Firefox the refusal clears the URL too.
    const firefox = new PreflightAnswers(10, FIREFOX_PREFLIGHT_CACHE);
    firefox.note(PAGE, `${API}/c`, 204, 1000, preflightAnswer('60', 'x-a'), asked('x-a'));
    const served = cachedRequest(1500, 'x-a');
    firefox.markCached(served);
    expect(served.cachedFrom).toEqual({ time: 1000, maxAge: '60' });
  });

  test('a request whose headers were not captured gets the last answer', () => {
    const answers = new PreflightAnswers(10, FIREFOX_PREFLIGHT_CACHE);
    answers.note(PAGE, `${API}/c`, 204, 1000, preflightAnswer('60', 'x-a'), null);
    const blind = allowedGet('2000', { url: `${API}/c`, currentUrl: `${API}/c`, requestHeaders: null });
    answers.markCached(blind);
    expect(blind.cachedFrom).toEqual({ time: 1000, maxAge: '60' });
  });
});
