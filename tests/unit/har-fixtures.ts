/** HAR files for unit tests, built entry by entry as Chrome's DevTools writes them. */
export const PAGE = 'http://localhost:3000';
export const API = 'http://localhost:4000/api/orders';

export type Pairs = [string, string][];
export const headers = (pairs: Pairs) => pairs.map(([name, value]) => ({ name, value }));

export function entry(o: {
  method: string;
  url?: string;
  start: number;
  request?: Pairs;
  status: number;
  response?: Pairs;
  error?: string | null;
  resourceType?: string;
  /** Chrome's `_initiator` (the line of script that made it, or the request a preflight served). */
  initiator?: unknown;
}) {
  return {
    startedDateTime: new Date(Date.UTC(2026, 10, 25, 10, 0, 0, o.start)).toISOString(),
    time: 5,
    request: {
      method: o.method,
      url: o.url ?? API,
      httpVersion: 'HTTP/1.1',
      headers: headers(o.request ?? []),
    },
    response: { status: o.status, headers: headers(o.response ?? []), _error: o.error ?? null },
    timings: { blocked: 1, dns: -1, connect: -1, send: 0.1, wait: 2, receive: 1 },
    _resourceType: o.resourceType ?? 'fetch',
    ...(o.initiator === undefined ? {} : { _initiator: o.initiator }),
  };
}

/** A page's POST with Authorization, whose preflight did not allow it (as Chrome writes it). */
export function blockedPost() {
  return [
    entry({
      method: 'POST',
      start: 0,
      request: [
        ['Authorization', 'Bearer secret-token'],
        ['Content-Type', 'application/json'],
        ['Referer', `${PAGE}/`],
      ],
      status: 0,
      error: 'net::ERR_FAILED',
    }),
    entry({
      method: 'OPTIONS',
      start: 2,
      resourceType: 'preflight',
      request: [
        ['Access-Control-Request-Method', 'POST'],
        ['Access-Control-Request-Headers', 'authorization,content-type'],
        ['Origin', PAGE],
      ],
      status: 204,
      response: [
        ['Access-Control-Allow-Origin', PAGE],
        ['Access-Control-Allow-Headers', 'Content-Type'],
      ],
    }),
  ];
}

export const har = (entries: unknown[], creator = 'WebInspector') =>
  JSON.stringify({ log: { version: '1.2', creator: { name: creator, version: '1' }, pages: [], entries } });
