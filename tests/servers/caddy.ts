/**
 * A real Caddy (Debian's `caddy`) on a loopback port in front of the lab's upstream app, with
 * basicauth on /api/orders and CORS headers set the way people first set them (no OPTIONS answer,
 * PATCH, Authorization and credentials forgotten). A fix is pasted in place of that block of the
 * site, nothing else. Without a caddy binary `startCaddy` throws, naming the package.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './listen.ts';
import { projectDir, type RunningApp, run } from './process.ts';
import { replaceCorsBlock } from './stack-lab.ts';

export const CADDY = ['/usr/bin/caddy', '/usr/local/bin/caddy'].find((p) => existsSync(p));

/** bcrypt of "secret", as `caddy hash-password --plaintext secret` prints it. */
const SECRET_HASH = '$2a$14$/QQ0KnBxvmxJGaE.rHgJCO4llYckwwUweRgob5OV0UZSL/wbEvFWi';

function caddyfile(pageOrigin: string, port: number, upstream: string): string {
  return `{
	admin off
	auto_https off
}

http://127.0.0.1:${port} {
	basicauth /api/orders {
		ada ${SECRET_HASH}
	}
	# CORS
	header /api* {
		Access-Control-Allow-Origin "${pageOrigin}"
		Access-Control-Allow-Methods "GET, POST, PUT"
		Access-Control-Allow-Headers "Content-Type"
	}
	# END CORS
	reverse_proxy ${upstream.replace(/^http:\/\//, '')}
}
`;
}

/** Starts Caddy with the broken site, or with `fix` pasted in place of its CORS headers. */
export async function startCaddy(pageOrigin: string, upstream: string, fix?: string): Promise<RunningApp> {
  if (!CADDY) throw new Error('No Caddy found. Install it: sudo apt-get install -y caddy');
  const port = await freePort();
  const dir = projectDir('cors-lens-caddy-');
  let source = caddyfile(pageOrigin, port, upstream);
  if (fix) source = replaceCorsBlock(source, fix, '\t#');
  writeFileSync(join(dir, 'Caddyfile'), source);
  // Caddy keeps its autosaved config and data under these: the test's folder, not the user's home.
  return run(
    [CADDY, 'run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
    dir,
    port,
    source,
    {
      XDG_CONFIG_HOME: dir,
      XDG_DATA_HOME: dir,
    },
  );
}
