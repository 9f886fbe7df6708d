import { DhcpConfigError } from './errors.js';
import { ipToInt, isIpv4, isNetmask, sameSubnet } from './ip.js';
import type { DhcpInterface, PoolConfig } from './policy.js';

/** The options validateServerOptions checks (a subset of DhcpServerOptions). */
export interface CheckedOptions {
  readonly mode: string;
  readonly interfaces: readonly DhcpInterface[];
  readonly pool?: PoolConfig | null;
  readonly httpPort: number;
  readonly efiBootFile: string;
}

/** Lists every problem with the options; an empty list means they can work. */
export function serverOptionProblems(o: CheckedOptions): string[] {
  const out: string[] = [];
  if (o.mode !== 'full' && o.mode !== 'proxy') out.push(`mode must be full or proxy, not ${String(o.mode)}`);
  if (!o.interfaces.length) out.push('at least one interface is needed');
  for (const i of o.interfaces) {
    if (!i.name || i.name.length > 15) out.push(`interface name ${JSON.stringify(i.name)} must be 1-15 characters`);
    if (!isIpv4(i.address)) out.push(`interface ${i.name}: address ${i.address} is not IPv4`);
    if (!isNetmask(i.netmask)) out.push(`interface ${i.name}: netmask ${i.netmask} is not a netmask`);
  }
  if (!Number.isInteger(o.httpPort) || o.httpPort < 1 || o.httpPort > 65535) out.push(`httpPort ${o.httpPort} is not a port`);
  if (o.efiBootFile !== 'snponly.efi' && o.efiBootFile !== 'ipxe.efi') out.push(`efiBootFile must be snponly.efi or ipxe.efi, not ${o.efiBootFile}`);
  const p = o.pool;
  if (o.mode === 'full' && !p) out.push('full mode needs a pool');
  if (p) {
    for (const [k, v] of [['start', p.start], ['end', p.end], ['router', p.router ?? '0.0.0.0'], ...p.dns.map((d) => ['dns', d])] as const) {
      if (!isIpv4(v)) out.push(`pool ${k} ${v} is not IPv4`);
    }
    if (p.netmask !== undefined && !isNetmask(p.netmask)) out.push(`pool netmask ${p.netmask} is not a netmask`);
    if (!Number.isInteger(p.leaseSeconds) || p.leaseSeconds < 60) out.push(`pool leaseSeconds ${p.leaseSeconds} must be an integer >= 60`);
    if (isIpv4(p.start) && isIpv4(p.end)) {
      if (ipToInt(p.start) > ipToInt(p.end)) out.push(`pool start ${p.start} is after end ${p.end}`);
      const mask = p.netmask ?? o.interfaces[0]?.netmask;
      if (mask && isNetmask(mask) && !sameSubnet(p.start, p.end, mask)) out.push(`pool ${p.start}-${p.end} spans more than one subnet (${mask})`);
      // Without its own netmask the pool serves the interfaces' own subnet, so it must lie on one.
      if (p.netmask === undefined && !o.interfaces.some((i) => isNetmask(i.netmask) && isIpv4(i.address) && sameSubnet(i.address, p.start, i.netmask))) {
        out.push(`pool ${p.start}-${p.end} is not on the subnet of any interface (give pool.netmask for a relayed subnet)`);
      }
    }
  }
  return out;
}

/** Throws DhcpConfigError naming every problem, or returns. */
export function validateServerOptions(o: CheckedOptions): void {
  const problems = serverOptionProblems(o);
  if (problems.length) throw new DhcpConfigError(`dhcp: ${problems.join('; ')}`);
}
