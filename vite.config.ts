import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig, type UserConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

/**
 * `vite build`: the Chrome extension in dist/.
 * `vite build --mode cli`: the `cors-lens` command, one self-contained ES module for Node, in dist-cli/.
 */
export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'cli') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist-cli',
        emptyOutDir: true,
        target: 'node20',
        ssr: 'src/cli/main.ts',
        minify: false,
        rolldownOptions: { output: { entryFileNames: 'cors-lens.mjs', banner: '#!/usr/bin/env node' } },
      },
      // Bundle the engine's own dependencies too: the command must run from its file alone.
      ssr: { noExternal: true, target: 'node' },
    };
  }
  return {
    // `public/` holds icons and locales; crxjs copies what the manifest names, and _locales must
    // land at the root of dist/, so it is copied as a public dir.
    publicDir: 'public',
    plugins: [preact(), crx({ manifest: manifest as Parameters<typeof crx>[0]['manifest'] })],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      // The DevTools panel is opened by chrome.devtools.panels.create, not named in the manifest.
      rolldownOptions: {
        input: {
          panel: 'extension/panel/index.html',
        },
      },
    },
  };
});
