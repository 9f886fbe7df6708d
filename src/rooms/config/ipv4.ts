/** IPv4 arithmetic for room addressing: addresses as unsigned 32-bit integers. */

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted-quad address to an unsigned integer, or null when it is not one. */
export function parseIpv4(text: string): number | null {
  const m = DOTTED.exec(text);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    // "010" is ambiguous (octal in some tools): refuse leading zeros.
    if (part.length > 1 && part.startsWith('0')) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

/** Formats an unsigned integer as a dotted-quad address. */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** A parsed IPv4 subnet. */
export interface Subnet {
  readonly network: number;
  readonly prefix: number;
  /** The subnet as written canonically, e.g. `10.1.2.0/24`. */
  readonly text: string;
}

/** The netmask of a prefix length as an unsigned integer. */
export function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/n`; returns an error text (never throws) when it is not a subnet. */
export function parseSubnet(text: string): Subnet | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `"${text}" is not a subnet: write it as address/prefix, e.g. 10.1.2.0/24`;
  const addr = parseIpv4(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (addr === null || !/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    return `"${text}" is not a subnet: write it as address/prefix, e.g. 10.1.2.0/24`;
  }
  const prefix = Number(prefixText);
  const network = (addr & prefixMask(prefix)) >>> 0;
  const canonical = `${formatIpv4(network)}/${prefix}`;
  if (network !== addr) return `subnet "${text}" has host bits set; did you mean ${canonical}?`;
  return { network, prefix, text: canonical };
}

/** The subnet of prefix length `prefix` that contains `addr`. */
export function subnetOf(addr: number, prefix: number): Subnet {
  const network = (addr & prefixMask(prefix)) >>> 0;
  return { network, prefix, text: `${formatIpv4(network)}/${prefix}` };
}

/** True when `addr` lies inside `subnet`. */
export function inSubnet(addr: number, subnet: Subnet): boolean {
  return ((addr & prefixMask(subnet.prefix)) >>> 0) === subnet.network;
}

/** The broadcast address of a subnet. */
export function broadcastOf(subnet: Subnet): number {
  return (subnet.network | (~prefixMask(subnet.prefix) >>> 0)) >>> 0;
}

/**
 * True when the subnet reserves its first and last address (network and broadcast).
 * /31 (RFC 3021 point-to-point) and /32 have none.
 */
export function hasReservedEnds(subnet: Subnet): boolean {
  return subnet.prefix <= 30;
}
