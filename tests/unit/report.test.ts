/** Exports: redaction, JSON round trip, Markdown and HTML that never let a header become markup. */
import { describe, expect, test } from 'vitest';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { curlPreflight, curlRequest, shellQuote } from '../../src/report/curl.ts';
import { cacheSentence } from '../../src/report/describe.ts';
import { type ReportEntry, reportEntryOf } from '../../src/report/entry.ts';
import { escapeHtml, renderHtml } from '../../src/report/html.ts';
import { readJsonReport, renderJson } from '../../src/report/json.ts';
import { code, renderMarkdown } from '../../src/report/markdown.ts';
import { REDACTED, redactUrl } from '../../src/report/redact.ts';
import { blockedPost, h, PAGE } from './captured.ts';

const XSS = '<img src=x onerror=alert(1)>`|</code><script>alert(2)</script>';

/** The POST blocked at its preflight, with a token in its URL. */
function captured(over: Partial<CapturedRequest> = {}): CapturedRequest {
  const url = 'http://127.0.0.1:8000/api/orders?access_token=abc123&page=2';
  return blockedPost('1', { tabId: 3, url, currentUrl: url, time: 1_700_000_000_000, ...over });
}

const blocked = reportEntryOf(captured());
const allowed = reportEntryOf(
  captured({
    id: '5',
    url: 'http://127.0.0.1:8000/ok',
    method: 'GET',
    preflights: [null],
    requestHeaders: [h('Authorization', 'Bearer s3cr3t'), h('Cookie', 'sid=42'), h('X-Api-Key', 'k-123')],
    hopSentHeaders: true,
    responses: [
      {
        url: 'http://127.0.0.1:8000/ok',
        status: 200,
        headers: [h('Access-Control-Allow-Origin', PAGE), h('Set-Cookie', 'sid=43')],
      },
    ],
    state: 'completed',
    error: null,
  }),
);

describe('redaction', () => {
  test('credential headers, token query parameters and URL userinfo go; the rest stays', () => {
    const json = renderJson([blocked, allowed]);
    for (const secret of ['abc123', 's3cr3t', 'sid=42', 'sid=43', 'k-123'])
      expect(json).not.toContain(secret);
    expect(json).toContain('page=2');
    expect(json).toContain(REDACTED);
    expect(json).toContain('authorization,content-type'); // header *names* are not secrets
    expect(redactUrl('http://u:p@h.test/x?code=1&q=2')).toBe(
      'http://redacted:redacted@h.test/x?code=%5Bredacted%5D&q=2',
    );
  });

  test('off only when asked, and the report says so', () => {
    const json = renderJson([allowed], { redact: false });
    expect(json).toContain('s3cr3t');
    expect(renderMarkdown([allowed], { redact: false })).toMatch(/Not redacted/);
  });
});

describe('JSON', () => {
  test('re-reads into the same entries', () => {
    const text = renderJson([blocked, allowed], { redact: false, tabId: 3 });
    const read = readJsonReport(text);
    expect(read.ok && read.report.entries).toEqual([blocked, allowed]);
    expect(read.ok && read.report.summary).toMatchObject({ total: 2, blocked: 1, allowed: 1 });
  });

  test('a file that is not a report says what is wrong', () => {
    expect(readJsonReport('{')).toMatchObject({ ok: false, error: expect.stringMatching(/^Not JSON/) });
    expect(readJsonReport('{"a":1}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Not a CORS Lens report/),
    });
    expect(readJsonReport('{"format":"cors-lens-report","version":9,"entries":[]}')).toMatchObject({
      ok: false,
    });
  });
});

describe('Markdown', () => {
  test('summary table, culprit, explanation and curl for each failure', () => {
    const md = renderMarkdown([blocked, allowed]);
    expect(md).toContain(
      '| 1 | `POST http://127.0.0.1:8000/api/orders?access_token=%5Bredacted%5D&page=2` | ❌ blocked |',
    );
    expect(md).toContain('`HeaderDisallowedByPreflightResponse`');
    expect(md).toContain(
      "curl -i -X OPTIONS 'http://127.0.0.1:8000/api/orders?access_token=%5Bredacted%5D&page=2'",
    );
    expect(md).toContain("-H 'Access-Control-Request-Headers: authorization,content-type'");
  });

  test('code spans cannot be closed by their content', () => {
    expect(code('a`b')).toBe('``a`b``');
    expect(code('``x')).toBe('``` ``x ```');
    expect(code('a|b', true)).toBe('`a\\|b`');
    expect(code('a|b')).toBe('`a|b`');
  });

  test('untrusted text never becomes markup', () => {
    const evil = reportEntryOf(
      captured({
        url: `http://127.0.0.1:8000/${encodeURIComponent(XSS)}`,
        preflights: [
          {
            requestId: '9',
            requestHeaders: [h('Access-Control-Request-Method', 'POST')],
            status: 204,
            responseHeaders: [h('Access-Control-Allow-Origin', XSS)],
          },
        ],
      }),
    );
    const md = renderMarkdown([evil], { redact: false });
    // Outside code blocks and code spans (CommonMark: a run of n backticks up to the next run of exactly n), no raw "<".
    const outsideCode = md
      .replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '')
      .split('\n')
      .map(stripCodeSpans)
      .join('\n');
    expect(outsideCode).not.toMatch(/<(img|script)/i);
    expect(md).toContain('<img'); // …while the value itself is shown, as code
  });
});

function stripCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '`') {
      out += line[i];
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === '`') n++;
    const fence = '`'.repeat(n);
    let j = line.indexOf(fence, i + n);
    while (j >= 0 && (line[j + n] === '`' || line[j - 1] === '`')) j = line.indexOf(fence, j + 1);
    if (j < 0) {
      out += fence;
      i += n;
      continue;
    }
    i = j + n;
  }
  return out;
}

