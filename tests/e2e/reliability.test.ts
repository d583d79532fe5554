/**
 * The reliability suite, in real Chromium, bounded in count and time: fifty markup payloads from
 * servers through every view; corrupt stored state; huge headers and URLs; the worker stopped ten
 * times during 2,000 requests; a 10,000-request burst that overflows the ring.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import type { Page } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReportEntry } from '../../extension/shared/messages.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { pageHandler } from '../servers/corpus-servers.ts';
import { type Listening, listenLoopback } from '../servers/listen.ts';
import { PAYLOADS } from '../servers/payloads.ts';
import { policyHandler } from '../servers/policy-server.ts';
import { fetchAll } from './corpus-runner.ts';
import { DIST, type LoadedExtension, launchWithExtension, stopServiceWorker } from './extension.ts';
import { openRecordingTab, ReportClient } from './report-client.ts';
import { waitUntil } from './wait.ts';
import { requestsWithWorkerStops } from './worker-stops.ts';

let pageServer: Listening;
let policy: Listening;
let evil: ReturnType<typeof createServer>;
let evilOrigin: string;
let ext: LoadedExtension;
let client: ReportClient;
let page: Page;
let tabId: number;
let pageOrigin: string;
const dialogs: string[] = [];
const cspViolations: string[] = [];

/** Answers /p/<i>: allowed with the payload in headers (even i), or with the payload as ACAO (odd i). */
function evilHandler(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://evil.invalid');
  const huge = url.pathname.startsWith('/huge');
  if (huge) {
    const headers: [string, string][] = [
      ['Access-Control-Allow-Origin', pageOrigin],
      ['X-Huge', 'h'.repeat(200_000)],
    ];
    for (let i = 0; i < 500; i++) headers.push([`X-Many-${i}`, `value ${i}`]);
    res.writeHead(200, headers.flat());
    res.end('huge');
    return;
  }
  const i = Number(url.pathname.split('/')[2] ?? 0);
  const payload = PAYLOADS[i % PAYLOADS.length] as string;
  const headers: [string, string][] =
    i % 2 === 0
      ? [
          ['Access-Control-Allow-Origin', pageOrigin],
          ['X-Payload', payload],
        ]
      : [['Access-Control-Allow-Origin', payload]];
  res.writeHead(200, payload.slice(0, 40).replace(/[^\x20-\x7e]/g, '?'), headers.flat());
  res.end('payload');
}

beforeAll(async () => {
  pageServer = await listenLoopback(pageHandler);
  policy = await listenLoopback(policyHandler);
  pageOrigin = `http://localhost:${pageServer.port}`;
  // Large enough for a 100 kB URL.
  evil = createServer({ maxHeaderSize: 256 * 1024 }, evilHandler);
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
  ext = await launchWithExtension();
  ext.context.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  ext.context.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  client = await ReportClient.open(ext);
  ({ page, tabId } = await openRecordingTab(ext, client, pageOrigin));
}, 60_000);

afterAll(async () => {
  await ext?.close();
  await pageServer?.close();
  await policy?.close();
  evil?.closeAllConnections();
  evil?.close();
});

async function settled(filter: (e: ReportEntry) => boolean, count: number): Promise<ReportEntry[]> {
  const { entries } = await waitUntil(
    () => client.report(tabId),
    (r) => r.entries.filter((e) => filter(e) && e.state !== 'pending').length >= count,
    { what: `${count} entries`, timeoutMs: 60_000 },
  );
  return entries.filter(filter);
}

