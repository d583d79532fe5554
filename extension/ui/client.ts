/** What extension pages (panel, popup) use to talk to the worker (typed messages), and the downloads of exports. */

import type { StackId } from '../../src/fixes/index.ts';
import type { Browser } from '../../src/report/describe.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderJson } from '../../src/report/json.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { sendMessage } from '../platform/runtime.ts';
import type { Message, Reply, ReportEntry } from '../shared/messages.ts';

export async function send<M extends Message>(message: M): Promise<Reply<M>> {
  const reply = (await sendMessage(message)) as Reply<M> | { error: string } | undefined;
  if (reply === undefined) throw new Error('The extension did not answer.');
  if (typeof reply === 'object' && reply !== null && 'error' in reply) throw new Error(reply.error);
  return reply as Reply<M>;
}

export type ExportFormat = 'json' | 'markdown' | 'html';

const EXPORTS: Record<ExportFormat, { ext: string; mime: string; render: typeof renderJson }> = {
  json: { ext: 'json', mime: 'application/json', render: renderJson },
  markdown: { ext: 'md', mime: 'text/markdown', render: renderMarkdown },
  html: { ext: 'html', mime: 'text/html', render: renderHtml },
};

/** Renders the export and hands it to the browser as a download; nothing leaves the machine. Returns the file name. */
export function downloadReport(
  format: ExportFormat,
  entries: readonly ReportEntry[],
  options: {
    redact: boolean;
    tabId: number;
    dropped: number;
    stack?: StackId | null;
    browser?: Browser;
    /** The requests came from a file, not from this browser: it does not say which browser captured them. */
    imported?: boolean;
  },
): string {
  const spec = EXPORTS[format];
  return downloadText(
    'cors-lens',
    spec.ext,
    spec.mime,
    spec.render(entries, {
      ...options,
      capturedBy: options.imported ? null : browserAndVersion(navigator.userAgent),
    }),
  );
}

/**
 * "Chrome 156", "Firefox 153.0", "Edge 140": the browser and its version, from its user agent
 * (Chrome reports only its major version there). Null when the string says neither.
 */
export function browserAndVersion(userAgent: string): string | null {
  const firefox = /Firefox\/([\d.]+)/.exec(userAgent);
  if (firefox) return `Firefox ${firefox[1]}`;
  const edge = /Edg\/(\d+)/.exec(userAgent);
  if (edge) return `Edge ${edge[1]}`;
  const chrome = /Chrome\/(\d+)/.exec(userAgent);
  return chrome ? `Chrome ${chrome[1]}` : null;
}

/** Hands `text` to the browser as a download named `<base>-<time>.<ext>`; returns the file name. */
export function downloadText(base: string, ext: string, mime: string, text: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const filename = `${base}-${stamp}.${ext}`;
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return filename;
}
