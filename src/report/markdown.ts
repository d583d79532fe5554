/**
 * The Markdown export, made to paste into a GitHub issue: a summary table, then each failure with
 * its culprit, explanation and `curl` lines. Every value from the network goes inside a code span
 * or block sized so that nothing in it can end it, so no header or URL is ever rendered as Markdown
 * or HTML.
 */
import { originOf } from '../cors/origin.ts';
import {
  type Browser,
  cacheSentence,
  culpritText,
  describeEntry,
  type EntryDescription,
  numberText,
  reportOrder,
} from './describe.ts';
import type { ReportEntry } from './entry.ts';
import { contextOf, type ExportOptions, toJsonReport } from './json.ts';
import { problemCount, problemName } from './problems.ts';
import { coveredBy, serverFixFor, serverHeading } from './servers.ts';
import { type EntryKind, summaryText } from './summary.ts';

/**
 * Text as an inline code span that its content cannot close (CommonMark §6.1). In a table cell a
 * pipe ends the cell even inside code, so there it is escaped (GFM tables).
 */
export function code(text: string, inTable = false): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  if (flat === '') return '` `';
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${inTable ? flat.replace(/\|/g, '\\|') : flat}${pad}${fence}`;
}

/** A fenced code block its content cannot close. */
function block(text: string, lang = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/** Our own prose (explanations hold `code` in backticks): kept, but no raw HTML gets through. */
function prose(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ');
}

const MARK: Record<EntryKind, string> = {
  blocked: '❌ blocked',
  allowed: '✅ allowed',
  'same-origin': '✅ no CORS',
  'network-error': '⚠️ network error',
  'not-recorded': '❌ blocked (not recorded)',
  undetermined: '❓ blocked with credentials, allowed without',
  pending: '… pending',
};

/** The failure's names, the browser the reader is on first. */
function namesLines(d: EntryDescription): string[] {
  const names = d.names;
  if (!names) return [];
  const chrome = names.chrome
    ? `- Chrome: ${code(names.chrome.error)}${names.chrome.param ? `, failed parameter ${code(names.chrome.param)}` : ''}`
    : null;
  const firefox = names.firefox ? `- Firefox: ${code(names.firefox)}` : null;
  const lines = names.lead === 'firefox' ? [firefox, chrome] : [chrome, firefox];
  return lines.filter((l): l is string => l !== null);
}

function section(
  d: EntryDescription,
  n: number,
  server: string | null,
  said: Set<string>,
  browser: Browser,
): string[] {
  const out = ['', `### ${n}. ${code(`${d.method} ${d.url}`)}`, '', `**${prose(d.headline)}**`, ''];
  if (d.madeBy) {
    const at = d.madeBy;
    out.push(
      `- Made by ${at.functionName ? `${code(`${at.functionName}()`)} in ` : ''}${code(at.url)}, line ${numberText(at.line)}, column ${numberText(at.column)}`,
    );
  }
  if (d.madeByWorker) out.push(`- ${prose(d.madeByWorker)}`);
  out.push(...namesLines(d));
  if (d.culprit) {
    const c = d.culprit;
    out.push(
      `- Culprit (${c.where}): ${code(c.field)} — expected ${code(c.expected)}, received ${
        c.received === null ? '*nothing*' : code(c.received)
      }`,
    );
  }
  if (d.preflightStatus !== null) out.push(`- Preflight answered ${d.preflightStatus}`);
  if (d.preflightCached) out.push(`- ${cacheSentence(d.preflightCachedFrom, undefined, browser)}`);
  if (d.explanation) out.push('', prose(d.explanation));
  // A note that holds for several requests to one server is said once, at the first of them.
  for (const f of [...d.notes, ...d.risks]) {
    const key = `${server ?? originOf(d.url) ?? d.url} ${f.message}`;
    if (said.has(key)) continue;
    said.add(key);
    out.push(`- ${prose(f.message)}`);
  }
  if (d.link) out.push('', `Reference: [${prose(d.link.label)}](<${encodeURI(d.link.href)}>)`);
  if (server) out.push('', `Fixed by the fix for ${prose(server)} above.`);
  else if (d.fix) out.push('', `Fix (${prose(d.fix.label)}):`, '', block(d.fix.text));
  if (d.reproduce)
    out.push(
      '',
      'Reproduce:',
      '',
      block([d.reproduce.preflight, d.reproduce.request].filter((l) => l !== null).join('\n'), 'sh'),
    );
  return out;
}

