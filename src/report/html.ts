/**
 * The HTML export: one self-contained file, readable offline, no script and no external resource
 * (its Content-Security-Policy forbids both), and every value escaped.
 */

import type { HeaderList } from '../cors/headers.ts';
import { originOf } from '../cors/origin.ts';
import { describeEntry, type EntryDescription, numberText, reportOrder } from './describe.ts';
import type { ReportEntry } from './entry.ts';
import { contextLine, type ExportOptions, type JsonReport, toJsonReport } from './json.ts';
import { problemCount, problemName } from './problems.ts';
import { coveredBy, serverFixFor, serverHeading } from './servers.ts';
import { summaryText } from './summary.ts';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;

/** Our own sentences (explanations, titles) hold `code` in backticks: escaped, then shown as code. */
function prose(text: string): string {
  return e(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

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

function namesLine(d: EntryDescription): string {
  const names = d.names;
  if (!names) return '';
  const chrome = names.chrome
    ? `Chrome: <code>${e(names.chrome.error)}</code>${names.chrome.param ? ` — failed parameter <code>${e(names.chrome.param)}</code>` : ''}`
    : '';
  const firefox = names.firefox ? `Firefox: <code>${e(names.firefox)}</code>` : '';
  const parts = (names.lead === 'firefox' ? [firefox, chrome] : [chrome, firefox]).filter(Boolean);
  return `<p>${parts.join('. ')}</p>`;
}

function entrySection(
  x: ReportEntry,
  d: EntryDescription,
  n: number,
  server: string | null,
  said: Set<string>,
): string {
  const culprit = d.culprit;
  const parts = [
    `<section class="entry ${d.kind}" id="entry-${n}">`,
    `<h2>${n}. ${e(d.method)} <code>${e(d.url)}</code></h2>`,
    `<p class="verdict">${prose(d.headline)}</p>`,
    namesLine(d),
  ];
  if (d.madeBy) {
    const at = d.madeBy;
    parts.push(
      `<p>Made by ${at.functionName ? `<code>${e(at.functionName)}()</code> in ` : ''}<code>${e(at.url)}</code>, line ${numberText(at.line)}, column ${numberText(at.column)}</p>`,
    );
  }
  if (d.madeByWorker) parts.push(`<p>${e(d.madeByWorker)}</p>`);
  if (culprit) {
    parts.push(
      `<table class="culprit-table"><tr><th>header</th><th>expected</th><th>received</th></tr><tr><td><code>${e(culprit.field)}</code></td><td>${e(
        culprit.expected,
      )}</td><td>${culprit.received === null ? '<em>missing</em>' : e(culprit.received)}</td></tr></table>`,
    );
  }
  if (d.explanation) parts.push(`<p>${prose(d.explanation)}</p>`);
  // A note that holds for several requests to one server is said once, at the first of them.
  for (const f of [...d.notes, ...d.risks]) {
    const key = `${server ?? originOf(d.url) ?? d.url} ${f.message}`;
    if (said.has(key)) continue;
    said.add(key);
    parts.push(`<p class="finding">${prose(f.message)}</p>`);
  }
  // The header dumps are the evidence, not the story: folded until the reader asks.
  parts.push('<details class="headers-box"><summary>Headers sent and received</summary>');
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
  parts.push('</details>');
  if (server) parts.push(`<p>Fixed by the fix for <code>${e(server)}</code> above.</p>`);
  else if (d.fix) parts.push(`<h3>Fix (${e(d.fix.label)})</h3><pre>${e(d.fix.text)}</pre>`);
  if (d.reproduce)
    parts.push(
      `<h3>Reproduce</h3><pre>${e([d.reproduce.preflight, d.reproduce.request].filter((l) => l !== null).join('\n'))}</pre>`,
    );
  if (d.link) parts.push(`<p><a href="${e(d.link.href)}">${e(d.link.label)}</a></p>`);
  parts.push('</section>');
  return parts.join('\n');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#111}
code,pre,td{font-family:ui-monospace,monospace;overflow-wrap:anywhere}pre{white-space:pre-wrap;background:#f4f4f5;padding:.6rem}
.entry{border-top:1px solid #ddd;padding:.5rem 0}.blocked h2,.not-recorded h2{color:#b91c1c}.verdict{font-weight:600}
table{border-collapse:collapse}td,th{border:1px solid #e4e4e7;padding:.15rem .4rem;text-align:left;vertical-align:top}
.headers th{font-weight:500;white-space:nowrap}.culprit{background:#fee2e2}.pair{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
.finding{color:#92400e}.none{color:#71717a}.summary-table{margin:.5rem 0 1rem}.summary-table td.n{text-align:right}
.summary-table tr.blocked td,.summary-table tr.not-recorded td{color:#b91c1c}details.headers-box{margin:.5rem 0}details.headers-box>summary{cursor:pointer;color:#52525b}
p code,td code,h3 code{background:#f4f4f5;padding:0 .2rem;border-radius:3px}
@media (prefers-color-scheme:dark){body{background:#18181b;color:#e4e4e7}pre,p code,td code,h3 code{background:#27272a}td,th{border-color:#3f3f46}.culprit{background:#7f1d1d}}`;

/** The summary: the problems, then every request, each linked to its section. */
function summaryTables(
  report: JsonReport,
  described: readonly EntryDescription[],
  order: readonly number[],
  firefoxFirst: boolean,
): string {
  const out: string[] = [];
  if (report.problems.length > 0) {
    out.push(
      `<h2>Problems: ${e(problemCount(report.problems))}</h2>`,
      '<table class="summary-table"><tr><th>#</th><th>problem</th><th>server</th><th>requests</th><th>header at fault</th></tr>',
      ...report.problems.map(
        (p, i) =>
          `<tr><td>${i + 1}</td><td><code>${e(problemName(p, firefoxFirst))}</code></td><td><code>${e(p.origin)}</code></td><td class="n">${p.count}</td><td>${p.culprit ? `<code>${e(p.culprit)}</code>` : '—'}</td></tr>`,
      ),
      '</table>',
    );
  }
  out.push(
    '<h2>Requests</h2>',
    '<table class="summary-table"><tr><th>#</th><th>request</th><th>result</th><th>error</th></tr>',
    ...order.map((i, n) => {
      const d = described[i] as EntryDescription;
      const error = firefoxFirst
        ? (d.names?.firefox ?? d.names?.chrome?.error)
        : (d.names?.chrome?.error ?? d.names?.firefox);
      return `<tr class="${d.kind}"><td><a href="#entry-${n + 1}">${n + 1}</a></td><td><code>${e(`${d.method} ${d.url}`)}</code></td><td>${e(RESULT[d.kind])}</td><td>${error ? `<code>${e(error)}</code>` : ''}</td></tr>`;
    }),
    '</table>',
  );
  return out.join('\n');
}

const RESULT: Record<EntryDescription['kind'], string> = {
  blocked: 'blocked',
  'not-recorded': 'blocked (not recorded)',
  undetermined: 'blocked with credentials, allowed without',
  'network-error': 'network error',
  allowed: 'allowed',
  'same-origin': 'no CORS check',
  pending: 'in flight',
};

export function renderHtml(entries: readonly ReportEntry[], options: ExportOptions = {}): string {
  const report = toJsonReport(entries, options);
  const s = report.summary;
  const covered = coveredBy(report.servers);
  const described = report.entries.map((x) =>
    describeEntry(x, { stack: options.stack, browser: options.browser, redact: report.redacted }),
  );
  const order = reportOrder(described);
  const said = new Set<string>();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CORS Lens report</title><style>${STYLE}</style></head><body>
<h1>CORS Lens report</h1>
<p>${e(contextLine(report))}</p>
<p>${e(summaryText(s))}
${report.redacted ? 'Secrets are redacted.' : '<strong>Not redacted: this report may contain credentials.</strong>'}</p>
${summaryTables(report, described, order, options.browser === 'firefox')}
${report.servers
  .map((server) => {
    const fix = serverFixFor(server, report.entries, options.stack);
    return `<section class="server"><h2>Fix for ${e(serverHeading(server))}</h2>${server.notes
      .map((n) => `<p>${prose(n)}</p>`)
      .join(
        '',
      )}<h3>${e(fix.label)} — makes every request to this server pass</h3><pre>${e(fix.text)}</pre></section>`;
  })
  .join('\n')}
${order
  .map((i, n) => {
    const x = report.entries[i] as ReportEntry;
    return entrySection(x, described[i] as EntryDescription, n + 1, covered.get(x.id)?.origin ?? null, said);
  })
  .join('\n')}
</body></html>
`;
}
