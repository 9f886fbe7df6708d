// A planReply harness over a real DhcpRepo (in-memory Store) with a settable clock.
import { Store } from '../../../../src/store/index.js';
import { planReply, getOption, type DhcpPacket, type DhcpPolicy, type LeaseEffect, type PoolConfig, type ReplyPlan } from '../../../../src/boot/dhcp/index.js';

export const IFACE = { name: 'br0', address: '10.0.0.1', netmask: '255.255.255.0' };
export const POOL: PoolConfig = { start: '10.0.0.100', end: '10.0.0.199', router: '10.0.0.254', dns: ['10.0.0.53'], domain: 'lab.test', leaseSeconds: 3600 };

export function policy(over: Partial<DhcpPolicy> = {}): DhcpPolicy {
  return { mode: 'full', pool: POOL, httpPort: 8080, efiBootFile: 'snponly.efi', ports: { server: 67, client: 68 }, broadcastAddress: '255.255.255.255', offerHoldSeconds: 60, declineHoldSeconds: 3600, ...over };
}

export function harness(pol: DhcpPolicy = policy()) {
  const store = Store.open(':memory:');
  const repo = store.dhcp;
  const h = {
    repo,
    now: 1_700_000_000_000,
    policy: pol,
    apply(effects: readonly LeaseEffect[]) {
      for (const e of effects) {
        if (e.kind === 'save') repo.saveLease(e.lease);
        else if (e.kind === 'remove') repo.removeLease(e.mac);
        else repo.decline(e.ip, e.untilMs);
      }
    },
    send(packet: DhcpPacket, o: { via?: 'server' | 'proxy'; from?: { address: string; port: number } } = {}): ReplyPlan | null {
      const plan = planReply({ packet, from: o.from ?? { address: '0.0.0.0', port: 68 }, iface: IFACE, via: o.via ?? 'server' }, { now: h.now, leases: repo }, h.policy);
      if (plan) h.apply(plan.effects);
      return plan;
    },
    close: () => store.close(),
  };
  return h;
}

/** The option as hex, or undefined. */
export const hex = (p: DhcpPacket | null | undefined, code: number): string | undefined => (p ? getOption(p, code)?.toString('hex') : undefined);
/** The option as text, or undefined. */
export const str = (p: DhcpPacket | null | undefined, code: number): string | undefined => (p ? getOption(p, code)?.toString('latin1') : undefined);
export const codes = (p: DhcpPacket | null | undefined): number[] => (p ? p.options.map((o) => o.code) : []);
