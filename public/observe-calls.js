// CORS Lens, in the page's own world while a DevTools window serves its tab (Firefox only): for
// each fetch() and XMLHttpRequest the page makes, the credentials mode it asked for and whether
// the call failed — what Firefox's own capture sources do not tell. Nothing leaves the page: the
// DevTools window reads these records (drain) through devtools.inspectedWindow.eval. Bounded, and
// it never changes what the page's calls do or return.
(() => {
  const KEY = Symbol.for('cors-lens.page-calls');
  if (Object.hasOwn(globalThis, KEY)) return;
  const MAX = 500;
  const records = [];
  const note = (record) => {
    records.push(record);
    if (records.length > MAX) records.shift();
  };
  Object.defineProperty(globalThis, KEY, {
    value: Object.freeze({ drain: () => records.splice(0, records.length) }),
  });

  const absolute = (url) => {
    try {
      return new URL(String(url), document.baseURI).href;
    } catch {
      return null;
    }
  };

  const nativeFetch = globalThis.fetch;
  if (typeof nativeFetch === 'function') {
    const wrapped = function fetch(...args) {
      const promise = Reflect.apply(nativeFetch, this, args);
      let record = null;
      try {
        const [input, init] = args;
        const request = input instanceof Request ? input : null;
        const url = absolute(request ? request.url : input);
        const method = String(init?.method ?? request?.method ?? 'GET').toUpperCase();
        const credentials = String(init?.credentials ?? request?.credentials ?? 'same-origin');
        if (url !== null) record = { u: url, m: method, c: credentials, t: Date.now() };
      } catch {
        // Never in the page's way.
      }
      if (record === null) return promise;
      // The page gets the same outcome; a failure it leaves unhandled is still reported as such.
      return promise.then(
        (response) => {
          note({ ...record, f: false });
          return response;
        },
        (error) => {
          note({ ...record, f: true });
          throw error;
        },
      );
    };
    globalThis.fetch = wrapped;
  }

  const xhr = globalThis.XMLHttpRequest?.prototype;
  if (xhr) {
    const open = xhr.open;
    const send = xhr.send;
    const calls = new WeakMap();
    xhr.open = function (...args) {
      const [method, url] = args;
      calls.set(this, { u: absolute(url), m: String(method).toUpperCase() });
      return Reflect.apply(open, this, args);
    };
    xhr.send = function (...args) {
      const call = calls.get(this);
      if (call && call.u !== null) {
        const time = Date.now();
        const credentials = this.withCredentials ? 'include' : 'same-origin';
        // "error" is a failed call (CORS or network); aborted or timed out, the page ended it.
        let ended = 'load';
        for (const type of ['error', 'abort', 'timeout']) {
          this.addEventListener(type, () => {
            ended = type;
          });
        }
        this.addEventListener('loadend', () => {
          if (ended === 'load' || ended === 'error')
            note({ u: call.u, m: call.m, c: credentials, f: ended === 'error', t: time });
        });
      }
      return Reflect.apply(send, this, args);
    };
  }
})();
