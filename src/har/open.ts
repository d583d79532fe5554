/**
 * Opening a file the user picked: a HAR, or a CORS Lens JSON report exported earlier. Either way
 * the panel gets report entries, or one sentence saying what is wrong with the file.
 */
import type { ReportEntry } from '../report/entry.ts';
import { REPORT_FORMAT, readJsonReport } from '../report/json.ts';
import { importHar } from './import.ts';
import { type HarBrowser, MAX_HAR_BYTES, tooLarge } from './read.ts';

export type OpenedFile =
  | {
      readonly ok: true;
      readonly kind: 'har' | 'report';
      /** Which browser wrote it, when it says; a report keeps no such thing. */
      readonly browser: HarBrowser;
      readonly entries: readonly ReportEntry[];
      readonly notes: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

/** Refuses what is too large before it is read at all (the panel knows File.size up front). */
export function checkSize(bytes: number): string | null {
  return bytes > MAX_HAR_BYTES ? tooLarge(bytes) : null;
}

/**
 * A file's bytes as text: UTF-8 unless a byte-order mark says UTF-16 (some Windows tools save HARs
 * so). Bytes that are not valid in the encoding become U+FFFD instead of failing the whole file.
 */
export function decodeFile(bytes: Uint8Array): string {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  return new TextDecoder(encoding).decode(bytes);
}

export function openFile(text: string): OpenedFile {
  // A report names its format in its first bytes; anything else is read as a HAR.
  if (text.slice(0, 200).includes(`"${REPORT_FORMAT}"`)) {
    const read = readJsonReport(text);
    if (!read.ok) return read;
    return { ok: true, kind: 'report', browser: 'other', entries: read.report.entries, notes: [] };
  }
  const imported = importHar(text);
  if (!imported.ok) return imported;
  const notes = [...imported.notes];
  if (imported.entries.length === 0) {
    notes.unshift(
      imported.total === 0
        ? 'The HAR holds no requests.'
        : `The HAR holds ${imported.total} requests, none of them cross-origin: CORS did not apply to any.`,
    );
  }
  return { ok: true, kind: 'har', browser: imported.browser, entries: imported.entries, notes };
}