describe('fifty payloads from servers', () => {
  test('shown as text in the panel, the popup and both exports; nothing runs', async () => {
    // As the URL parser writes them (it percent-encodes what encodeURIComponent leaves, like ').
    const urls = PAYLOADS.map((p, i) => new URL(`${evilOrigin}/p/${i}?q=${encodeURIComponent(p)}`).href);
    await fetchAll(page, urls);
    const entries = await settled((e) => e.url.startsWith(`${evilOrigin}/p/`), PAYLOADS.length);
    expect(entries.filter((e) => e.blocked)).toHaveLength(PAYLOADS.length / 2);

    const panel = await ext.context.newPage();
    await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
    for (const [i, payload] of PAYLOADS.entries()) {
      // The list is virtualized: filter down to the one row rather than scroll to it.
      await panel.getByLabel('Filter requests').fill(`/p/${i}?`);
      await waitUntil(
        () => panel.getByRole('listbox').getByRole('option').count(),
        (n) => n === 1,
        { what: `row ${i}` },
      );
      await panel.getByRole('listbox').getByRole('option').first().click();
      await waitUntil(
        () => panel.locator('.card h2 .url').textContent(),
        (t) => t === urls[i],
        { what: `card ${i}` },
      );
      expect(await panel.locator('.card').textContent(), `payload ${i}`).toContain(payload.trim());
    }
    expect(
      await panel
        .locator('.card script, .card img, .card svg, .card iframe, .card object, .card embed')
        .count(),
    ).toBe(0);

    const popup = await ext.context.newPage();
    await popup.goto(ext.url(`extension/popup/index.html?tabId=${tabId}`));
    await waitUntil(
      () => popup.locator('.latest li').count(),
      (n) => n > 0,
      { what: 'popup list' },
    );
    expect(await popup.locator('main script, main img, main svg, main iframe').count()).toBe(0);

    const markdown = renderMarkdown(entries, { redact: false });
    const html = renderHtml(entries, { redact: false });
    const viewer = await ext.context.newPage();
    await viewer.setContent(html);
    const text = (await viewer.locator('body').textContent()) ?? '';
    for (const [i, payload] of PAYLOADS.entries()) {
      expect(text).toContain(payload.trim());
      // Markdown lists the failures: the odd payloads, sent as Access-Control-Allow-Origin.
      if (i % 2 === 1) expect(markdown).toContain(payload.trim().split('`')[0] as string);
    }
    expect(
      await viewer.locator('body script, body img, body svg, body iframe, body object, body embed').count(),
    ).toBe(0);
    expect(dialogs).toEqual([]);
    expect(cspViolations).toEqual([]);
    await Promise.all([panel.close(), popup.close(), viewer.close()]);
  }, 120_000);
});

describe('bad input', () => {
  test('500 response headers, a 200 kB header value and a 100 kB URL: captured, cut for display, no freeze', async () => {
    const url = `${evilOrigin}/huge?pad=${'u'.repeat(100_000)}`;
    await page.evaluate(
      (u) =>
        fetch(u).then(
          (r) => r.text(),
          () => 'failed',
        ),
      url,
    );
    const [entry] = await settled((e) => e.url === url, 1);
    expect(entry?.blocked).toBe(false);
    expect(entry?.response?.headers.length).toBeGreaterThan(500);
    expect(entry?.verdict?.findings.map((f) => f.kind)).toContain('huge-header');
    const panel = await ext.context.newPage();
    await panel.goto(ext.url(`extension/panel/index.html?tabId=${tabId}`));
    await panel.getByLabel('Filter requests').fill('/huge');
    await panel.getByRole('listbox').getByRole('option').first().click();
    await waitUntil(
      () => panel.locator('.card .cut', { hasText: 'cut for display' }).count(),
      (n) => n > 0,
      {
        what: 'the huge value cut for display',
      },
    );
    expect(await panel.locator('.card .cut', { hasText: 'more headers' }).count()).toBe(1);
    await panel.close();
  });

  test('corrupt stored state is detected and reset with a message; capture goes on', async () => {
    await client.page.evaluate(() =>
      chrome.storage.session.set({
        'tab:424242': 'not a log',
        'e:424242:0': { kind: 'captured', request: 42 },
        'p:bogus': [1, 2, 3],
      }),
    );
    await stopServiceWorker(ext, page);
    const status = await waitUntil(
      () => client.status(tabId),
      (s) => s.notices.length > 0,
      { what: 'a notice' },
    );
    expect(status.notices.join(' ')).toMatch(/3 stored records were unreadable and were discarded/);
    const url = `${evilOrigin}/p/0?after=corrupt`;
    await page.evaluate(
      (u) =>
        fetch(u).then(
          (r) => r.text(),
          () => 'blocked',
        ),
      url,
    );
    await settled((e) => e.url === url, 1);
  });
});

