/**
 * The panel's text filter: what a developer types to find requests — part of the URL, a method, a
 * status, Chrome's error name, the culprit header (or a header the page sent), Firefox's reason.
 */
import { asciiLower } from '../cors/headers.ts';
import { statusText } from './describe.ts';
import type { ReportEntry } from './entry.ts';
import { kindOf } from './summary.ts';

/** Every word a request can be found by, lower-cased: built once per entry, then reused. */
const haystacks = new WeakMap<ReportEntry, string>();

function haystackOf(e: ReportEntry): string {
  const known = haystacks.get(e);
  if (known !== undefined) return known;
  const culprit = e.verdict?.culprit;
  const sentNames = [
    ...(e.requestHeaders ?? []).map((h) => h.name),
    ...(e.preflight?.requestHeaders ?? []).map((h) => h.name),
    // What the browser declared it would send, in the preflight: the only record of a blocked request's headers.
    ...(e.preflight?.requestHeaders ?? [])
      .filter((h) => asciiLower(h.name) === 'access-control-request-headers')
      .flatMap((h) => h.value.split(',')),
  ];
  const words = [
    e.method,
    e.url,
    statusText(e),
    e.preflight?.status != null ? `OPTIONS ${e.preflight.status}` : '',
    kindOf(e),
    e.corsError ?? '',
    e.failedParameter ?? '',
    e.firefoxReason ?? '',
    culprit?.field ?? '',
    ...(culprit?.missing ?? []),
    ...sentNames.map((n) => n.trim()),
  ];
  const text = asciiLower(words.filter(Boolean).join('\n'));
  haystacks.set(e, text);
  return text;
}

/** True when the request has `needle` (any case) in one of the things it can be found by; an empty needle matches all. */
export function entryMatches(e: ReportEntry, needle: string): boolean {
  const n = asciiLower(needle.trim());
  return n === '' || haystackOf(e).includes(n);
}
