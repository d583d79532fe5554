import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crx } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { firefoxManifest } from './extension/platform/manifest.ts';
import source from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };

/** The version lives in package.json alone: both browsers' manifests get it at build time. */
const manifest = { ...source, version: pkg.version };

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
 * THIRD_PARTY_LICENSES.txt beside the bundle: the name, version, license and license text of every
 * npm package whose code the bundle holds (Preact, webextension-polyfill under MPL-2.0, ws…), as
 * their licenses ask of a redistributed copy. Read from the modules the bundle really contains.
 */
function thirdPartyLicenses(): Plugin {
  return {
    name: 'cors-lens:third-party-licenses',
    generateBundle(_options, bundle) {
      const packages = new Set<string>();
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        for (const id of Object.keys(output.modules)) {
          const m = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id.replace(/^\0/, ''));
          // A module tree-shaken away entirely left no code of its package in the bundle.
          if (m?.[1] && (output.modules[id]?.renderedLength ?? 0) > 0) packages.add(m[1].replace(/\\/g, '/'));
        }
      }
      const sections = [...packages].sort().map((name) => {
        const dir = join('node_modules', name);
        const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
          version: string;
          license?: string;
        };
        const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
        const text = file ? readFileSync(join(dir, file), 'utf8').trim() : '(no license file in the package)';
        return `${name} ${meta.version} — ${meta.license ?? 'see below'}\n\n${text}\n`;
      });
      if (sections.length === 0) return;
      this.emitFile({
        type: 'asset',
        fileName: 'THIRD_PARTY_LICENSES.txt',
        source: `CORS Lens bundles code from these packages, under their licenses:\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`,
      });
    },
  };
}

/** Every `.d.ts` file under a folder. */
function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.d.ts'))
    .map((d) => join(d.parentPath, d.name));
}

/**
 * The npm package's types: `.d.ts` files written by `tsc` from the sources the package's two
 * entries reach. Our sources import each other with `.ts` extensions (run as they are by tsx and
 * Vite); a user's `tsc` under `nodenext` refuses such a path in a declaration (TS5097), so the
 * written files import `.js`, as published JavaScript does.
 */
function declarations(entries: readonly string[], outDir: string): Plugin {
  return {
    name: 'cors-lens:declarations',
    closeBundle() {
      rmSync(outDir, { recursive: true, force: true });
      const tsc = spawnSync(
        process.execPath,
        [
          'node_modules/typescript/bin/tsc',
          '--ignoreConfig',
          ...entries,
          ...['--declaration', '--emitDeclarationOnly', '--outDir', outDir, '--rootDir', 'src'],
          ...['--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext'],
          ...['--strict', '--skipLibCheck', '--resolveJsonModule', '--types', 'node'],
          '--allowImportingTsExtensions',
        ],
        { encoding: 'utf8' },
      );
      if (tsc.status !== 0)
        this.error(`tsc could not write the package's types:\n${tsc.stdout}${tsc.stderr}`);
      const tsPath = /((?:from\s+|import\()["']\.{1,2}\/[^"']*?)\.tsx?(["'])/g;
      for (const file of declarationFiles(outDir)) {
        writeFileSync(file, readFileSync(file, 'utf8').replace(tsPath, '$1.js$2'));
      }
    },
  };
}

/**
 * Firefox's page observer (public/observe-calls.js) is registered on Firefox only: the Chrome
 * build leaves it out, so nothing in it wraps a page's fetch().
 */
function firefoxOnly(file: string): Plugin {
  return {
    name: 'cors-lens:firefox-only',
    writeBundle(options) {
      rmSync(join(options.dir ?? '', file), { force: true });
    },
  };
}

/**
 * `vite build`: the Chrome extension in dist/.
 * `vite build --mode firefox`: the same extension for Firefox (MV3, event page) in dist-firefox/.
 * `vite build --mode cli`: the `cors-lens` command, one self-contained ES module for Node, in dist-cli/.
 * `vite build --mode lib`: the package's two imports beside it — the engine (`cors-lens`, index.mjs)
 *   and the Playwright fixture (`cors-lens/playwright`, playwright.mjs) — and their types in
 *   dist-cli/types/.
 */
export default defineConfig(({ mode }): UserConfig => {
  if (mode === 'cli' || mode === 'lib') {
    const cli = mode === 'cli';
    const entries = { index: 'src/index.ts', playwright: 'src/playwright/index.ts' };
    return {
      publicDir: false,
      plugins: cli
        ? [executable('cors-lens.mjs'), thirdPartyLicenses()]
        : [declarations(Object.values(entries), 'dist-cli/types')],
      build: {
        outDir: 'dist-cli',
        // The command first (it empties the folder), then the two imports beside it.
        emptyOutDir: cli,
        target: 'node20',
        ssr: true,
        minify: false,
        rolldownOptions: {
          input: cli ? { 'cors-lens': 'src/cli/main.ts' } : entries,
          // The fixture uses the test runner the user's project already has.
          external: ['@playwright/test'],
          output: {
            entryFileNames: '[name].mjs',
            chunkFileNames: 'chunks/[name]-[hash].mjs',
            ...(cli ? { banner: '#!/usr/bin/env node' } : {}),
          },
        },
      },
      // Bundle the engine's own dependencies too: the package needs none installed beside it.
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
      thirdPartyLicenses(),
      firefox
        ? crx({ manifest: firefoxManifest(manifest) as unknown as CrxManifest, browser: 'firefox' })
        : crx({ manifest: manifest as CrxManifest }),
      ...(firefox ? [] : [firefoxOnly('observe-calls.js')]),
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
