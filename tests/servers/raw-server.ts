/**
 * A plain `node:http` server that answers each corpus scenario with exactly the status and header
 * lines the scenario lists: repeated lines, odd spacing and malformed lists reach the browser as
 * written, which no framework would let us do.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HopSpec, Origins, Reply, Scenario } from './scenarios.ts';

/** What a server with no OPTIONS handler answers to a preflight. */
const NO_OPTIONS_HANDLER: Reply = { status: 404, headers: [['Content-Type', 'text/plain']] };
const NOT_FOUND: Reply = { status: 404, headers: [['Content-Type', 'text/plain']] };

export function rawCorsHandler(scenarios: readonly Scenario[], origins: Origins): RequestListener {
  const hopsById = new Map<string, readonly HopSpec[]>();
  for (const s of scenarios) if (s.hops) hopsById.set(s.id, s.hops(origins));

  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://raw.invalid');
    const hops = hopsById.get(url.searchParams.get('s') ?? '');
    const hop = hops?.[Number(url.searchParams.get('hop') ?? 0)];
    const reply = !hop
      ? NOT_FOUND
      : req.method === 'OPTIONS'
        ? (hop.preflight ?? NO_OPTIONS_HANDLER)
        : hop.response;
    // A flat [name, value, name, value…] array keeps repeated lines and their order on the wire.
    res.writeHead(reply.status, reply.headers.flat() as string[]);
    res.end(
      req.method === 'HEAD' || reply.status === 204 || reply.status === 304 ? undefined : 'scenario body\n',
    );
  };
}
