import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { firefoxManifest } from './extension/platform/manifest.ts';
import manifest from './manifest.json' with { type: 'json' };

type CrxManifest = Parameters<typeof crx>[0]['manifest'];

/**
 * Preact's one HTML sink is `dangerouslySetInnerHTML`, which CORS Lens never uses: the bundle
 * loses it, so no header value or URL can ever reach innerHTML (and `web-ext lint` has nothing to
 * flag). Fails the build if a Preact update moves the code, rather than silently keeping the sink.
 */
function withoutHtmlSink(): Plugin {
  const sink = /\((\w+)\.innerHTML=(\w+)\.__html\)/;
  return {
    name: 'cors-lens:no-html-sink',
    transform(code, id) {
      if (!/[\\/]preact[\\/]dist[\\/]preact\.mjs$/.test(id)) return null;
      if (!sink.test(code))
        this.error('Preact changed: dangerouslySetInnerHTML handling not found; update withoutHtmlSink.');
      return {
        code: code.replace(sink, '(()=>{throw new Error("CORS Lens renders no HTML")})()'),
        map: null,
      };
    },
  };
}

/**
 * The command is run as a program (`npx cors-lens`): the file the build writes must be executable,
 * or every rebuild leaves "Permission denied".
 */
function executable(file: string): Plugin {
  return {
    name: 'cors-lens:executable',
    writeBundle(options) {
      chmodSync(join(options.dir ?? '', file), 0o755);
    },
  };
}

/**
 * `vite build`: the Chrome extension in dist/.
 * `vite build --mode firefox`: the same extension for Firefox (MV3, event page) in dist-firefox/.
 * `vite build --mode cli`: the `cors-lens` command, one self-contained ES module for Node, in dist-cli/.
 * `vite build --mode playwright`: the Playwright fixture (`cors-lens/playwright`), beside it.
 */
export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'cli' || mode === 'playwright') {
    const cli = mode === 'cli';
    return {
      publicDir: false,
      plugins: cli ? [executable('cors-lens.mjs')] : [],
      build: {
        outDir: 'dist-cli',
        // The command first (it empties the folder), then the Playwright fixture beside it.
        emptyOutDir: cli,
        target: 'node20',
        ssr: cli ? 'src/cli/main.ts' : 'src/playwright/index.ts',
        minify: false,
        rolldownOptions: {
          // The fixture uses the test runner the user's project already has.
          external: ['@playwright/test'],
          output: {
            entryFileNames: cli ? 'cors-lens.mjs' : 'playwright.mjs',
            ...(cli ? { banner: '#!/usr/bin/env node' } : {}),
          },
        },
      },
      // Bundle the engine's own dependencies too: each file runs alone.
      ssr: { noExternal: true, external: ['@playwright/test'], target: 'node' },
    };
  }
  const firefox = mode === 'firefox';
  return {
    // `public/` holds icons and locales; crxjs copies what the manifest names, and _locales must
    // land at the root of dist/, so it is copied as a public dir.
    publicDir: 'public',
    plugins: [
      withoutHtmlSink(),
      preact(),
      firefox
        ? crx({ manifest: firefoxManifest(manifest) as unknown as CrxManifest, browser: 'firefox' })
        : crx({ manifest: manifest as CrxManifest }),
    ],
    build: {
      outDir: firefox ? 'dist-firefox' : 'dist',
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