describe('the worker stopped ten times during 2,000 requests', () => {
  test('the report holds at least 99.5 % of the requests Chrome saw, none twice', async () => {
    // Room for all of them: this checks what is kept, not the ring.
    await client.settings({ ringSize: 5000 });
    const prefix = `http://127.0.0.1:${policy.port}/stops/`;
    const result = await requestsWithWorkerStops(ext, client, page, tabId, prefix);
    console.log(
      `webRequest capture: ${result.seen} requests, 10 worker stops: ${result.missing} without an entry, ${result.unfinished} that lost their last events`,
    );
    expect(result.duplicates, 'no entry twice').toBe(0);
    expect(result.unseen, 'no entry Chrome did not see').toEqual([]);
    expect(result.seen).toBe(2000);
    expect(result.missing + result.unfinished).toBeLessThanOrEqual(2000 * 0.005);

    // After the last stop the worker is back and misses nothing.
    const after = Array.from({ length: 100 }, (_, i) => `${prefix}after/${i}?delay=5`);
    await fetchAll(page, after);
    const back = await settled((e) => e.url.includes('/stops/after/'), after.length);
    expect(back.map((e) => e.url).sort()).toEqual([...after].sort());
  }, 180_000);
});

describe('privacy', () => {
  test('the built extensions (Chrome, Firefox) have no way to send anything anywhere', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const d of readdirSync(dir, { withFileTypes: true })) {
        if (d.isDirectory()) walk(join(dir, d.name));
        else if (/\.(js|html)$/.test(d.name)) files.push(join(dir, d.name));
      }
    };
    walk(DIST);
    walk(join(DIST, '../dist-firefox'));
    // The page observer is Firefox's alone.
    expect(
      files.filter((f) => f.endsWith('/observe-calls.js')).map((f) => relative(join(DIST, '..'), f)),
    ).toEqual(['dist-firefox/observe-calls.js']);
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      if (file.endsWith('/observe-calls.js')) {
        // Firefox's page observer wraps the page's own fetch() and XMLHttpRequest and makes no call
        // of its own: its only calls hand the page's own arguments on, and it posts nothing.
        expect(code, file).not.toMatch(
          /\bfetch\((?!\)|\.\.\.)|new XMLHttpRequest|WebSocket|sendBeacon|EventSource|importScripts|postMessage/,
        );
        expect(code.match(/Reflect\.apply\((\w+), this, args\)/g), file).toEqual([
          'Reflect.apply(nativeFetch, this, args)',
          'Reflect.apply(open, this, args)',
          'Reflect.apply(send, this, args)',
        ]);
        continue;
      }
      // "fetch()" appears in explanations as a word; a call has an argument.
      // Vite's modulepreload polyfill (a fetch of our own bundled files, same origin) is the one call.
      const ours = code.replace(/fetch\(\w+\.href,\w+\)/g, '');
      expect(ours, file).not.toMatch(
        /\bfetch\((?!\))|XMLHttpRequest|WebSocket|sendBeacon|EventSource|importScripts/,
      );
      expect(code, file).not.toMatch(/<script[^>]+src=["']https?:/);
    }
    const manifest = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8'));
    expect(manifest.permissions.sort()).toEqual(['storage', 'webRequest']);
    const firefox = JSON.parse(readFileSync(join(DIST, '../dist-firefox/manifest.json'), 'utf8'));
    expect(firefox.permissions.sort()).toEqual(['scripting', 'storage', 'webRequest']);
    expect(manifest.host_permissions).toEqual(['<all_urls>']);
    expect(manifest.content_security_policy).toBeUndefined(); // the MV3 default: no remote code
  });
});
