/**
 * The three artifacts `npm run package` writes, installed the way users install them, never from
 * this checkout:
 * - the npm tarball, installed into a new project outside the repository with the test runner and
 *   TypeScript a user has: `cors-lens --version` / `--help`, the command on a HAR that Chromium's own
 *   DevTools exported, a spec importing `cors-lens/playwright` and `cors-lens` typechecked under a
 *   plain strict `nodenext` tsconfig (by the TypeScript we build with and by 5.9, what most projects
 *   run), then run by Playwright against the demo's broken API;
 * - the Chrome Web Store zip, unzipped and loaded into Chromium: the demo's blocked requests are
 *   explained, with Chrome's own verdict as the expected value;
 * - the Firefox add-on, unzipped and linted by AMO's validator.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_REQUESTS, type DemoServers, reloadDemo, startDemo } from '../servers/demo-api.ts';
import { CHROMIUM_ARGS, findChromium } from './chromium.ts';
import { NetworkWatcher } from './corpus-runner.ts';
import { DEVTOOLS_ARGS, DevToolsHar } from './devtools-har.ts';
import { type LoadedExtension, launchWithExtension } from './extension.ts';
import { ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(ROOT, 'artifacts');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  devDependencies: Record<string, string>;
};
const VERSION = pkg.version;
/** The versions this repository already installed, so npm takes them from its cache. */
const installed = (name: string) =>
  (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command asynchronously (the demo servers in this process keep answering). */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function unzip(zip: string, into: string): void {
  // Python's zipfile: on every machine the tests run on, unlike `unzip`.
  const r = spawnSync('python3', ['-m', 'zipfile', '-e', zip, into], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`could not unzip ${zip}: ${r.stderr}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

let work: string;
let project: string;
let chromeDir: string;
let firefoxDir: string;
let demo: DemoServers;
let ext: LoadedExtension;
let harPath: string;
let packageOutput: string;

beforeAll(async () => {
  // npm test has built dist/, dist-firefox/ and dist-cli/; this is the rest of `npm run package`.
  const packed = await run(join(ROOT, 'node_modules/.bin/tsx'), ['store/package.ts'], ROOT);
  if (packed.code !== 0) throw new Error(`npm run package failed:\n${packed.stdout}${packed.stderr}`);
  packageOutput = packed.stdout;
  work = mkdtempSync(join(tmpdir(), 'cors-lens-package-'));
  chromeDir = join(work, 'chrome');
  firefoxDir = join(work, 'firefox');
  unzip(join(ARTIFACTS, `cors-lens-chrome-${VERSION}.zip`), chromeDir);
  unzip(join(ARTIFACTS, `cors-lens-firefox-${VERSION}.zip`), firefoxDir);

  // A user's project: the packed tarball, the test runner and TypeScript, nothing of ours beside.
  project = join(work, 'user-project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'user-project', private: true, type: 'module' }, null, 2)}\n`,
  );
  const install = await run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      join(ARTIFACTS, `cors-lens-${VERSION}.tgz`),
      `@playwright/test@${installed('@playwright/test')}`,
      `typescript@${installed('typescript')}`,
      'typescript5@npm:typescript@5.9',
      `@types/node@${installed('@types/node')}`,
    ],
    project,
    { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  );
  if (install.code !== 0) throw new Error(`npm install in the user's project failed:\n${install.stderr}`);

  demo = await startDemo(0, 0);
  // The unzipped store package, loaded as Chrome loads an installed extension; DevTools open, as
  // a developer has it.
  ext = await launchWithExtension(DEVTOOLS_ARGS, chromeDir);
}, 300_000);

afterAll(async () => {
  await ext?.close();
  await demo?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run package', () => {
  test('writes the Chrome zip, the Firefox add-on and the npm tarball, each named for its store and version', () => {
    expect(readdirSync(ARTIFACTS).sort()).toEqual([
      `cors-lens-${VERSION}.tgz`,
      `cors-lens-chrome-${VERSION}.zip`,
      `cors-lens-firefox-${VERSION}.zip`,
    ]);
    expect(packageOutput).toContain('Chrome Web Store and Microsoft Edge Add-ons');
    expect(packageOutput).toContain('web-ext lint: 0 errors, 0 warnings');
  });

  test('the version is written once, in package.json, and stamped into both manifests', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')).version).toBeUndefined();
    for (const dir of [chromeDir, firefoxDir]) {
      expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).version).toBe(VERSION);
    }
  });
});

