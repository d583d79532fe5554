/** Problems: blocked requests grouped by server, error and culprit, and how every view lists them first. */
import { expect, test } from 'vitest';
import { checkScript } from '../../src/report/check-script.ts';
import { notRecordedEntry, reportEntryOf } from '../../src/report/entry.ts';
import { renderHtml } from '../../src/report/html.ts';
import { readJsonReport, toJsonReport } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { problemCount, problemName, problemsOf } from '../../src/report/problems.ts';
import { renderTable } from '../../src/report/table.ts';
import { allowedGet, blockedPost, h, PAGE } from './captured.ts';

const posts = ['1', '2', '3'].map((id) => reportEntryOf(blockedPost(id)));
const allowed = reportEntryOf(allowedGet('0'));
const unrecorded = notRecordedEntry({
  requestId: '9',
  tabId: 1,
  frameId: 0,
  initiator: PAGE,
  url: 'http://127.0.0.1:8000/r/9',
  method: 'GET',
  type: 'xmlhttprequest',
  timeStamp: 9,
  error: 'net::ERR_FAILED',
});
const entries = [allowed, ...posts, unrecorded];

test('three requests refused for the same header at the same server are one problem; allowed ones are none', () => {
  const problems = problemsOf(entries);
  expect(problems).toEqual([
    {
      key: 'http://127.0.0.1:8000 HeaderDisallowedByPreflightResponse authorization',
      origin: 'http://127.0.0.1:8000',
      corsError: 'HeaderDisallowedByPreflightResponse',
      notRecorded: false,
      failedParameter: 'authorization',
      culprit: 'Access-Control-Allow-Headers',
      firefoxReason: 'CORSMissingAllowHeaderFromPreflight',
      count: 3,
      entryIds: ['1', '2', '3'],
    },
    {
      key: 'http://127.0.0.1:8000 not-recorded',
      origin: 'http://127.0.0.1:8000',
      corsError: null,
      notRecorded: true,
      failedParameter: null,
      culprit: null,
      firefoxReason: null,
      count: 1,
      entryIds: ['9'],
    },
  ]);
  expect(problemCount(problems)).toBe('2 problems · 4 blocked requests');
  expect(problemName(problems[0] as never)).toBe('HeaderDisallowedByPreflightResponse (authorization)');
  expect(problemName(problems[0] as never, true)).toBe(
    'CORSMissingAllowHeaderFromPreflight — Chrome: HeaderDisallowedByPreflightResponse (authorization)',
  );
});

test('JSON, Markdown, HTML and the terminal list the problems before the requests', () => {
  expect(toJsonReport(entries).problems.map((p) => p.count)).toEqual([3, 1]);
  const md = renderMarkdown(entries);
  expect(md.indexOf('### Problems: 2 problems · 4 blocked requests')).toBeLessThan(
    md.indexOf('### Requests'),
  );
  expect(md).toContain(
    '| 1 | `HeaderDisallowedByPreflightResponse (authorization)` | `http://127.0.0.1:8000` | 3 | `Access-Control-Allow-Headers` |',
  );
  // The culprit column is never empty for a blocked request, recorded or not.
  expect(md).toMatch(/\| ❌ blocked \(not recorded\) \| {2}\| not recorded: record and reload \|/);
  const text = renderTable(entries, { source: 'x.har', total: 5, redact: true, all: false });
  expect(text.indexOf('2 problems · 4 blocked requests:')).toBeLessThan(text.indexOf('\n1. '));
  // Plain words first, then the server and Chrome's name.
  expect(text).toContain(
    [
      '   3× The request header authorization is not in Access-Control-Allow-Headers',
      '      http://127.0.0.1:8000 · HeaderDisallowedByPreflightResponse (authorization)',
    ].join('\n'),
  );
  const html = renderHtml(entries);
  expect(html.indexOf('<h2>Problems: 2 problems · 4 blocked requests</h2>')).toBeLessThan(
    html.indexOf('<h2>Requests</h2>'),
  );
});

test('HTML: blocked first, headers folded, our own code spans rendered as code, still no script', () => {
  const html = renderHtml(entries);
  const firstSection = html.indexOf('<section class="entry');
  expect(html.slice(firstSection, firstSection + 40)).toContain('entry blocked');
  // The allowed request came first in time; it is listed after the blocked ones.
  expect(html.indexOf('<section class="entry allowed')).toBeGreaterThan(
    html.lastIndexOf('<section class="entry blocked'),
  );
  expect(html).toContain('<details class="headers-box"><summary>Headers sent and received</summary>');
  expect(html).toContain('is not in <code>Access-Control-Allow-Headers</code>');
  expect(html).not.toContain('`Access-Control-Allow-Headers`');
  expect(html).not.toMatch(/<script/i);
});

