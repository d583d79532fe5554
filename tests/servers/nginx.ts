/**
 * A real nginx (Debian's package) on a loopback port, serving one `location` block as a fix says
 * to paste it, in front of an upstream server. Nothing is installed here: without an nginx binary
 * `startNginx` throws, naming the package.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../e2e/wait.ts';
import { freePort } from './listen.ts';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/** The line the nginx fix leaves for the user's own proxy_pass or root. */
const PLACEHOLDER = '# …your existing proxy_pass or root stays here.';

export interface RunningNginx {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the fix's location block with `proxy_pass upstream` in place of the user's own, until closed. */
export async function startNginx(location: string, upstream: string): Promise<RunningNginx> {
  if (!NGINX) throw new Error('No nginx found. Install it: sudo apt-get install -y nginx');
  if (!location.includes(PLACEHOLDER)) throw new Error(`The nginx fix has no "${PLACEHOLDER}" line`);
  // A fix for several page origins starts with a `map` that belongs in the http block.
  const maps = location.match(/^map [^\n]*\{\n[\s\S]*?^\}\n?/gm) ?? [];
  const block = maps.reduce((rest, m) => rest.replace(m, ''), location);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'cors-lens-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
${maps.join('\n')}
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
${block.replace(PLACEHOLDER, `proxy_pass ${upstream};`)}
  }
}
`,
  );
  const nginx: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const close = async () => {
    nginx.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      () =>
        fetch(`${origin}/`).then(
          () => true,
          () => false,
        ),
      (up) => up,
      { what: 'nginx to listen', timeoutMs: 10_000 },
    );
  } catch (err) {
    await close();
    throw err;
  }
  return { origin, close };
}
