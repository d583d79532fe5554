/** `curl` lines that reproduce a request's preflight and the request itself from a terminal. */
import type { HeaderLine } from '../cors/headers.ts';
import { asciiLower } from '../cors/headers.ts';
import type { ReportEntry } from './entry.ts';

/** POSIX single-quoting: the one character that needs care is the quote itself. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function header(h: HeaderLine): string {
  return `-H ${shellQuote(`${h.name}: ${h.value}`)}`;
}

const PREFLIGHT_HEADERS = new Set([
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
]);

/** The preflight exactly as the browser sent it (Origin and the two Access-Control-Request-* headers). */
export function curlPreflight(entry: ReportEntry): string {
  const sent = entry.preflight?.requestHeaders.filter((h) => PREFLIGHT_HEADERS.has(asciiLower(h.name))) ?? [];
  const headers: HeaderLine[] =
    sent.length > 0
      ? sent
      : [
          { name: 'Origin', value: entry.initiator },
          { name: 'Access-Control-Request-Method', value: entry.method },
        ];
  return ['curl -i -X OPTIONS', shellQuote(entry.url), ...headers.map(header)].join(' ');
}

/** Headers curl sets itself or that only a browser sends; the rest of what was captured is replayed. */
const SKIP = /^(host|content-length|connection|accept-encoding|user-agent|sec-|referer)/i;

/** The request itself, with the headers the browser sent when they were captured (its Origin included). */
export function curlRequest(entry: ReportEntry, requestHeaders: readonly HeaderLine[] | null): string {
  const headers = (requestHeaders ?? [{ name: 'Origin', value: entry.initiator }]).filter(
    (h) => !SKIP.test(h.name),
  );
  const method = entry.method === 'GET' ? [] : ['-X', shellQuote(entry.method)];
  return ['curl -i', ...method, shellQuote(entry.url), ...headers.map(header)].join(' ');
}
