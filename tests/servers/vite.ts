/**
 * A real Vite dev server run with the config a `vite-proxy` fix says to write: the fix's module is
 * evaluated as written (its default export is the config), with a page of our own at its root.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, defineConfig, type UserConfig } from 'vite';

export interface RunningVite {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startViteWithFix(fixCode: string, indexHtml: string): Promise<RunningVite> {
  const config = new Function('defineConfig', fixCode.replace('export default ', 'return '))(
    defineConfig,
  ) as UserConfig;
  const root = mkdtempSync(join(tmpdir(), 'cors-lens-vite-'));
  writeFileSync(join(root, 'index.html'), indexHtml);
  const vite = await createServer({
    ...config,
    configFile: false,
    root,
    logLevel: 'silent',
    server: { ...config.server, host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
  });
  const close = async () => {
    await vite.close();
    rmSync(root, { recursive: true, force: true });
  };
  await vite.listen();
  const address = vite.httpServer?.address() as AddressInfo | null | undefined;
  if (!address) {
    await close();
    throw new Error('the Vite dev server did not listen');
  }
  return { origin: `http://127.0.0.1:${address.port}`, close };
}
