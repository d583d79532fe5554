/**
 * The HTML export: one self-contained file, readable offline, no script and no external resource
 * (its Content-Security-Policy forbids both), and every value escaped.
 */

import type { HeaderList } from '../cors/headers.ts';
import { STACK_LABELS, type StackId } from '../fixes/fix.ts';
import { curlPreflight, curlRequest } from './curl.ts';
import type { ReportEntry } from './entry.ts';
import { type ExportOptions, toJsonReport } from './json.ts';
import { kindOf, oneLine } from './summary.ts';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;

function headerTable(headers: HeaderList | null | undefined, highlight?: string): string {
  if (!headers || headers.length === 0) return '<p class="none">none recorded</p>';
  const rows = headers
    .map((h) => {
      const hot = highlight && h.name.toLowerCase() === highlight.toLowerCase() ? ' class="culprit"' : '';
      return `<tr${hot}><th>${e(h.name)}</th><td>${e(h.value)}</td></tr>`;
    })
    .join('');
  return `<table class="headers">${rows}</table>`;
}

function entrySection(x: ReportEntry, n: number, stack: StackId): string {
  const culprit = x.verdict?.culprit;
  const parts = [
    `<section class="entry ${kindOf(x)}" id="entry-${n}">`,
    `<h2>${n}. ${e(x.method)} <code>${e(x.url)}</code></h2>`,
    `<p class="verdict">${e(oneLine(x))}</p>`,
  ];
  if (x.corsError) {
    parts.push(
      `<p>Chrome: <code>${e(x.corsError)}</code>${x.failedParameter ? ` — failed parameter <code>${e(x.failedParameter)}</code>` : ''}${
        x.firefoxReason ? `. Firefox: <code>${e(x.firefoxReason)}</code>` : ''
      }</p>`,
    );
  }
  if (culprit) {
    parts.push(
      `<table class="culprit-table"><tr><th>header</th><th>expected</th><th>received</th></tr><tr><td><code>${e(culprit.field)}</code></td><td>${e(
        culprit.expected,
      )}</td><td>${culprit.received === null ? '<em>missing</em>' : e(culprit.received)}</td></tr></table>`,
    );
  }
  if (x.explanation) parts.push(`<p>${e(x.explanation)}</p>`);
  for (const f of x.verdict?.findings ?? []) parts.push(`<p class="finding">${e(f.message)}</p>`);
  if (x.preflight) {
    parts.push(
      `<div class="pair"><div><h3>Preflight sent</h3>${headerTable(x.preflight.requestHeaders)}</div><div><h3>Preflight answer (${e(
        String(x.preflight.status ?? '—'),
      )})</h3>${headerTable(x.preflight.responseHeaders, culprit?.where === 'preflight' ? culprit.field : undefined)}</div></div>`,
    );
  }
  if (x.requestHeaders || x.response) {
    parts.push(
      `<div class="pair"><div><h3>Request sent</h3>${headerTable(x.requestHeaders)}</div><div><h3>Response${
        x.response ? ` (${e(String(x.response.status))})` : ''
      }</h3>${headerTable(x.response?.headers, culprit && culprit.where !== 'preflight' ? culprit.field : undefined)}</div></div>`,
    );
  }
  const fix = x.fixes?.[stack];
  if (fix) parts.push(`<h3>Fix (${e(STACK_LABELS[stack])})</h3><pre>${e(fix)}</pre>`);
  if (x.blocked)
    parts.push(
      `<h3>Reproduce</h3><pre>${e(`${curlPreflight(x)}\n${curlRequest(x, x.requestHeaders)}`)}</pre>`,
    );
  if (x.verdict?.link) parts.push(`<p><a href="${e(x.verdict.link)}">The rule</a></p>`);
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#111}
code,pre,td{font-family:ui-monospace,monospace;word-break:break-all}pre{white-space:pre-wrap;background:#f4f4f5;padding:.6rem}
.entry{border-top:1px solid #ddd;padding:.5rem 0}.blocked h2,.not-recorded h2{color:#b91c1c}.verdict{font-weight:600}
table{border-collapse:collapse}td,th{border:1px solid #e4e4e7;padding:.15rem .4rem;text-align:left;vertical-align:top}
.headers th{font-weight:500;white-space:nowrap}.culprit{background:#fee2e2}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.finding{color:#92400e}.none{color:#71717a}.summary td{text-align:right}
@media (prefers-color-scheme:dark){body{background:#18181b;color:#e4e4e7}pre{background:#27272a}td,th{border-color:#3f3f46}.culprit{background:#7f1d1d}}`;

export function renderHtml(entries: readonly ReportEntry[], options: ExportOptions = {}): string {
  const report = toJsonReport(entries, options);
  const s = report.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CORS Lens report</title><style>${STYLE}</style></head><body>
<h1>CORS Lens report</h1>
<p>${e(report.generatedAt)} — ${s.total} cross-origin requests, <strong>${s.blocked} blocked</strong>, ${s.allowed} allowed, ${s.networkErrors} network errors.
${report.redacted ? 'Secrets are redacted.' : '<strong>Not redacted: this report may contain credentials.</strong>'}</p>
${report.entries.map((x, i) => entrySection(x, i + 1, options.stack ?? 'http')).join('\n')}
</body></html>
`;
}