describe('the Chrome Web Store zip', () => {
  test('holds its manifest at the root and only files the extension loads', () => {
    const files = filesUnder(chromeDir);
    expect(files).toContain('manifest.json');
    const texts = files
      .filter((f) => /\.(json|html|js|css)$/.test(f))
      .map((f) => readFileSync(join(chromeDir, f), 'utf8'))
      .join('\n');
    const unreferenced = files.filter((f) => {
      if (f === 'manifest.json' || /^_locales\/[^/]+\/messages\.json$/.test(f)) return false;
      // Not loaded, but owed: the licenses of the code the bundle holds.
      if (f === 'THIRD_PARTY_LICENSES.txt') return false;
      const name = f.split('/').pop() as string;
      // A file is loaded when the manifest, a page, a script or a stylesheet names it.
      return !texts.includes(name);
    });
    expect(unreferenced).toEqual([]);
    const licenses = readFileSync(join(chromeDir, 'THIRD_PARTY_LICENSES.txt'), 'utf8');
    expect(licenses).toMatch(/^preact [\d.]+ — MIT$/m);
    expect(licenses).toMatch(/^webextension-polyfill [\d.]+ — MPL-2\.0$/m);
    expect(licenses).toContain('Mozilla Public License');
    // No source maps, sources, tests or build leftovers.
    expect(files.filter((f) => /\.(map|ts|tsx|md)$|^\.|\/\./.test(f))).toEqual([]);
  });

  test('installed in Chromium, it explains each blocked demo request as Chrome names it', async () => {
    const client = await ReportClient.open(ext);
    const tab = await ext.context.newPage();
    await tab.goto(`${demo.pageOrigin}/`);
    const tabId = await client.tabId(demo.pageOrigin);
    // DevTools opened with the tab; once its log serves the tab, reload so it holds every request.
    await client.captured(tabId, 'devtools');
    // Chrome's own verdicts for the page's requests after the reload.
    const watcher = await NetworkWatcher.attach(tab);
    await reloadDemo(tab, 30_000);
    const { entries } = await waitUntil(
      () => client.report(tabId),
      (r) => r.entries.length >= DEMO_REQUESTS.length && r.entries.every((e) => e.state !== 'pending'),
      { what: 'the report of the demo page', timeoutMs: 30_000 },
    );
    const chrome = watcher.finished(demo.apiOrigin);
    const blockedByChrome = chrome.filter((t) => t.done?.blocked);
    expect(blockedByChrome.length).toBe(6);
    for (const t of chrome) {
      const entry = entries.find((e) => e.url === t.url && e.method === t.method);
      expect(entry, `${t.method} ${t.url} in the report`).toBeDefined();
      expect(entry?.blocked, `${t.method} ${t.url}`).toBe(t.done?.blocked);
      if (!t.done?.blocked) continue;
      expect(entry?.corsError, `${t.method} ${t.url}`).toBe(t.done.corsError);
      expect(entry?.failedParameter ?? '', `${t.method} ${t.url}`).toBe(t.done.failedParameter ?? '');
      expect(entry?.explanation, `${t.method} ${t.url}`).toMatch(/\w/);
    }
    const orders = entries.find((e) => new URL(e.url).pathname === '/api/orders');
    expect(orders?.explanation).toContain('authorization');
    // The same DevTools window exports the HAR the command-line test reads.
    const devtools = await DevToolsHar.attach(tab);
    harPath = join(work, 'demo.har');
    writeFileSync(harPath, await devtools.export());
    await tab.close();
    await client.page.close();
  });
});

describe('the Firefox add-on', () => {
  test("passes AMO's validator with no error and no warning, and declares no data collection", async () => {
    const lint = await run(
      join(ROOT, 'node_modules/.bin/web-ext'),
      ['lint', '--source-dir', firefoxDir, '--output', 'json'],
      ROOT,
    );
    const report = JSON.parse(lint.stdout) as {
      summary: { errors: number; warnings: number; notices: number };
      errors: unknown[];
      warnings: unknown[];
    };
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
    const manifest = JSON.parse(readFileSync(join(firefoxDir, 'manifest.json'), 'utf8'));
    expect(manifest.browser_specific_settings.gecko).toMatchObject({
      id: 'cors-lens@cors-lens.dev',
      strict_min_version: expect.stringMatching(/^1[4-9]\d\./),
      data_collection_permissions: { required: ['none'] },
    });
  });
});

