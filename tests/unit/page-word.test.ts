/**
 * The page's own word on its requests (Firefox): the observer in the page, its records read as
 * untrusted input, matched to captured requests, and judged as the browser's outcome.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { describe, expect, test } from 'vitest';
import { judge } from '../../src/capture/judge.ts';
import { PageWords, readPageWords } from '../../src/capture/page-word.ts';
import { API, allowedGet, h, PAGE } from './captured.ts';

const OBSERVER = readFileSync(resolve(import.meta.dirname, '../../public/observe-calls.js'), 'utf8');
const KEY = Symbol.for('cors-lens.page-calls');

/** A fake XMLHttpRequest: send() ends the call later with `outcome` (its URL decides it). */
class FakeXhr {
  withCredentials = false;
  #url = '';
  readonly #listeners = new Map<string, (() => void)[]>();
  open(_method: string, url: string) {
    this.#url = url;
  }
  send() {
    const how = this.#url.includes('blocked') ? 'error' : this.#url.includes('cancel') ? 'abort' : 'load';
    setTimeout(() => {
      for (const type of [how, 'loadend']) for (const f of this.#listeners.get(type) ?? []) f();
    }, 1);
  }
  addEventListener(type: string, f: () => void) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), f]);
  }
  listenerCount(): number {
    return [...this.#listeners.values()].reduce((n, l) => n + l.length, 0);
  }
}

/** A page's world with the observer in it: fetch answers by URL (a rejection for /blocked and /cancel). */
function pageWorld() {
  const calls: string[] = [];
  const world: Record<string | symbol, unknown> = {
    document: { baseURI: `${PAGE}/app/` },
    location: { origin: PAGE },
    URL,
    XMLHttpRequest: FakeXhr,
    fetch: (url: string) => {
      calls.push(url);
      if (String(url).includes('cancel')) return Promise.reject(new DOMException('aborted', 'AbortError'));
      return String(url).includes('blocked')
        ? Promise.reject(new TypeError('NetworkError when attempting to fetch resource.'))
        : Promise.resolve({ ok: true });
    },
  };
  world.globalThis = world;
  runInNewContext(OBSERVER, world);
  const drain = () => (world[KEY] as { drain(): { u: string; m: string; c: string; f: boolean }[] }).drain();
  const summary = () => drain().map(({ u, m, c, f }) => ({ u, m, c, f }));
  return { world, drain, summary, calls };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the page observer', () => {
  test('notes each cross-origin fetch: URL without its fragment, method, credentials mode, failed or not; the page gets the same outcome', async () => {
    const { world, summary, calls } = pageWorld();
    const fetch = world.fetch as (url: unknown, init?: object) => Promise<unknown>;
    await expect(fetch(`${API}/data#top`)).resolves.toEqual({ ok: true });
    await expect(fetch(`${API}/blocked`, { method: 'post', credentials: 'include' })).rejects.toThrow(
      TypeError,
    );
    // A Request from any frame (known by its shape), and the page's own origin, which is not noted.
    await fetch({ url: `${API}/req`, method: 'PUT', credentials: 'omit' });
    await fetch('/same-origin');
    // Every call reached the real fetch, as the page made it.
    expect(calls.slice(0, 2)).toEqual([`${API}/data#top`, `${API}/blocked`]);
    expect(calls).toHaveLength(4);
    expect(calls[3]).toBe('/same-origin');
    expect(summary()).toEqual([
      { u: `${API}/data`, m: 'GET', c: 'same-origin', f: false },
      { u: `${API}/blocked`, m: 'POST', c: 'include', f: true },
      { u: `${API}/req`, m: 'PUT', c: 'omit', f: false },
    ]);
    expect(summary()).toEqual([]);
  });

  test('a call the page cancelled itself is not a failure: not noted', async () => {
    const { world, summary } = pageWorld();
    const fetch = world.fetch as (url: string) => Promise<unknown>;
    await expect(fetch(`${API}/cancel`)).rejects.toThrow('aborted');
    expect(summary()).toEqual([]);
  });

  test('XMLHttpRequest: one note per call, aborted ones left out, no listeners piling up on a reused object', async () => {
    const { world, summary } = pageWorld();
    const Xhr = world.XMLHttpRequest as typeof FakeXhr;
    const x = new Xhr();
    x.open('get', `${API}/poll`);
    x.send();
    await tick();
    const listeners = x.listenerCount();
    x.withCredentials = true;
    x.open('GET', `${API}/blocked`);
    x.send();
    await tick();
    x.open('GET', `${API}/cancel`);
    x.send();
    await tick();
    expect(x.listenerCount()).toBe(listeners);
    expect(summary()).toEqual([
      { u: `${API}/poll`, m: 'GET', c: 'same-origin', f: false },
      { u: `${API}/blocked`, m: 'GET', c: 'include', f: true },
    ]);
  });

  test('runs once per page, keeps at most 500 notes', async () => {
    const { world, drain } = pageWorld();
    runInNewContext(OBSERVER, world);
    const fetch = world.fetch as (url: string) => Promise<unknown>;
    await Promise.all(Array.from({ length: 600 }, (_, i) => fetch(`${API}/r/${i}`)));
    const records = drain();
    expect(records.length).toBe(500);
    expect(records[0]?.u).toBe(`${API}/r/100`);
  });
});

