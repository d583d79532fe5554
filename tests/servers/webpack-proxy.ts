/**
 * A real webpack-dev-server (npm, its own API as `webpack serve` drives it) serving the lab page
 * from a folder, with the `devServer` options of the webpack-proxy fix evaluated as written: the
 * page calls its own origin, and the dev server forwards /api to the API that is not yours.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import webpack from 'webpack';
import WebpackDevServer from 'webpack-dev-server';
import { freePort } from './listen.ts';
import { configBlock } from './stack-lab.ts';

export interface RunningDevServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** webpack.config.js as the fix writes it: `module.exports = { devServer: { proxy: … } }`. */
function evaluateConfig(fix: string): { devServer?: Record<string, unknown> } {
  const code = configBlock(fix, 'webpack.config.js');
  const module = { exports: {} as { devServer?: Record<string, unknown> } };
  new Function('module', code)(module);
  return module.exports;
}

export async function startWebpackWithFix(fix: string, pageHtml: string): Promise<RunningDevServer> {
  const dir = mkdtempSync(join(tmpdir(), 'cors-lens-webpack-'));
  writeFileSync(join(dir, 'lab.html'), pageHtml);
  writeFileSync(join(dir, 'index.js'), '');
  const port = await freePort();
  const compiler = webpack({
    mode: 'development',
    context: dir,
    entry: './index.js',
    output: { path: join(dir, 'dist') },
    infrastructureLogging: { level: 'error' },
    stats: 'errors-only',
  });
  const server = new WebpackDevServer(
    {
      ...evaluateConfig(fix).devServer,
      host: '127.0.0.1',
      port,
      static: { directory: dir },
      hot: false,
      liveReload: false,
      client: false,
      open: false,
    },
    compiler,
  );
  await server.start();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.stop();
      await new Promise<void>((resolve) => compiler.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
