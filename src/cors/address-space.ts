/**
 * Local Network Access's address spaces, from a URL alone: "loopback" (this machine), "local"
 * (private networks), "public", or "unknown" for a host name, whose address only the resolver
 * knows. https://wicg.github.io/local-network-access/#ip-address-space
 */
export type AddressSpace = 'loopback' | 'local' | 'public' | 'unknown';

export function addressSpaceOf(url: string): AddressSpace {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return 'unknown';
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (host.startsWith('[')) return ipv6Space(host.slice(1, -1));
  const octets = host.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return 'unknown';
  const [a, b] = octets.map(Number) as [number, number];
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254))
    return 'local';
  if (a === 0) return 'loopback';
  return 'public';
}

function ipv6Space(ip: string): AddressSpace {
  if (ip === '::1') return 'loopback';
  const first = Number.parseInt(ip.split(':')[0] || '0', 16);
  if ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80) return 'local';
  return 'public';
}

/** The permission a page needs to reach `space` (Chrome 145 and later). */
export function permissionFor(space: AddressSpace): string {
  return space === 'loopback' ? 'loopback-network' : 'local-network';
}
