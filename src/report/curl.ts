/**
 * `curl` lines that reproduce a request's preflight and the request itself from a terminal: the
 * preflight exactly as the browser sent it (only when one went out), the request with its method,
 * every header the page set and its body. What was not captured, and every secret the report hides,
 * is a named shell variable (`"$AUTHORIZATION"`, `"$COOKIE"`, `"$BODY"`) for the user to set —
 * never a value the report redacted, never a guess.
 */
import type { HeaderLine } from '../cors/headers.ts';
import { asciiLower, combinedValue } from '../cors/headers.ts';
import { headerCase } from '../fixes/requirement.ts';
import type { ReportEntry } from './entry.ts';
import { isSecretHeader, REDACTED } from './redact.ts';

/** POSIX single-quoting: the one character that needs care is the quote itself. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A header name safe to put in double quotes and to name a shell variable after. */
const PLAIN_NAME = /^[A-Za-z0-9-]+$/;

/** `Authorization` → `AUTHORIZATION`, `X-Api-Key` → `X_API_KEY`. */
export function variableFor(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** A header with its value, or with a shell variable where the value is hidden or was never captured. */
function header(h: HeaderLine, value: 'known' | 'placeholder'): string {
  if (value === 'placeholder' && PLAIN_NAME.test(h.name)) return `-H "${h.name}: $${variableFor(h.name)}"`;
  return `-H ${shellQuote(`${h.name}: ${h.value}`)}`;
}

const PREFLIGHT_HEADERS = new Set([
  'origin',
  'access-control-request-method',
  'access-control-request-headers',
]);

/** The preflight exactly as the browser sent it (Origin and the two Access-Control-Request-* headers); null when none went out. */
export function curlPreflight(entry: ReportEntry): string | null {
  if (!entry.preflight) return null;
  const sent = entry.preflight.requestHeaders.filter((h) => PREFLIGHT_HEADERS.has(asciiLower(h.name)));
  const headers: HeaderLine[] =
    sent.length > 0
      ? sent
      : [
          { name: 'Origin', value: entry.initiator },
          { name: 'Access-Control-Request-Method', value: entry.method },
        ];
  return ['curl -i -X OPTIONS', shellQuote(entry.url), ...headers.map((h) => header(h, 'known'))].join(' ');
}

/** Headers curl sets itself or that only a browser sends; the rest of what was captured is replayed. */
const SKIP = /^(host|content-length|connection|accept-encoding|user-agent|priority|sec-|referer)/i;

/** The request as the page made it: method, Origin, every header it set (secrets as variables), body. */
export function curlRequest(entry: ReportEntry, requestHeaders: readonly HeaderLine[] | null): string {
  const parts = ['curl -i'];
  if (entry.method !== 'GET') parts.push('-X', shellQuote(entry.method));
  parts.push(shellQuote(entry.url));
  let sent: { line: HeaderLine; value: 'known' | 'placeholder' }[];
  if (requestHeaders) {
    sent = requestHeaders
      .filter((h) => !SKIP.test(h.name))
      .map((line) => ({
        line,
        value: line.value === REDACTED || isSecretHeader(line.name) ? 'placeholder' : 'known',
      }));
  } else {
    // Blocked at its preflight: the request never went out, but the preflight named its headers.
    const declared = (
      combinedValue(entry.preflight?.requestHeaders ?? [], 'Access-Control-Request-Headers') ?? ''
    )
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    sent = [
      { line: { name: 'Origin', value: entry.initiator }, value: 'known' },
      ...declared.map((name) => ({
        line: { name: headerCase(asciiLower(name)), value: '' },
        value: 'placeholder' as const,
      })),
    ];
  }
  const names = new Set(sent.map((s) => asciiLower(s.line.name)));
  // Credentials without a Cookie header captured: the request carried them (or must), so say where they go.
  if (!names.has('cookie') && entry.requirement?.credentials && credentialed(entry)) {
    sent.push({ line: { name: 'Cookie', value: '' }, value: 'placeholder' });
  }
  parts.push(...sent.map((s) => header(s.line, s.value)));
  if (entry.method !== 'GET' && entry.method !== 'HEAD') {
    const length = requestHeaders ? combinedValue(requestHeaders, 'Content-Length') : null;
    parts.push('--data-binary "$BODY"');
    if (length !== null && /^\d+$/.test(length)) parts.push(`# the page sent ${length} bytes`);
  }
  return parts.join(' ');
}

/** The request went with credentials, as judged: a cookie was captured or the verdict read it so. */
function credentialed(entry: ReportEntry): boolean {
  const findings = entry.verdict?.findings ?? [];
  if (findings.some((f) => f.kind === 'credentials-inferred')) return true;
  const error = entry.corsError ?? '';
  return /Credentials|WildcardOriginNotAllowed/.test(error);
}
