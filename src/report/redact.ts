/**
 * Secrets out of reports, field by field: the values of credential headers (Authorization,
 * Cookie, API keys, tokens…) and of token-like query parameters. Redaction is on by default in
 * every export; turning it off is the user's explicit choice.
 */
import { asciiLower } from '../cors/headers.ts';

export const REDACTED = '[redacted]';

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-csrf-token',
  'x-xsrf-token',
  'private-token',
]);

/** Header names whose values are credentials. CORS headers only name other headers, so they stay. */
export function isSecretHeader(name: string): boolean {
  const lower = asciiLower(name.trim());
  if (SECRET_HEADERS.has(lower)) return true;
  if (lower.startsWith('access-control-') || lower === 'www-authenticate') return false;
  return /(token|secret|api[-_]?key|password|session)/.test(lower);
}

const SECRET_PARAMS =
  /^(access_token|id_token|refresh_token|token|api_key|apikey|key|secret|client_secret|password|pass|pwd|auth|sig|signature|code|session|sessionid|jwt)$/i;

export function isSecretParam(name: string): boolean {
  return SECRET_PARAMS.test(name) || /(token|secret|password|api[-_]?key)/i.test(name);
}

/** A URL with token-like query parameters and any user:password replaced. Unparsable text is kept. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (u.username || u.password) {
    u.username = u.username ? 'redacted' : '';
    u.password = u.password ? 'redacted' : '';
    changed = true;
  }
  for (const name of [...new Set(u.searchParams.keys())]) {
    if (!isSecretParam(name)) continue;
    u.searchParams.set(name, REDACTED);
    changed = true;
  }
  return changed ? u.href : url;
}

const URL_FIELDS = new Set(['url', 'currentUrl']);

/**
 * A deep copy of `value` with secrets replaced: every `{ name, value }` pair (a header line, or a
 * header in a verdict's preflight reasons) whose name is a credential header, every URL field,
 * and `Location` / `Referer` values.
 */
export function redact<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v));
  if (typeof value === 'string') return key && URL_FIELDS.has(key) ? redactUrl(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = walk(v, k);
  if (typeof record.name === 'string' && typeof record.value === 'string') {
    if (isSecretHeader(record.name) && record.value !== '') out.value = REDACTED;
    else if (/^(location|referer|content-location)$/i.test(record.name.trim()))
      out.value = redactUrl(record.value);
  }
  return out;
}
