/**
 * A check to keep: a POSIX shell script (curl + grep) per log that asks each server what its pages
 * need — each preflight the requests made, and the simple requests (GET, HEAD) themselves — and
 * fails while any answer lacks a CORS header they need. Run it against the server after the fix,
 * and keep it in CI. It never sends a request with a body or side effects: other methods are
 * checked through their preflight only.
 */
import { asciiLower, combinedValue } from '../cors/headers.ts';
import { pathAndQuery } from '../cors/origin.ts';
import { isCorsSafelistedMethod } from '../cors/safelist.ts';
import { shellQuote } from './curl.ts';
import type { ReportEntry } from './entry.ts';
import { serversOf } from './servers.ts';

/** A value inside a grep -E pattern, literally. */
function literal(s: string): string {
  return s.replace(/[.[\]{}()*+?^$|\\]/g, '\\$&');
}

interface Check {
  readonly label: string;
  /** An extended regular expression one response header line must match (lower-cased name). */
  readonly want: string;
  readonly curl: readonly string[];
}

/** What one request needs from its server, as checks. */
function checksFor(entry: ReportEntry, credentials: boolean): Check[] {
  const path = pathAndQuery(entry.url);
  const origin = entry.initiator;
  const acao = `^access-control-allow-origin: ${literal(origin)}$`;
  const acac = '^access-control-allow-credentials: true$';
  const declared = (
    combinedValue(entry.preflight?.requestHeaders ?? [], 'Access-Control-Request-Headers') ?? ''
  )
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const preflighted =
    entry.preflight !== null || entry.preflightCached || (entry.verdict?.preflight.required ?? false);
  const out: Check[] = [];
  if (preflighted) {
    const curl = [
      '-X OPTIONS',
      `"$SERVER"${shellQuote(path)}`,
      `-H "Origin: $ORIGIN"`,
      `-H ${shellQuote(`Access-Control-Request-Method: ${entry.method}`)}`,
      ...(declared.length
        ? [`-H ${shellQuote(`Access-Control-Request-Headers: ${declared.join(',')}`)}`]
        : []),
    ];
    const what = `OPTIONS ${path} (for ${entry.method})`;
    out.push({ label: `${what}: a 2xx status`, want: '^http/[0-9.]+ 2[0-9][0-9]', curl });
    out.push({ label: `${what}: Access-Control-Allow-Origin ${origin}`, want: acao, curl });
    if (credentials) out.push({ label: `${what}: Access-Control-Allow-Credentials true`, want: acac, curl });
    if (!isCorsSafelistedMethod(entry.method)) {
      out.push({
        label: `${what}: Access-Control-Allow-Methods lists ${entry.method}`,
        want: `^access-control-allow-methods:.*(^|[ ,:])${literal(entry.method)}([ ,]|$)`,
        curl,
      });
    }
    for (const name of declared) {
      out.push({
        label: `${what}: Access-Control-Allow-Headers lists ${name}`,
        want: `^access-control-allow-headers:.*(^|[ ,:])${literal(asciiLower(name))}([ ,]|$)`,
        curl,
      });
    }
  }
  if (entry.method === 'GET' || entry.method === 'HEAD') {
    const curl = [
      ...(entry.method === 'HEAD' ? ['-I'] : []),
      `"$SERVER"${shellQuote(path)}`,
      `-H "Origin: $ORIGIN"`,
    ];
    out.push({ label: `${entry.method} ${path}: Access-Control-Allow-Origin ${origin}`, want: acao, curl });
    if (credentials)
      out.push({ label: `${entry.method} ${path}: Access-Control-Allow-Credentials true`, want: acac, curl });
  }
  return out;
}

/** The script for every server with a blocked request; null when nothing was blocked. */
export function checkScript(entries: readonly ReportEntry[]): string | null {
  const servers = serversOf(entries);
  if (servers.length === 0) return null;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const lines = [
    '#!/bin/sh',
    '# CORS check, written by CORS Lens from the requests it saw: it fails while a server does not send',
    '# the CORS headers its pages need, and passes once the fix is deployed. Keep it in CI.',
    '# Usage: sh cors-check.sh [server origin]  (default: the one recorded; one server per run)',
    '# Only OPTIONS, GET and HEAD are sent: requests with a body are checked through their preflight,',
    '# and their own responses are listed as "skip", not checked.',
    'set -u',
    'fail=0',
    'check() {',
    '  label=$1; want=$2; shift 2',
    "  if curl -s -o /dev/null -D - \"$@\" | tr -d '\\r' | tr '[:upper:]' '[:lower:]' | grep -qE \"$want\"; then",
    '    echo "ok   $label"',
    '  else',
    '    echo "FAIL $label"',
    '    fail=1',
    '  fi',
    '}',
  ];
  for (const server of servers) {
    const own = server.entryIds.map((id) => byId.get(id)).filter((e): e is ReportEntry => e !== undefined);
    lines.push(
      '',
      `# ${server.origin}: ${server.entryIds.length} ${server.entryIds.length === 1 ? 'request' : 'requests'}, ${server.blocked} blocked when recorded`,
    );
    lines.push(`RECORDED=${shellQuote(server.origin)}`, 'SERVER="$' + '{1:-$RECORDED}"');
    const seen = new Set<string>();
    let origin: string | null = null;
    for (const entry of own) {
      // The script sends no request bodies: the answer to a POST, PUT, DELETE… is not checked.
      // Said in its output, so a pass is never read as covering what it did not send.
      if (
        entry.blocked &&
        !['GET', 'HEAD'].includes(entry.method) &&
        entry.verdict?.culprit?.where !== 'preflight'
      ) {
        const what = `${entry.method} ${pathAndQuery(entry.url)}`;
        const got = entry.response ? ` (it answered ${entry.response.status} when recorded)` : '';
        const line = `skip ${what}: its own response${got} is not checked; the script sends no bodies`;
        if (!seen.has(line)) {
          seen.add(line);
          lines.push(`echo ${shellQuote(line)}`);
        }
      }
      for (const c of checksFor(entry, server.requirement.credentials)) {
        const key = `${c.label}\n${c.want}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (entry.initiator !== origin) lines.push(`ORIGIN=${shellQuote(entry.initiator)}`);
        origin = entry.initiator;
        lines.push(`check ${shellQuote(c.label)} ${shellQuote(asciiLower(c.want))} ${c.curl.join(' ')}`);
      }
    }
  }
  lines.push('exit $fail', '');
  return lines.join('\n');
}