describe("the page's word, read and matched", () => {
  test('malformed records are skipped, not trusted', () => {
    const words = readPageWords([
      { u: `${API}/ok`, m: 'get', c: 'include', f: true, t: 1 },
      { u: 'javascript:alert(1)', m: 'GET', c: 'include', f: true, t: 1 },
      { u: `${API}/x`, m: 'GET<script>', c: 'include', f: true, t: 1 },
      { u: `${API}/x`, m: 'GET', c: 'always', f: true, t: 1 },
      { u: `${API}/x`, m: 'GET', c: 'omit', f: 'yes', t: 1 },
      { u: `${API}/${'x'.repeat(9000)}`, m: 'GET', c: 'omit', f: false, t: 1 },
      null,
      'text',
    ]);
    expect(words).toEqual([
      { url: `${API}/ok`, method: 'GET', credentials: 'include', failed: true, time: 1 },
    ]);
    expect(readPageWords({ length: 3 })).toEqual([]);
  });

  test('each word goes to the request with its URL and method that started closest, once', () => {
    const words = new PageWords();
    words.add(
      readPageWords([
        { u: `${API}/r/1`, m: 'GET', c: 'include', f: true, t: 1000 },
        { u: `${API}/r/1`, m: 'GET', c: 'same-origin', f: false, t: 5000 },
      ]),
    );
    expect(words.take({ url: `${API}/r/1`, method: 'GET', time: 4900 })?.failed).toBe(false);
    expect(words.take({ url: `${API}/r/1`, method: 'POST', time: 1000 })).toBeNull();
    expect(words.take({ url: `${API}/r/1`, method: 'GET', time: 1100 })?.credentials).toBe('include');
    expect(words.take({ url: `${API}/r/1`, method: 'GET', time: 1100 })).toBeNull();
    expect(words.size).toBe(0);
  });
});

describe("judged by the page's word", () => {
  // A GET whose response allows the page's origin but not credentials: Firefox's capture shows a 200 either way.
  const response = () =>
    allowedGet('1000', {
      requestHeaders: [h('Origin', PAGE)],
      responses: [{ url: `${API}/r/1000`, status: 200, headers: [h('Access-Control-Allow-Origin', PAGE)] }],
    });

  test('without it the engine cannot tell: undetermined', () => {
    expect(judge(response(), 'engine')).toMatchObject({ blocked: false, undetermined: true });
  });

  test('the call did not fail: allowed, never "credentials?"', () => {
    const j = judge({ ...response(), pageSaw: { credentials: 'same-origin', failed: false } }, 'engine');
    expect(j).toMatchObject({ blocked: false, undetermined: false });
    expect(j.verdict.outcome).toBe('allowed');
  });

  test('the call failed with credentials: blocked for the missing Access-Control-Allow-Credentials', () => {
    const j = judge({ ...response(), pageSaw: { credentials: 'include', failed: true } }, 'engine');
    expect(j).toMatchObject({ blocked: true, undetermined: false });
    expect({ corsError: j.verdict.corsError, firefoxReason: j.verdict.firefoxReason }).toEqual({
      corsError: 'InvalidAllowCredentials',
      firefoxReason: 'CORSMissingAllowCredentials',
    });
    expect(j.exchange.credentials).toBe('include');
  });
});
