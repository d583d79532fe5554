// CORS Lens, in the page's own world while a DevTools window serves a tab of its origin (Firefox
// only): for each cross-origin fetch() and XMLHttpRequest the page makes, the credentials mode it
// asked for and whether the call failed — what Firefox's own capture sources do not tell. Nothing
// leaves the page: the DevTools window reads these notes (drain) through
// devtools.inspectedWindow.eval. Bounded; the page's calls return and fail exactly as before, and
// a failure the page leaves unhandled is still reported as unhandled.
(() => {
  const KEY = Symbol.for('cors-lens.page-calls');
  if (Object.hasOwn(globalThis, KEY)) return;
  const MAX = 500;
  const records = [];
  const note = (record) => {
    try {
      records.push(record);
      if (records.length > MAX) records.shift();
    } catch {
      // Never in the page's way.
    }
  };
  Object.defineProperty(globalThis, KEY, {
    value: Object.freeze({ drain: () => records.splice(0, records.length) }),
  });

  /** The URL as the network sees it (no fragment), or null for the page's own origin or no URL. */
  const crossOrigin = (url) => {
    try {
      const u = new URL(String(url), document.baseURI);
      if (u.origin === location.origin) return null;
      u.hash = '';
      return u.href;
    } catch {
      return null;
    }
  };
  /** A Request, from this frame or another (by its shape: instanceof fails across frames). */
  const asRequest = (input) =>
    input !== null &&
    typeof input === 'object' &&
    typeof input.url === 'string' &&
    typeof input.method === 'string'
      ? input
      : null;
  /** The page ended it itself (AbortController, AbortSignal.timeout): not a failure of the request. */
  const endedByPage = (error, signal) =>
    signal?.aborted === true || error?.name === 'AbortError' || error?.name === 'TimeoutError';

  const nativeFetch = globalThis.fetch;
  if (typeof nativeFetch === 'function') {
    globalThis.fetch = function fetch(...args) {
      const promise = Reflect.apply(nativeFetch, this, args);
      let record = null;
      let signal = null;
      try {
        const [input, init] = args;
        const request = asRequest(input);
        const url = crossOrigin(request ? request.url : input);
        signal = init?.signal ?? request?.signal ?? null;
        if (url !== null) {
          record = {
            u: url,
            m: String(init?.method ?? request?.method ?? 'GET').toUpperCase(),
            c: String(init?.credentials ?? request?.credentials ?? 'same-origin'),
            t: Date.now(),
          };
        }
      } catch {
        record = null;
      }
      if (record === null) return promise;
      return promise.then(
        (response) => {
          note({ ...record, f: false });
          return response;
        },
        (error) => {
          if (!endedByPage(error, signal)) note({ ...record, f: true });
          throw error;
        },
      );
    };
  }

  const xhr = globalThis.XMLHttpRequest?.prototype;
  if (xhr) {
    const open = xhr.open;
    const send = xhr.send;
    /** Each XMLHttpRequest's current call: set by open, sent by send, noted once at its end. */
    const calls = new WeakMap();
    const watched = new WeakSet();
    const ended = (request, how) => {
      const call = calls.get(request);
      if (!call?.sent || call.noted) return;
      call.noted = true;
      // "error" is a failed call (CORS or network); aborted or timed out, the page ended it.
      if (how === 'load' || how === 'error')
        note({ u: call.u, m: call.m, c: call.c, f: how === 'error', t: call.t });
    };
    xhr.open = function (...args) {
      const [method, url] = args;
      const u = crossOrigin(url);
      calls.set(this, u === null ? { skip: true } : { u, m: String(method).toUpperCase() });
      return Reflect.apply(open, this, args);
    };
    xhr.send = function (...args) {
      const result = Reflect.apply(send, this, args);
      const call = calls.get(this);
      if (call && !call.skip) {
        call.sent = true;
        call.t = Date.now();
        call.c = this.withCredentials ? 'include' : 'same-origin';
        if (!watched.has(this)) {
          watched.add(this);
          for (const how of ['load', 'error', 'abort', 'timeout'])
            this.addEventListener(how, () => ended(this, how));
        }
      }
      return result;
    };
  }
})();