describe('the npm package, installed into a project of its own', () => {
  const bin = () => join(project, 'node_modules/.bin/cors-lens');

  test('installs no runtime dependency of its own, and ships only what runs', () => {
    const installedPkg = JSON.parse(
      readFileSync(join(project, 'node_modules/cors-lens/package.json'), 'utf8'),
    ) as {
      dependencies?: Record<string, string>;
      private?: boolean;
      scripts?: unknown;
      devDependencies?: unknown;
    };
    expect(installedPkg.private).toBeUndefined();
    // No install-time script (npm warns about each) and no build-only fields.
    expect(installedPkg.scripts).toBeUndefined();
    expect(installedPkg.devDependencies).toBeUndefined();
    expect(installedPkg.dependencies ?? {}).toEqual({});
    const shipped = filesUnder(join(project, 'node_modules/cors-lens'));
    expect(
      shipped.filter((f) => !/^(dist-cli\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(f)),
    ).toEqual([]);
    expect(shipped).toContain('LICENSE');
    expect(
      shipped.filter(
        (f) => f.startsWith('dist-cli/') && !/\.(mjs|d\.ts)$|^dist-cli\/THIRD_PARTY_LICENSES\.txt$/.test(f),
      ),
    ).toEqual([]);
    expect(
      readFileSync(join(project, 'node_modules/cors-lens/dist-cli/THIRD_PARTY_LICENSES.txt'), 'utf8'),
    ).toMatch(/^ws [\d.]+ — MIT$/m);
  });

  test('cors-lens --version and --help', async () => {
    const version = await run(bin(), ['--version'], project);
    expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
    const help = await run(bin(), ['--help'], project);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cors-lens <file\.har>/);
    expect(help.stdout).toContain('--version');
  });

  test('cors-lens on the HAR that DevTools exported names each blocked request as Chrome did', async () => {
    expect(harPath, 'the Chrome zip test exports the HAR').toBeDefined();
    const r = await run(bin(), [harPath, '--format', 'json'], project);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as {
      entries: { method: string; url: string; blocked: boolean; corsError: string | null }[];
    };
    const blocked = report.entries
      .filter((e) => e.blocked)
      .map((e) => `${e.method} ${new URL(e.url).pathname}`);
    expect(blocked.sort()).toEqual(
      [
        'GET /api/legacy/stats',
        'GET /api/me',
        'PATCH /api/profile',
        'POST /api/import',
        'POST /api/orders',
        'PUT /api/files/report.pdf',
      ].sort(),
    );
    const table = await run(bin(), [harPath], project, { COLUMNS: '100' });
    expect(table.stdout).toContain('HeaderDisallowedByPreflightResponse');
  });

  /** A user's spec: both imports, used the way their docs show, under a plain strict tsconfig. */
  const SPEC = `import { expect, test } from 'cors-lens/playwright';
import { diagnose, type ReportEntry, renderMarkdown } from 'cors-lens';

test.use({ cors: { fail: true } });

test('the page loads its data', async ({ page }) => {
  await page.goto(process.env.DEMO_URL ?? 'about:blank');
  await expect(page).toHaveTitle(/done/);
});

test('the engine, as a library', () => {
  const verdict = diagnose({
    origin: 'https://app.example',
    url: 'https://api.example/orders',
    method: 'POST',
    requestHeaders: [{ name: 'Authorization', value: 'Bearer x' }],
    preflight: {
      status: 204,
      headers: [
        { name: 'Access-Control-Allow-Origin', value: 'https://app.example' },
        { name: 'Access-Control-Allow-Headers', value: 'Content-Type' },
      ],
    },
  });
  const none: readonly ReportEntry[] = [];
  expect(verdict.corsError).toBe('HeaderDisallowedByPreflightResponse');
  expect(verdict.culprit?.field).toBe('Access-Control-Allow-Headers');
  expect(renderMarkdown(none)).toContain('CORS Lens report');
});
`;

  test('types: a spec importing cors-lens/playwright and cors-lens typechecks under strict nodenext', async () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            strict: true,
            skipLibCheck: true,
            noEmit: true,
            types: ['node'],
          },
          include: ['tests'],
        },
        null,
        2,
      )}\n`,
    );
    mkdirSync(join(project, 'tests'), { recursive: true });
    writeFileSync(join(project, 'tests/demo.spec.ts'), SPEC);
    for (const tsc of ['typescript/bin/tsc', 'typescript5/bin/tsc']) {
      const r = await run(process.execPath, [join(project, 'node_modules', tsc), '-p', '.'], project);
      expect(r.stdout + r.stderr, tsc).toBe('');
      expect(r.code, tsc).toBe(0);
    }
    // A mistake in the user's code is still caught: the types are real, not `any`.
    writeFileSync(
      join(project, 'tests/wrong.spec.ts'),
      `import { test } from 'cors-lens/playwright';\ntest.use({ cors: { fail: 'yes' } });\n`,
    );
    const wrong = await run(
      process.execPath,
      [join(project, 'node_modules/typescript/bin/tsc'), '-p', '.'],
      project,
    );
    rmSync(join(project, 'tests/wrong.spec.ts'));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout).toContain('wrong.spec.ts');
  });

  test("the spec runs: Playwright fails it with one line per CORS failure, in Chrome's names", async () => {
    writeFileSync(
      join(project, 'playwright.config.ts'),
      `import { defineConfig } from '@playwright/test';
export default defineConfig({
  testDir: 'tests',
  retries: 0,
  workers: 1,
  use: { browserName: 'chromium', launchOptions: { executablePath: ${JSON.stringify(findChromium())}, args: ${JSON.stringify(CHROMIUM_ARGS)} } },
});
`,
    );
    const r = await run(join(project, 'node_modules/.bin/playwright'), ['test', '--reporter=list'], project, {
      DEMO_URL: `${demo.pageOrigin}/`,
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('CORS Lens: Chrome blocked 6 requests for CORS:');
    expect(r.stdout).toMatch(
      /• POST http:\/\/localhost:\d+\/api\/orders — HeaderDisallowedByPreflightResponse \(authorization\)/,
    );
    expect(r.stdout).toMatch(/• GET http:\/\/localhost:\d+\/api\/me — InvalidAllowCredentials/);
    // The engine test ran and passed; only the page's test failed, for CORS.
    expect(r.stdout).toContain('1 failed');
    expect(r.stdout).toContain('1 passed');
  });
});