describe('HTML', () => {
  test('self-contained, script-free, every value escaped', () => {
    const evil: ReportEntry = { ...blocked, url: `http://x.test/${XSS}`, method: XSS, explanation: XSS };
    const html = renderHtml([evil], { redact: false });
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<img|onerror=alert\(1\)>/i);
    expect(html).toContain(escapeHtml(XSS));
    expect(html).not.toMatch(
      /(src|href)="(https?:)?\/\/(?!developer\.mozilla\.org|fetch\.spec\.whatwg\.org|wicg)/,
    );
  });
});

describe('curl', () => {
  test('single quotes survive the shell', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(curlPreflight(blocked)).toBe(
      "curl -i -X OPTIONS 'http://127.0.0.1:8000/api/orders?access_token=abc123&page=2' -H 'Origin: http://localhost:3000' " +
        "-H 'Access-Control-Request-Method: POST' -H 'Access-Control-Request-Headers: authorization,content-type'",
    );
  });
});

describe('a request the preflight cache served says which preflight, and until when', () => {
  const at = Date.UTC(2026, 10, 30, 12, 1, 2);
  test.each([
    [600, 'Access-Control-Max-Age 600 s', '12:11:02 UTC'],
    [5, 'Access-Control-Max-Age 5 s, or none: 5 s is the default', '12:01:07 UTC'],
    [7200, 'Chrome keeps one at most 2 hours', '14:01:02 UTC'],
  ])('Max-Age %i s', (seconds, says, until) => {
    const text = cacheSentence({ time: at, maxAgeSeconds: seconds, until: at + seconds * 1000 });
    expect(text).toContain('answered at 12:01:02 UTC');
    expect(text).toContain(says);
    expect(text).toContain(`cached until ${until}`);
  });

  test('without the preflight seen, it says only what is known', () => {
    expect(cacheSentence(null)).not.toMatch(/answered at/);
    expect(cacheSentence(null, undefined, 'firefox')).toContain('Firefox keeps one at most 24 hours');
  });

  test('each browser reads Access-Control-Max-Age its own way (Firefox test_CrossSiteXHR_cache.html)', () => {
    const from = (maxAgeHeader: string | null) => ({
      time: at,
      maxAgeSeconds: 5,
      until: at + 5000,
      maxAgeHeader,
    });
    // Not a number of seconds: Chrome keeps the answer 5 s, Firefox not at all.
    expect(cacheSentence(from('3600 3'))).toContain(
      'Access-Control-Max-Age "3600 3" is not a number of seconds: Chrome keeps it 5 s',
    );
    expect(cacheSentence(from('asdf'), undefined, 'firefox')).toMatch(
      /^No preflight went out, but Firefox keeps no answer/,
    );
    // Absent: 5 s in both.
    expect(cacheSentence(from(null), undefined, 'firefox')).toContain(
      'no Access-Control-Max-Age: 5 s is the default',
    );
    // Long: each browser's own cap.
    const day = { time: at, maxAgeSeconds: 7200, until: at + 7_200_000, maxAgeHeader: '86400' };
    expect(cacheSentence(day)).toContain('Chrome keeps one at most 2 hours), cached until 14:01:02 UTC');
    expect(cacheSentence(day, undefined, 'firefox')).toContain(
      'Firefox keeps one at most 24 hours), cached until 12:01:02 UTC',
    );
  });
});

describe('curl lines that reproduce', () => {
  const entry = (over: Partial<CapturedRequest> = {}) => reportEntryOf(blockedPost('1', over));

  test('blocked at its preflight: the request with its method, each header it declared as a variable, and a body', () => {
    const line = curlRequest(entry(), null);
    expect(line).toContain(`-X 'POST'`);
    expect(line).toContain(`-H 'Origin: ${PAGE}'`);
    expect(line).toContain('-H "Authorization: $AUTHORIZATION"');
    expect(line).toContain('-H "Content-Type: $CONTENT_TYPE"');
    expect(line).toContain('--data-binary "$BODY"');
  });

  test('captured secrets become variables unless redaction is off; other headers keep their values', () => {
    const headers = [
      h('Origin', PAGE),
      h('Authorization', 'Bearer s3cret'),
      h('X-Trace', 'abc'),
      h('Content-Length', '11'),
    ];
    const redacted = curlRequest(entry(), [
      h('Origin', PAGE),
      h('Authorization', REDACTED),
      h('X-Trace', 'abc'),
    ]);
    expect(redacted).toContain('-H "Authorization: $AUTHORIZATION"');
    expect(redacted).toContain(`-H 'X-Trace: abc'`);
    expect(redacted).not.toContain('[redacted]');
    expect(curlRequest(entry(), headers)).toContain('# the page sent 11 bytes');
  });

  test('a credentialed request whose cookie was not captured gets a Cookie variable', () => {
    const get = reportEntryOf({
      ...blockedPost('2'),
      method: 'GET',
      currentMethod: 'GET',
      preflights: [null],
      requestHeaders: [h('Origin', PAGE)],
      responses: [
        { url: 'http://127.0.0.1:8000/r/2', status: 200, headers: [h('Access-Control-Allow-Origin', PAGE)] },
      ],
    });
    expect(get.corsError).toBe('InvalidAllowCredentials');
    expect(curlRequest(get, get.requestHeaders)).toContain('-H "Cookie: $COOKIE"');
  });

  test('no preflight line where no preflight went out', () => {
    const get = reportEntryOf({
      ...blockedPost('3'),
      method: 'GET',
      currentMethod: 'GET',
      preflights: [null],
    });
    expect(curlPreflight(get)).toBeNull();
    expect(curlPreflight(entry())).toMatch(/^curl -i -X OPTIONS /);
  });
});
