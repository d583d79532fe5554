/**
 * A real Apache httpd (Debian's `apache2`) on a loopback port, as a user runs it in front of an
 * application: a VirtualHost that proxies /api to the lab's upstream app and protects
 * /api/orders with Basic authentication — and the CORS headers set the way people first set them
 * (`Header set` without `always`, PATCH, Authorization and credentials forgotten). Applying a fix
 * replaces that block by the fix's text and enables the modules it names (`a2enmod …`), nothing
 * else. Without an apache2 binary `startApache` throws, naming the package.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './listen.ts';
import { projectDir, run } from './process.ts';
import { replaceCorsBlock } from './stack-lab.ts';

export const APACHE = ['/usr/sbin/apache2', '/usr/sbin/httpd'].find((p) => existsSync(p));
const MODULES = '/usr/lib/apache2/modules';

export interface RunningApache {
  readonly origin: string;
  /** The VirtualHost as written, for a failing test's message. */
  readonly config: string;
  close(): Promise<void>;
}

/** What a Debian install has enabled, plus what the broken setup itself uses. */
const BASE_MODULES = [
  'mpm_event',
  'authz_core',
  'authz_user',
  'authn_core',
  'authn_file',
  'auth_basic',
  'proxy',
  'proxy_http',
  'setenvif',
  'headers',
];

/** The user's broken CORS setup, inside the VirtualHost. */
function brokenCors(pageOrigin: string): string {
  return `# CORS
<Location "/api">
    Header set Access-Control-Allow-Origin "${pageOrigin}"
    Header set Access-Control-Allow-Methods "GET, POST, PUT"
    Header set Access-Control-Allow-Headers "Content-Type"
</Location>
# END CORS
`;
}

/**
 * Starts Apache with the broken CORS setup, or with `fix` pasted in its place (and the modules
 * the fix names loaded).
 */
export async function startApache(
  pageOrigin: string,
  upstream: string,
  fix?: string,
): Promise<RunningApache> {
  if (!APACHE) throw new Error('No Apache httpd found. Install it: sudo apt-get install -y apache2');
  const port = await freePort();
  const dir = projectDir('cors-lens-apache-');
  // htpasswd's format for "ada:secret" (Apache's own MD5 crypt, made by `htpasswd -nb ada secret`).
  writeFileSync(join(dir, 'htpasswd'), 'ada:$apr1$hdLzG81j$W6y6fMhPXiKV6qc5QToTk.\n');
  const named = fix
    ? (fix.match(/a2enmod ([\w ]+?)(?:,|\)|$|\n)/)?.[1] ?? '').split(' ').filter(Boolean)
    : [];
  const modules = [...new Set([...BASE_MODULES, ...named])];
  let vhost = `<VirtualHost 127.0.0.1:${port}>
ProxyPass "/api" "${upstream}/api"
<Location "/api/orders">
    AuthType Basic
    AuthName "orders"
    AuthUserFile "${dir}/htpasswd"
    Require valid-user
</Location>
${brokenCors(pageOrigin)}</VirtualHost>
`;
  if (fix) vhost = replaceCorsBlock(vhost, fix);
  const config = `ServerRoot "${dir}"
ServerName localhost
Listen 127.0.0.1:${port}
PidFile "${dir}/httpd.pid"
ErrorLog "${dir}/error.log"
LogLevel warn
${modules.map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`).join('\n')}
${vhost}`;
  writeFileSync(join(dir, 'httpd.conf'), config);
  // -X: one process in the foreground, whose stderr says why a configuration is refused.
  const server = await run([APACHE, '-X', '-f', join(dir, 'httpd.conf')], dir, port, config);
  return { origin: server.origin, config, close: server.close };
}
