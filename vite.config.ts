import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

export default defineConfig({
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
});
