/** True when `s` is a dotted-quad IPv4 address. */
export function isIpv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

/** A dotted quad as an unsigned 32-bit integer. */
export function ipToInt(s: string): number {
  return s.split('.').reduce((n, p) => ((n << 8) | Number(p)) >>> 0, 0);
}

/** An unsigned 32-bit integer as a dotted quad. */
export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** True when `a` and `b` share the network of `netmask`. */
export function sameSubnet(a: string, b: string, netmask: string): boolean {
  const m = ipToInt(netmask);
  return ((ipToInt(a) & m) >>> 0) === ((ipToInt(b) & m) >>> 0);
}

/** True when the mask is contiguous ones then zeros (255.255.255.0, not 255.0.255.0). */
export function isNetmask(s: string): boolean {
  if (!isIpv4(s)) return false;
  const m = ipToInt(s);
  const inv = ~m >>> 0;
  return (inv & (inv + 1)) === 0;
}

/** The all-zero address, meaning "none" in BOOTP header fields. */
export const ZERO = '0.0.0.0';
