/**
 * `npm run package` (after `npm run build`): the three things a release ships, in artifacts/.
 *
 * - cors-lens-chrome-<version>.zip — the Chrome Web Store upload (Microsoft Edge Add-ons takes the
 *   same zip): dist/ with its manifest at the root.
 * - cors-lens-firefox-<version>.zip — the Firefox Add-ons (AMO) upload, made by `web-ext build`
 *   from dist-firefox/ once `web-ext lint` finds no error and no warning in it.
 * - cors-lens-<version>.tgz — the npm package, made by `npm pack` from a staged copy whose
 *   package.json has no build scripts or devDependencies.
 *
 * Stops with exit 1 and one line saying why when a build output is missing, stale or lints badly:
 * a release never ships an artifact nobody checked.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const ARTIFACTS = join(ROOT, 'artifacts');
const WEB_EXT = join(ROOT, 'node_modules/.bin/web-ext');

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

function stop(message: string): never {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

function run(command: string, args: readonly string[]): string {
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) stop(`${[command, ...args].join(' ')} failed:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** A build output that exists and carries this version: `npm run build` ran after the last bump. */
function built(dir: string): string {
  const manifest = join(ROOT, dir, 'manifest.json');
  if (!existsSync(manifest)) stop(`${dir}/ has no manifest.json: run \`npm run build\` first.`);
  const stamped = (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  if (stamped !== version)
    stop(`${dir}/manifest.json says version ${stamped}, package.json ${version}: run \`npm run build\`.`);
  return join(ROOT, dir);
}

function zip(sourceDir: string, filename: string): string {
  // web-ext leaves out dotfiles (Vite's .vite/ folder) and nothing else the build wrote.
  run(WEB_EXT, [
    'build',
    '--source-dir',
    sourceDir,
    '--artifacts-dir',
    ARTIFACTS,
    '--filename',
    filename,
    '--overwrite-dest',
  ]);
  return join(ARTIFACTS, filename);
}

/** AMO's own validator, run offline: 0 errors and 0 warnings, or no Firefox artifact. */
function lintFirefox(sourceDir: string): void {
  const r = spawnSync(WEB_EXT, ['lint', '--source-dir', sourceDir, '--output', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  let summary: { errors?: number; warnings?: number } | undefined;
  try {
    summary = (JSON.parse(r.stdout) as { summary?: typeof summary }).summary;
  } catch {
    stop(`web-ext lint printed no report:\n${r.stdout}${r.stderr}`);
  }
  if (summary?.errors !== 0 || summary.warnings !== 0)
    stop(
      `web-ext lint on ${sourceDir}: ${JSON.stringify(summary)}; run \`npx web-ext lint -s dist-firefox\`.`,
    );
}

/**
 * The package as users install it, staged apart: its package.json without the scripts and
 * devDependencies that only build it here — a published `prepare` script makes npm warn on every
 * install, and would try to run Vite in the user's project.
 */
function stagePackage(): string {
  const stage = join(ARTIFACTS, '.npm-package');
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown> & {
    files: string[];
  };
  const { scripts: _scripts, devDependencies: _devDependencies, ...published } = manifest;
  mkdirSync(stage, { recursive: true });
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  for (const file of [...manifest.files.map((f) => f.replace(/\/$/, '')), 'README.md', 'LICENSE']) {
    cpSync(join(ROOT, file), join(stage, file), { recursive: true });
  }
  return stage;
}

rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });

const chrome = zip(built('dist'), `cors-lens-chrome-${version}.zip`);
const firefoxDir = built('dist-firefox');
lintFirefox(firefoxDir);
const firefox = zip(firefoxDir, `cors-lens-firefox-${version}.zip`);
// The package's code is dist-cli/, written by the same `npm run build`; a stale one is refused.
const cliVersion = run(process.execPath, [join(ROOT, 'dist-cli/cors-lens.mjs'), '--version']).trim();
if (cliVersion !== version)
  stop(`dist-cli/ is version ${cliVersion}, package.json ${version}: run \`npm run build\`.`);
const packed = JSON.parse(
  run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', ARTIFACTS, stagePackage()]),
) as { filename: string }[];
const tarball = join(ARTIFACTS, packed[0]?.filename ?? stop('npm pack named no file.'));
rmSync(join(ARTIFACTS, '.npm-package'), { recursive: true, force: true });

const kb = (file: string) => `${Math.round(statSync(file).size / 1024)} kB`;
process.stdout.write(
  [
    `CORS Lens ${version}, in artifacts/:`,
    `  ${chrome.slice(ROOT.length + 1)}  ${kb(chrome)}  Chrome Web Store and Microsoft Edge Add-ons`,
    `  ${firefox.slice(ROOT.length + 1)}  ${kb(firefox)}  Firefox Add-ons (web-ext lint: 0 errors, 0 warnings)`,
    `  ${tarball.slice(ROOT.length + 1)}  ${kb(tarball)}  npm (npm publish ${tarball.slice(ROOT.length + 1)})`,
    'Publishing needs accounts and keys: see docs/RELEASING.md.',
    '',
  ].join('\n'),
);