test("on Firefox the exports lead with Firefox's reason: problems, the requests table, each section", () => {
  const md = renderMarkdown(entries, { browser: 'firefox' });
  expect(md).toContain('| # | request | result | Firefox reason | culprit |');
  expect(md).toContain(
    '`CORSMissingAllowHeaderFromPreflight — Chrome: HeaderDisallowedByPreflightResponse (authorization)`',
  );
  expect(md).toMatch(/\| ❌ blocked \| `CORSMissingAllowHeaderFromPreflight` \|/);
  const html = renderHtml(entries, { browser: 'firefox' });
  expect(html).toMatch(/<td>blocked<\/td><td><code>CORSMissingAllowHeaderFromPreflight<\/code><\/td>/);
  expect(html.indexOf('Firefox: <code>CORSMissingAllowHeaderFromPreflight')).toBeLessThan(
    html.indexOf('Chrome: <code>HeaderDisallowedByPreflightResponse'),
  );
});

test('every export opens with the page, the browser and the time, cuts no value, and numbers requests alike', () => {
  const now = new Date('2026-12-06T04:40:00Z');
  const options = { capturedBy: 'Chrome 156', now };
  const md = renderMarkdown(entries, options);
  const html = renderHtml(entries, options);
  const context = `Page ${PAGE} · Chrome 156 · 2026-12-06 04:40 UTC`;
  expect(md.split('\n').slice(0, 3)).toEqual([
    '## CORS Lens report',
    '',
    `Page \`${PAGE}\` · Chrome 156 · 2026-12-06 04:40 UTC`,
  ]);
  expect(html).toContain(`<h1>CORS Lens report</h1>\n<p>${context}</p>`);
  expect(toJsonReport(entries, options)).toMatchObject({ pages: [PAGE], capturedBy: 'Chrome 156' });
  // No cell of any table is cut short.
  expect(md.split('\n').filter((l) => l.startsWith('|') && l.includes('…'))).toEqual([]);
  // Request n is the same request in Markdown, HTML and the terminal: blocked first, then the rest.
  const mdNumbers = [...md.matchAll(/^### (\d+)\. `(\w+) ([^`]+)`/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
  const htmlNumbers = [...html.matchAll(/<h2>(\d+)\. (\w+) <code>([^<]+)<\/code><\/h2>/g)].map(
    (m) => `${m[1]} ${m[2]} ${m[3]}`,
  );
  expect(mdNumbers.length).toBe(4);
  expect(htmlNumbers.slice(0, mdNumbers.length)).toEqual(mdNumbers);
  const text = renderTable(entries, { source: 'x.har', total: 5, redact: true, all: true, width: 200 });
  for (const n of mdNumbers.slice(0, 3)) {
    const [number, method, url] = n.split(' ');
    expect(text).toContain(`${number}. ${method} ${url}`);
  }
});

test('a note that holds for every request to a server is said once in the exports', () => {
  // Each of the three requests carries the same note on credentials.
  const note = 'Judged as sent without credentials.';
  expect(posts.every((e) => e.verdict?.findings.some((f) => f.message.startsWith(note)))).toBe(true);
  for (const text of [renderMarkdown(posts), renderHtml(posts)]) expect(text.split(note).length - 1).toBe(1);
});

test('the check script says which answers it cannot check (a POST answered 500 without CORS headers)', () => {
  const url = 'http://127.0.0.1:8000/r/50';
  const failed500 = reportEntryOf(
    blockedPost('50', {
      preflights: [
        {
          requestId: '50-preflight',
          requestHeaders: [h('Origin', PAGE), h('Access-Control-Request-Method', 'POST')],
          status: 204,
          responseHeaders: [
            h('Access-Control-Allow-Origin', PAGE),
            h('Access-Control-Allow-Methods', 'POST'),
          ],
        },
      ],
      requestHeaders: [h('Origin', PAGE), h('Content-Type', 'application/json')],
      hopSentHeaders: true,
      responses: [{ url, status: 500, headers: [] }],
    }),
  );
  expect(failed500.corsError).toBe('MissingAllowOriginHeader');
  const script = checkScript([failed500]) ?? '';
  expect(script).toContain(
    "echo 'skip POST /r/50: its own response (it answered 500 when recorded) is not checked; the script sends no bodies'",
  );
  // What it can check, it still checks: the preflight.
  expect(script).toMatch(/check 'OPTIONS \/r\/50/);
});

test('an opened report cannot put markup into the context line or the call site', () => {
  const hostile = {
    ...(posts[0] as (typeof posts)[number]),
    initiator: '[Reset token](https://evil.example/)',
    initiatorLocation: { url: 'http://x/app.js', line: '<a href=x>', column: 1, functionName: 'f' },
  };
  const file = JSON.stringify({ ...toJsonReport([hostile as never]), entries: [hostile] });
  const read = readJsonReport(file);
  if (!read.ok) throw new Error(read.error);
  const md = renderMarkdown(read.report.entries);
  const html = renderHtml(read.report.entries);
  // The origin is shown as code, never as a link; a call site with no line number has none.
  expect(md).toContain('Page `[Reset token](https://evil.example/)`');
  expect(read.report.entries[0]?.initiatorLocation).toBeNull();
  expect(html).not.toContain('<a href=x>');
  const live = renderHtml([{ ...hostile, initiator: PAGE } as never]);
  expect(live).not.toContain('<a href=x>');
  expect(live).toContain('line ?, column 1');
});
