import { intToIp, ipToInt, sameSubnet } from './ip.js';
import type { DhcpState, PoolConfig } from './policy.js';

/** The pool of one request: its range, mask and the address vizor answers from. */
export interface PoolView {
  readonly config: PoolConfig;
  readonly netmask: string;
  readonly server: string;
}

/** True when `ip` lies inside the pool's range. */
export function inRange(pool: PoolView, ip: string): boolean {
  const n = ipToInt(ip);
  return n >= ipToInt(pool.config.start) && n <= ipToInt(pool.config.end);
}

/** True when `ip` is on the pool's subnet (reservations may lie outside the range). */
export const onSubnet = (pool: PoolView, ip: string): boolean => sameSubnet(ip, pool.config.start, pool.netmask);

/**
 * True when `mac` may hold `ip` now: its reservation, or a range address that is not the server's,
 * not reserved for another MAC, not leased (unexpired) to another MAC and not declined.
 */
export function isAvailable(pool: PoolView, state: DhcpState, mac: string, ip: string): boolean {
  const own = state.leases.reservation(mac);
  if (own) return own.ip === ip && onSubnet(pool, ip);
  if (!inRange(pool, ip) || ip === pool.server) return false;
  const r = state.leases.reservationByIp(ip);
  if (r && r.mac !== mac) return false;
  const l = state.leases.leaseByIp(ip);
  if (l && l.mac !== mac && l.expiresAt > state.now) return false;
  return !state.leases.isDeclined(ip, state.now);
}

/**
 * Picks the address to offer (RFC 2131 §4.3.1): the reservation, the client's previous address,
 * the address it asked for, then the first never-leased from `state.scanFrom` (wrapping), then the first expired one. Null when exhausted.
 */
export function pickAddress(pool: PoolView, state: DhcpState, mac: string, requested: string | null): string | null {
  const reserved = state.leases.reservation(mac);
  if (reserved) return onSubnet(pool, reserved.ip) ? reserved.ip : null;
  const previous = state.leases.lease(mac);
  if (previous && isAvailable(pool, state, mac, previous.ip)) return previous.ip;
  if (requested && isAvailable(pool, state, mac, requested)) return requested;
  let expired: string | null = null;
  const first = ipToInt(pool.config.start);
  const size = ipToInt(pool.config.end) - first + 1;
  // Scan from where the last allocation ended (Kea's iterative allocator), so a filling pool stays O(1) per client.
  const from = state.scanFrom && inRange(pool, state.scanFrom) ? ipToInt(state.scanFrom) - first : 0;
  for (let i = 0; i < size; i++) {
    const ip = intToIp(first + ((from + i) % size));
    if (!isAvailable(pool, state, mac, ip)) continue;
    if (state.leases.leaseByIp(ip) === null) return ip;
    expired ??= ip;
  }
  return expired;
}
