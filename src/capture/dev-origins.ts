/**
 * Development origins record by default: a developer's own servers are where CORS bugs are made
 * and fixed. Patterns are host names with an optional leading `*.`, IPv4 CIDR ranges, or `[::1]`.
 */
export const DEFAULT_DEV_ORIGINS: readonly string[] = [
  'localhost',
  '*.localhost',
  '127.0.0.0/8',
  '[::1]',
  '*.test',
  '*.local',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
];

function ipv4(host: string): number | null {
  const parts = host.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

function matchesPattern(host: string, pattern: string): boolean {
  const p = pattern.trim().toLowerCase();
  if (p === '') return false;
  const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(p);
  if (cidr) {
    const addr = ipv4(host);
    const net = ipv4(cidr[1] as string);
    const bits = Number(cidr[2]);
    if (addr === null || net === null || bits > 32) return false;
    const size = 2 ** (32 - bits);
    return Math.floor(addr / size) === Math.floor(net / size);
  }
  if (p.startsWith('*.')) return host.endsWith(p.slice(1));
  return host === p;
}

/** Whether a page URL is on a development origin. Hosts come from the URL parser, so `[::1]` keeps its brackets. */
export function isDevelopmentUrl(
  url: string | undefined,
  patterns: readonly string[] = DEFAULT_DEV_ORIGINS,
): boolean {
  if (!url) return false;
  let host: string;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    host = u.hostname.toLowerCase();
  } catch {
    return false;
  }
  return patterns.some((p) => matchesPattern(host, p));
}

/**
 * What is wrong with a development-origin pattern, in one sentence, or null when it is one: a host
 * name, `*.` and a host suffix, an IPv4 CIDR range, or `[::1]`. A URL or a port is not a host.
 */
export function patternProblem(pattern: string): string | null {
  const p = pattern.trim().toLowerCase();
  if (p === '') return 'Empty.';
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(p)) return 'A host, not a URL: leave out the scheme (http://) and path.';
  if (p === '[::1]') return null;
  const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(p);
  if (cidr) {
    if (ipv4(cidr[1] as string) === null) return 'Not an IPv4 address before the "/".';
    return Number(cidr[2]) > 32 ? 'An IPv4 range has at most 32 bits after the "/".' : null;
  }
  if (/:\d+$/.test(p)) return 'A host without a port: every port of the host counts.';
  const host = p.startsWith('*.') ? p.slice(2) : p;
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host))
    return 'Not a host name: letters, digits, dots and hyphens, optionally after "*."';
  return null;
}

/** The first pattern a page URL matches, or null: what the options page shows for "Test a URL". */
export function matchingPattern(url: string, patterns: readonly string[]): string | null {
  return patterns.find((p) => isDevelopmentUrl(url, [p])) ?? null;
}
