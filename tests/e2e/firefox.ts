/**
 * Debian's firefox-esr for tests. Playwright's Firefox is a patched build it cannot download here,
 * so Firefox is driven over WebDriver BiDi by puppeteer-core (launch, install the extension, load
 * pages). BiDi may not navigate to or script moz-extension:// pages, so reading what the
 * extension holds goes through Firefox's own Remote Debugging Protocol (the one web-ext and
 * about:debugging use): evaluate in the add-on's background page, or in one of its tabs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { freePort } from '../servers/listen.ts';
import { findBrowser } from './chromium.ts';
import { waitUntil } from './wait.ts';

const CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

export function findFirefox(): string {
  return findBrowser(
    'FIREFOX_PATH',
    CANDIDATES,
    'No Firefox found for the Firefox tests. Install one: on Debian run\n' +
      '  sudo apt-get update && sudo apt-get install -y firefox-esr\n' +
      'or point FIREFOX_PATH at a Firefox binary.',
  );
}

interface Packet {
  readonly from?: string;
  readonly type?: string;
  readonly error?: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

/** A minimal RDP client: length-prefixed JSON packets, one request in flight per actor. */
class Rdp {
  #buffer = Buffer.alloc(0);
  readonly #replies = new Map<string, ((p: Packet) => void)[]>();
  readonly #listeners = new Set<(p: Packet) => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      for (;;) {
        const colon = this.#buffer.indexOf(':');
        if (colon < 0) return;
        const length = Number(this.#buffer.subarray(0, colon).toString());
        if (this.#buffer.length < colon + 1 + length) return;
        const packet = JSON.parse(this.#buffer.subarray(colon + 1, colon + 1 + length).toString()) as Packet;
        this.#buffer = this.#buffer.subarray(colon + 1 + length);
        this.#dispatch(packet);
      }
    });
  }

  static connect(port: number): Promise<Rdp> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      const rdp = new Rdp(socket);
      socket.once('error', reject);
      // The root actor speaks first.
      rdp.#replies.set('root', [() => resolve(rdp)]);
    });
  }

  /** A packet with a `type` is an event (evaluationResult, tabNavigated…); any other answers the actor's oldest request. */
  #dispatch(p: Packet): void {
    for (const l of this.#listeners) l(p);
    if (p.type !== undefined && p.error === undefined) return;
    if (p.from) this.#replies.get(p.from)?.shift()?.(p);
  }

  request(to: string, type: string, body: Record<string, unknown> = {}): Promise<Packet> {
    return new Promise((resolve, reject) => {
      const queue = this.#replies.get(to) ?? [];
      queue.push((p) => (p.error ? reject(new Error(`${type}: ${p.error} ${p.message ?? ''}`)) : resolve(p)));
      this.#replies.set(to, queue);
      const text = JSON.stringify({ to, type, ...body });
      this.socket.write(`${Buffer.byteLength(text)}:${text}`);
    });
  }

  on(listener: (p: Packet) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface LaunchedFirefox {
  readonly browser: Browser;
  /** Installs an unpacked extension (temporarily, as about:debugging does); returns its id. */
  install(dir: string): Promise<string>;
  /** Evaluates in the extension's background page; the expression may use await; returns JSON-able values. */
  evaluateInBackground(addonId: string, expression: string): Promise<unknown>;
  /** Evaluates in the add-on's document whose URL contains `urlPart` (its devtools page, say), waiting for it to appear. */
  evaluateInAddon(addonId: string, urlPart: string, expression: string): Promise<unknown>;
  /** Evaluates in the first tab whose URL starts with `urlPrefix` (an extension page, say). */
  evaluateInTab(urlPrefix: string, expression: string): Promise<unknown>;
  close(): Promise<void>;
}

export interface FirefoxOptions {
  /** Headless unless false (headful needs a display: `xvfb-run`). */
  readonly headless?: boolean;
  /** More command-line arguments (`--devtools` opens the toolbox on the first tab). */
  readonly args?: readonly string[];
}

export async function launchFirefox(options: FirefoxOptions = {}): Promise<LaunchedFirefox> {
  const profile = mkdtempSync(join(tmpdir(), 'cors-lens-firefox-'));
  const rdpPort = await freePort();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: options.headless ?? true,
    userDataDir: profile,
    args: ['--start-debugger-server', String(rdpPort), ...(options.args ?? [])],
    extraPrefsFirefox: {
      'devtools.debugger.remote-enabled': true,
      'devtools.debugger.prompt-connection': false,
      'devtools.chrome.enabled': true,
      // No background traffic on a machine whose network is closed.
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  const connected = await waitUntil(
    () => Rdp.connect(rdpPort).catch(() => null),
    (r) => r !== null,
    { timeoutMs: 15_000, what: `Firefox's debugger server on port ${rdpPort}` },
  );
  if (!connected) throw new Error('unreachable');
  const rdp: Rdp = connected;

  /** One synchronous evaluation in a target's console; the value comes back as a string. */
  async function evaluateOnce(consoleActor: string, text: string): Promise<string | undefined> {
    let off = () => {};
    const result = new Promise<Packet>((resolve) => {
      off = rdp.on((p) => {
        if (p.from === consoleActor && p.type === 'evaluationResult') resolve(p);
      });
    });
    await rdp.request(consoleActor, 'evaluateJSAsync', { text });
    const packet = await result.finally(off);
    if (packet.exceptionMessage) throw new Error(String(packet.exceptionMessage));
    const value = packet.result as string | { type: string; actor?: string; length?: number };
    if (typeof value === 'string') return value;
    if (value?.type === 'longString' && value.actor && value.length !== undefined) {
      const full = await rdp.request(value.actor, 'substring', { start: 0, end: value.length });
      return String(full.substring);
    }
    return undefined;
  }

  let calls = 0;
  /**
   * Evaluates an expression (it may be a promise) in a target's console. The console does not
   * await, so the settled value is parked in a global and read back as JSON.
   */
  async function evaluate(consoleActor: string, expression: string): Promise<unknown> {
    const slot = `__corsLensTest${++calls}`;
    await evaluateOnce(
      consoleActor,
      `void Promise.resolve().then(async () => (${expression})).then(
        (v) => { globalThis.${slot} = JSON.stringify({ value: v === undefined ? null : v }); },
        (e) => { globalThis.${slot} = JSON.stringify({ error: String(e) }); })`,
    );
    const json = await waitUntil(
      () => evaluateOnce(consoleActor, `globalThis.${slot} ?? ''`),
      (v) => typeof v === 'string' && v !== '',
      { timeoutMs: 15_000, what: `the result of ${expression.slice(0, 60)}` },
    );
    const parsed = JSON.parse(json as string) as { value?: unknown; error?: string };
    if (parsed.error !== undefined) throw new Error(parsed.error);
    return parsed.value;
  }

  /** Each add-on's documents (background page, devtools pages…), as its watcher announces them. */
  const documents = new Map<string, { url: string; consoleActor: string }[]>();

  async function addonDocuments(addonId: string): Promise<{ url: string; consoleActor: string }[]> {
    const known = documents.get(addonId);
    if (known) return known;
    const { addons } = (await rdp.request('root', 'listAddons')) as unknown as {
      addons: { id: string; actor: string }[];
    };
    const addon = addons.find((a) => a.id === addonId);
    if (!addon) throw new Error(`${addonId} is not installed`);
    // Firefox lists an add-on's documents through a watcher, once each as it appears: keep listening.
    const watcher = await rdp.request(addon.actor, 'getWatcher', { isServerTargetSwitchingEnabled: true });
    const targets: { url: string; consoleActor: string; actor: string }[] = [];
    rdp.on((p) => {
      if (p.from !== watcher.actor) return;
      const target = p.target as { url: string; consoleActor: string; actor: string };
      if (p.type === 'target-available-form') targets.push(target);
      if (p.type === 'target-destroyed-form') {
        const i = targets.findIndex((t) => t.actor === target.actor);
        if (i >= 0) targets.splice(i, 1);
      }
    });
    await rdp.request(String(watcher.actor), 'watchTargets', { targetType: 'frame' });
    documents.set(addonId, targets);
    return targets;
  }

  async function evaluateInAddon(addonId: string, urlPart: string, expression: string): Promise<unknown> {
    const targets = await addonDocuments(addonId);
    const target = await waitUntil(
      () =>
        Promise.resolve(targets.find((t) => t.url.startsWith('moz-extension://') && t.url.includes(urlPart))),
      (t) => t !== undefined,
      {
        timeoutMs: 15_000,
        what: `a page of the add-on at …${urlPart} (has ${targets.map((t) => t.url).join(', ')})`,
      },
    );
    if (!target) throw new Error('unreachable');
    return evaluate(target.consoleActor, expression);
  }

  return {
    browser,
    async install(dir) {
      return browser.installExtension(dir);
    },
    evaluateInBackground: (addonId, expression) => evaluateInAddon(addonId, 'background', expression),
    evaluateInAddon,
    async evaluateInTab(urlPrefix, expression) {
      const { tabs } = (await rdp.request('root', 'listTabs')) as unknown as {
        tabs: { url: string; actor: string }[];
      };
      const tab = tabs.find((t) => t.url.startsWith(urlPrefix));
      if (!tab) throw new Error(`no tab at ${urlPrefix} (tabs: ${tabs.map((t) => t.url).join(', ')})`);
      const { frame } = (await rdp.request(tab.actor, 'getTarget')) as unknown as {
        frame: { consoleActor: string };
      };
      return evaluate(frame.consoleActor, expression);
    },
    async close() {
      rdp.close();
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Firefox's console reasons (en-US, dom/locales security.properties) → the reason's name, which
 * is what MDN and CORS Lens call it.
 */
export const FIREFOX_REASONS: readonly [RegExp, string][] = [
  [
    /is not allowed according to header ‘Access-Control-Allow-Headers’/,
    'CORSMissingAllowHeaderFromPreflight',
  ],
  [/Did not find method in CORS header ‘Access-Control-Allow-Methods’/, 'CORSMethodNotFound'],
  [/invalid token ‘.*’ in CORS header ‘Access-Control-Allow-Methods’/, 'CORSInvalidAllowMethod'],
  [/invalid token ‘.*’ in CORS header ‘Access-Control-Allow-Headers’/, 'CORSInvalidAllowHeader'],
  [/CORS header ‘Access-Control-Allow-Origin’ missing/, 'CORSMissingAllowOrigin'],
  [/CORS header ‘Access-Control-Allow-Origin’ does not match/, 'CORSAllowOriginNotMatchingOrigin'],
  [/Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed/, 'CORSMultipleAllowOriginNotAllowed'],
  [
    /Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘\*’/,
    'CORSNotSupportingCredentials',
  ],
  [/expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’/, 'CORSMissingAllowCredentials'],
  [/CORS preflight response did not succeed/, 'CORSPreflightDidNotSucceed'],
  [/CORS request external redirect not allowed/, 'CORSExternalRedirectNotAllowed'],
  [/CORS request did not succeed/, 'CORSDidNotSucceed'],
];

/**
 * The URL and reason name of a "Cross-Origin Request Blocked" error Firefox raised on the page, or
 * null for anything else. An unknown reason text is kept whole, so a test shows it.
 */
export function firefoxCorsError(text: string): { url: string; reason: string } | null {
  const match = /remote resource at (\S+?)\.? \(Reason: (.*?)\)\.?(?: Status code: .*)?$/.exec(text.trim());
  if (!match) return null;
  const [, url, said] = match as unknown as [string, string, string];
  return { url, reason: FIREFOX_REASONS.find(([pattern]) => pattern.test(said))?.[1] ?? `unknown: ${said}` };
}

/**
 * Loads the demo page in `page` and waits for its requests; each reason Firefox printed for a
 * blocked URL (the first, a preflight failure being followed by "did not succeed") goes into
 * `said`. Returns the demo tab's id, as the extension knows it.
 */
export async function loadDemo(
  firefox: LaunchedFirefox,
  addonId: string,
  page: Page,
  pageOrigin: string,
  said: Map<string, string>,
): Promise<number> {
  page.on('pageerror', (err) => {
    const blocked = firefoxCorsError(String(err));
    if (blocked && !said.has(blocked.url)) said.set(blocked.url, blocked.reason);
  });
  await page.goto(pageOrigin);
  await page.waitForFunction(() => document.title.includes('done'), { timeout: 20_000 });
  const tabs = (await firefox.evaluateInBackground(
    addonId,
    'chrome.tabs.query({}).then((ts) => ts.map((t) => ({ id: t.id, url: t.url })))',
  )) as { id: number; url?: string }[];
  const tab = tabs.find((t) => t.url?.startsWith(pageOrigin));
  if (!tab) throw new Error(`the demo tab is not among ${JSON.stringify(tabs)}`);
  return tab.id;
}
