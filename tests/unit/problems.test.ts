/** Problems: blocked requests grouped by server, error and culprit, and how every view lists them first. */
import { expect, test } from 'vitest';
import { notRecordedEntry, reportEntryOf } from '../../src/report/entry.ts';
import { renderHtml } from '../../src/report/html.ts';
import { toJsonReport } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { problemCount, problemName, problemsOf } from '../../src/report/problems.ts';
import { renderTable } from '../../src/report/table.ts';
import { allowedGet, blockedPost, PAGE } from './captured.ts';

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
  expect(text.indexOf('2 problems · 4 blocked requests:')).toBeLessThan(text.indexOf('#  request'));
  expect(text).toContain(
    '     3× HeaderDisallowedByPreflightResponse (authorization) — http://127.0.0.1:8000 (Access-Control-Allow-Headers)',
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
