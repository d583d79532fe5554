/** Loopback listening helpers shared by the test servers and the demo. Nothing listens beyond loopback. */
import { createServer, type RequestListener, request, type Server } from 'node:http';

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 and, where the machine has it, on [::1] with the same port, so that both
 * `http://127.0.0.1:<port>` and `http://localhost:<port>` reach the same handler whichever
 * address Chromium tries first for `localhost`.
 */
export async function listenLoopback(listener: RequestListener, port = 0): Promise<Listening> {
  const v4 = createServer(listener);
  await listen(v4, port, '127.0.0.1');
  const address = v4.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  const v6 = createServer(listener);
  const servers: Server[] = [v4];
  try {
    await listen(v6, actual, '::1');
    servers.push(v6);
  } catch {
    // No IPv6 loopback here: Chromium falls back to 127.0.0.1 for localhost.
  }
  for (const s of servers) s.keepAliveTimeout = 1000;
  return {
    port: actual,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** A port-in-use error, told the way a person can act on it. */
export function describeListenError(err: unknown, port: number, flag: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE')
    return `Port ${port} is already in use. Stop what uses it, or choose another with ${flag}.`;
  if (code === 'EACCES') return `Not allowed to listen on port ${port}. Choose another with ${flag}.`;
  return `Could not listen on port ${port}: ${(err as Error)?.message ?? String(err)}`;
}

/** A loopback port free right now, for a server this process does not start itself (nginx, a browser). */
export async function freePort(): Promise<number> {
  const { createServer: createNetServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A listener that hands every request on to `origin` as it came (method, path, headers, body) and its answer back. */
export function forwardTo(origin: string): RequestListener {
  const target = new URL(origin);
  return (req, res) => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };
}
