/**
 * Launching the machine's Chromium for tests: Playwright cannot download its own browser here, so
 * we use the system one, and fail loudly — never skip — when there is none.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * A browser binary for the tests: the one `envVar` names, or the first candidate that exists.
 * Fails loudly with how to install one — tests never skip for want of a browser.
 */
export function findBrowser(envVar: string, candidates: readonly string[], missing: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`${envVar} is set to ${fromEnv}, which does not exist.`);
  }
  const found = candidates.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(missing);
}

export function findChromium(): string {
  return findBrowser(
    'CHROMIUM_PATH',
    CANDIDATES,
    'No Chromium found for the browser tests. Install one: on Debian/Ubuntu run\n' +
      '  sudo apt-get update && sudo apt-get install -y chromium\n' +
      'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
}

/** Flags measured on this machine (docs/PLATFORM): no sandbox as root, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  readonly context: BrowserContext;
  /** The profile directory: unique to this browser, which finds its processes. */
  readonly profile: string;
  close(): Promise<void>;
}

/** A fresh profile every time: the preflight cache and cookies must not leak between runs. */
export async function launchChromium(
  options: { extensionDir?: string; headless?: boolean; args?: readonly string[] } = {},
): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'cors-lens-profile-'));
  const args = [...CHROMIUM_ARGS, ...(options.args ?? [])];
  if (options.extensionDir) {
    args.push(
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: options.headless ?? true,
    args,
    ignoreDefaultArgs: options.extensionDir ? ['--disable-extensions'] : [],
  });
  return {
    context,
    profile,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
