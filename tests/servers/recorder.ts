/**
 * Records every request a test server receives and the exact status line and header lines it
 * sends back, keyed by the scenario and hop named in the query string (`?s=<id>&hop=<n>`). The
 * e2e corpus builds each exchange from this log — what the server really saw and sent — rather
 * than from what the test meant to send.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HeaderLine } from '../../src/index.ts';

export interface LoggedExchange {
  readonly scenario: string;
  readonly hop: number;
  readonly method: string;
  readonly url: string;
  readonly requestHeaders: HeaderLine[];
  status: number;
  responseHeaders: HeaderLine[];
}

export class ExchangeLog {
  readonly #entries: LoggedExchange[] = [];

  /** Entries for one scenario, in arrival order. */
  forScenario(id: string): LoggedExchange[] {
    return this.#entries.filter((e) => e.scenario === id);
  }

  all(): readonly LoggedExchange[] {
    return this.#entries;
  }

  /** Wraps a request listener so that each request and its response's wire headers are logged. */
  wrap(listener: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://recorder.invalid');
      const scenario = url.searchParams.get('s');
      if (scenario !== null) {
        const entry: LoggedExchange = {
          scenario,
          hop: Number(url.searchParams.get('hop') ?? 0),
          method: req.method ?? '',
          url: req.url ?? '',
          requestHeaders: pairs(req.rawHeaders),
          status: 0,
          responseHeaders: [],
        };
        this.#entries.push(entry);
        res.on('finish', () => {
          const wire = parseWireHeader((res as ServerResponse & { _header?: string })._header ?? '');
          entry.status = wire.status;
          entry.responseHeaders = wire.headers;
        });
      }
      listener(req, res);
    };
  }
}

function pairs(raw: readonly string[]): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    out.push({ name: raw[i] as string, value: raw[i + 1] as string });
  return out;
}

/** Parses the status line and header block Node wrote on the socket (`res._header`). */
export function parseWireHeader(block: string): { status: number; headers: HeaderLine[] } {
  const lines = block.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
  const headers: HeaderLine[] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon), value: line.slice(colon + 1) });
  }
  return { status, headers };
}
