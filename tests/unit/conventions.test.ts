/**
 * Conventions the code relies on, checked so they cannot drift (as Refined GitHub checks its own):
 * which file may import which, that nothing imports itself round a loop, that only
 * extension/platform/ touches the browser's API, and that no string becomes HTML.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EN } from '../../extension/ui/strings.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? files(join(dir, d.name))
      : /\.(ts|tsx)$/.test(d.name) && !d.name.endsWith('.d.ts')
        ? [join(dir, d.name)]
        : [],
  );
}

const SOURCES = [...files(join(ROOT, 'src')), ...files(join(ROOT, 'extension'))].map((f) =>
  relative(ROOT, f),
);

/** Source without comments, so that words in them are not taken for code. */
function code(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|(^|[^:'"`])\/\/.*$/gm, '$1');
}

interface Import {
  readonly from: string;
  /** A file of the project (relative to the root), or the package name. */
  readonly to: string;
  readonly typeOnly: boolean;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g;

function importsOf(file: string): Import[] {
  const out: Import[] = [];
  for (const m of code(file).matchAll(IMPORT)) {
    const spec = m[3] as string;
    const typeOnly = m[2] !== undefined;
    if (!spec.startsWith('.')) {
      out.push({ from: file, to: spec, typeOnly });
      continue;
    }
    const target = relative(ROOT, resolve(ROOT, dirname(file), spec));
    if (/\.(ts|tsx)$/.test(target) && existsSync(join(ROOT, target)))
      out.push({ from: file, to: target, typeOnly });
  }
  return out;
}

const IMPORTS = SOURCES.flatMap(importsOf);

/** The layers, lowest first: a file may import its own layer or a lower one, never a higher one. */
const LAYERS: readonly (readonly string[])[] = [
  ['src/cors/'],
  ['src/capture/', 'src/fixes/'],
  ['src/report/'],
  ['src/har/', 'src/cdp/'],
  // The package's public entry re-exports the engine, the reports and the sources.
  ['src/cli/', 'src/playwright/', 'src/index.ts'],
  ['extension/platform/', 'extension/shared/'],
  ['extension/log/'],
  ['extension/background/', 'extension/ui/'],
  ['extension/panel/', 'extension/popup/', 'extension/devtools/', 'extension/options/'],
];

const layerOf = (file: string) => LAYERS.findIndex((l) => l.some((prefix) => file.startsWith(prefix)));

test('every source file belongs to a layer', () => {
  for (const file of SOURCES) expect(layerOf(file), file).toBeGreaterThanOrEqual(0);
});

describe('imports run one way', () => {
  test('no file imports a higher layer', () => {
    const upward = IMPORTS.filter((i) => i.to.includes('/') && layerOf(i.to) > layerOf(i.from));
    expect(upward.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('the engine (src/) imports nothing from extension/', () => {
    expect(IMPORTS.filter((i) => i.from.startsWith('src/') && i.to.startsWith('extension/'))).toEqual([]);
  });

  test('fixes never import the report, capture never imports fixes or the report', () => {
    const bad = IMPORTS.filter(
      (i) =>
        (i.from.startsWith('src/fixes/') &&
          (i.to.startsWith('src/report/') || i.to.startsWith('src/capture/'))) ||
        (i.from.startsWith('src/capture/') &&
          (i.to.startsWith('src/fixes/') || i.to.startsWith('src/report/'))),
    );
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('panel, popup and ui import nothing from the worker, and the worker nothing from them', () => {
    const pages = ['extension/panel/', 'extension/popup/', 'extension/ui/', 'extension/devtools/'];
    const bad = IMPORTS.filter(
      (i) =>
        (pages.some((p) => i.from.startsWith(p)) && i.to.startsWith('extension/background/')) ||
        (i.from.startsWith('extension/background/') && pages.some((p) => i.to.startsWith(p))),
    );
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('the message contract imports only types from the engine', () => {
    const bad = IMPORTS.filter((i) => i.from === 'extension/shared/messages.ts' && !i.typeOnly);
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('no import loop, anywhere', () => {
    const graph = new Map<string, string[]>();
    for (const i of IMPORTS) if (i.to.includes('/')) graph.set(i.from, [...(graph.get(i.from) ?? []), i.to]);
    const loops: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        loops.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of SOURCES) visit(file, []);
    expect(loops).toEqual([]);
  });
});

describe('only extension/platform/ touches the browser', () => {
  const outside = SOURCES.filter((f) => !f.startsWith('extension/platform/'));

  test('no chrome.* or browser.* outside it', () => {
    // The global namespaces, not a property that happens to be called so (names.chrome.error).
    for (const file of outside)
      expect(code(file), file).not.toMatch(/(?<![.\w$/'"])(chrome|browser)\.[a-zA-Z]/);
  });

  test('no file outside it imports webextension-polyfill or chrome types', () => {
    const bad = IMPORTS.filter(
      (i) =>
        !i.from.startsWith('extension/platform/') && /^(webextension-polyfill|@types\/chrome)/.test(i.to),
    );
    expect(bad.map((i) => `${i.from} -> ${i.to}`)).toEqual([]);
  });

  test('the engine uses no browser or page API at all', () => {
    for (const file of SOURCES.filter((f) => f.startsWith('src/'))) {
      expect(code(file), file).not.toMatch(/\b(document|window|localStorage)\./);
    }
  });
});

test('every UI string is in the English locale file, word for word', () => {
  const messages = JSON.parse(readFileSync(join(ROOT, 'public/_locales/en/messages.json'), 'utf8')) as Record<
    string,
    { message: string }
  >;
  for (const [key, text] of Object.entries(EN)) expect(messages[key]?.message, key).toBe(text);
  expect(messages.extName?.message).toBe('CORS Lens');
});

test('nothing renders strings as HTML', () => {
  for (const file of SOURCES) {
    expect(readFileSync(join(ROOT, file), 'utf8'), file).not.toMatch(
      /innerHTML|dangerouslySetInnerHTML|insertAdjacentHTML|outerHTML/,
    );
  }
});

describe('one place for each fact and each builder', () => {
  test("each browser's preflight-cache limits are written once, in src/cors/preflight-cache.ts", () => {
    for (const file of SOURCES.filter((f) => f !== 'src/cors/preflight-cache.ts')) {
      expect(code(file), file).not.toMatch(/\b(7_?200|86_?400)\b/);
    }
  });

  test('one path per source: only HAR import replays entries as webRequest events, and no source waits on a timer', () => {
    // The Pairer serves webRequest capture and HAR files; DevTools' log and CDP build entries directly.
    const replaying = SOURCES.filter((f) => /\b(startEvent|hopEvents|preflightEvents)\(/.test(code(f)));
    expect(replaying.sort()).toEqual(['src/har/import.ts', 'src/har/replay.ts']);
    for (const file of [
      'src/har/devtools-log.ts',
      ...SOURCES.filter((f) => f.startsWith('extension/devtools/')),
    ])
      expect(code(file), file).not.toMatch(/\bnew Pairer\b/);
    for (const file of ['src/har/devtools-log.ts', 'extension/devtools/capture.ts']) {
      // Followed as it comes: nothing is held for a while in the hope that more arrives.
      expect(code(file), file).not.toMatch(/\bPREFLIGHT_WAIT|\bNEXT_HOP_WAIT|#flushTimer|\.flush\(/);
    }
    // The worker keeps DevTools' copy by its id: nothing rewrites a tab's log whole to fit it in.
    expect(code('extension/log/tab-log.ts')).not.toMatch(/replaceTab\(/);
  });

  test("an Exchange is built by capture's exchangeOf; elsewhere only spread from one", () => {
    for (const file of SOURCES.filter((f) => f !== 'src/capture/exchange.ts')) {
      for (const m of code(file).matchAll(/:\s*Exchange\s*=\s*\{([^}]{0,200})/g)) {
        expect(m[1]?.trim(), file).toMatch(/^\.\.\.\w+/);
      }
    }
  });
});