export function renderMarkdown(entries: readonly ReportEntry[], options: ExportOptions = {}): string {
  const report = toJsonReport(entries, options);
  const { summary } = report;
  const out: string[] = [];
  const context = contextOf(report);
  out.push(
    '## CORS Lens report',
    '',
    [
      context.pages.length > 0
        ? `${context.pagesLabel} ${context.pages.map((p) => code(p)).join(', ')}`
        : null,
      context.capturedBy === null ? null : prose(context.capturedBy),
      context.when,
    ]
      .filter((x) => x !== null)
      .join(' · '),
    '',
  );
  out.push(
    `${summaryText(summary)}${report.redacted ? ' Secrets are redacted.' : ' ⚠️ Not redacted: this report may contain credentials.'}`,
    '',
  );
  const described = report.entries.map((e) =>
    describeEntry(e, { stack: options.stack, browser: options.browser, redact: report.redacted }),
  );
  const firefoxFirst = options.browser === 'firefox';
  const problems = report.problems;
  if (problems.length > 0) {
    out.push(`### Problems: ${problemCount(problems)}`, '');
    out.push('| # | problem | server | requests | header at fault |', '|---|---|---|---|---|');
    problems.forEach((p, i) => {
      out.push(
        `| ${i + 1} | ${code(problemName(p, firefoxFirst), true)} | ${code(p.origin, true)} | ${p.count} | ${
          p.culprit ? code(p.culprit, true) : '—'
        } |`,
      );
    });
    out.push('', '### Requests', '');
  }
  // On Firefox the console's "Reason: …" is what the reader knows: that column leads.
  out.push(
    `| # | request | result | ${firefoxFirst ? 'Firefox reason' : 'Chrome error'} | culprit |`,
    '|---|---|---|---|---|',
  );
  // Numbered as the HTML report and the terminal number them: blocked first.
  const order = reportOrder(described);
  order.forEach((i, n) => {
    const d = described[i] as EntryDescription;
    const error = firefoxFirst ? (d.names?.firefox ?? d.names?.chrome?.error) : d.names?.chrome?.error;
    out.push(
      `| ${n + 1} | ${code(`${d.method} ${d.url}`, true)} | ${MARK[d.kind]} | ${error ? code(error, true) : ''} | ${culpritCell(d)} |`,
    );
  });
  const servers = report.servers;
  if (servers.length > 0) {
    out.push('', servers.length === 1 ? '### The fix' : '### One fix per server');
    for (const server of servers) {
      const fix = serverFixFor(server, report.entries, options.stack);
      out.push('', `#### ${prose(serverHeading(server))}`, '');
      for (const note of server.notes) out.push(`- ${prose(note)}`);
      if (server.notes.length > 0) out.push('');
      out.push(`Fix (${prose(fix.label)}) — makes every request to this server pass:`, '', block(fix.text));
    }
  }
  const covered = coveredBy(servers);
  const said = new Set<string>();
  order.forEach((i, n) => {
    const d = described[i] as EntryDescription;
    const entry = report.entries[i] as ReportEntry;
    if (d.kind === 'blocked' || d.kind === 'not-recorded')
      out.push(
        ...section(d, n + 1, covered.get(entry.id)?.origin ?? null, said, options.browser ?? 'chrome'),
      );
  });
  out.push('', `<sub>Generated by CORS Lens on ${report.generatedAt}.</sub>`, '');
  return out.join('\n');
}

/** The culprit column: the header at fault; for a blocked request without one, what is known instead. */
function culpritCell(d: EntryDescription): string {
  if (d.culprit) return code(culpritText(d.culprit), true);
  if (d.kind === 'not-recorded') return 'not recorded: record and reload';
  if (d.kind !== 'blocked') return '';
  if (d.preflightStatus !== null && d.preflightStatus >= 300)
    return code(`OPTIONS answered ${d.preflightStatus}`, true);
  return code(d.names?.chrome?.param || d.headline, true);
}
