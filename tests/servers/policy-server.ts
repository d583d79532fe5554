/**
 * A server with one fixed CORS policy, for load-shaped tests: it reflects the Origin, allows
 * PUT, DELETE and POST with Content-Type only, and answers after `?delay=<ms>` so that requests
 * to the same URL overlap and finish out of order.
 */
import type { RequestListener } from 'node:http';

export const POLICY = {
  methods: 'PUT, DELETE, POST',
  headers: 'content-type',
} as const;

export const policyHandler: RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://policy.invalid');
  const delay = Math.min(Number(url.searchParams.get('delay') ?? 0) || 0, 2000);
  const origin = req.headers.origin ?? '*';
  const headers: Record<string, string> = { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  if (req.method === 'OPTIONS') {
    headers['Access-Control-Allow-Methods'] = POLICY.methods;
    headers['Access-Control-Allow-Headers'] = POLICY.headers;
    // No Max-Age, and Chrome's 5 s default cache is keyed per method and header set anyway.
  }
  setTimeout(() => {
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, headers);
    res.end(req.method === 'OPTIONS' ? undefined : 'ok');
  }, delay);
};
