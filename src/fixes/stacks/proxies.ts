/**
 * When the server is not yours: let the dev server forward the calls, so the page talks to its
 * own origin and CORS does not apply. Browser flags and "disable CORS" extensions only hide the
 * bug until production, and open every site to the others while on.
 */
import { type Renderer, routePrefix } from '../fix.ts';

const WARNING =
  'Do not use "disable CORS" extensions or --disable-web-security: they hide the bug until production and let every site read every other while on.';

function prefixOf(path: string): string {
  return routePrefix(path) || path;
}

function usage(req: Parameters<Renderer>[0]): string {
  return `Then call ${JSON.stringify(req.path)} (same origin) instead of ${JSON.stringify(req.apiOrigin + req.path)}.`;
}

export const viteProxy: Renderer = (req) => ({
  stack: 'vite-proxy',
  language: 'js',
  imports: ["import { defineConfig } from 'vite';"],
  code: `export default defineConfig({
  server: {
    proxy: {
      ${JSON.stringify(prefixOf(req.path))}: { target: ${JSON.stringify(req.apiOrigin)}, changeOrigin: true },
    },
  },
});`,
  notes: [`vite.config.js, for development only. ${usage(req)}`, WARNING],
});

export const webpackProxy: Renderer = (req) => ({
  stack: 'webpack-proxy',
  language: 'js',
  imports: [],
  code: `module.exports = {
  // ...
  devServer: {
    proxy: [{ context: [${JSON.stringify(prefixOf(req.path))}], target: ${JSON.stringify(req.apiOrigin)}, changeOrigin: true }],
  },
};`,
  notes: [`webpack.config.js, for development only. ${usage(req)}`, WARNING],
});

export const nextProxy: Renderer = (req) => ({
  stack: 'next-proxy',
  language: 'js',
  imports: [],
  code: `module.exports = {
  async rewrites() {
    return [{ source: ${JSON.stringify(`${prefixOf(req.path)}/:path*`)}, destination: ${JSON.stringify(`${req.apiOrigin}${prefixOf(req.path)}/:path*`)} }];
  },
};`,
  notes: [`next.config.js: the Next.js server forwards the calls. ${usage(req)}`, WARNING],
});
