import type { Logger } from '../../log/index.js';
import { dhcpTypeLabel, sharedMetrics, type DhcpMetrics, type DhcpOutcome } from '../../metrics/index.js';
import { LeaseCache } from './cache.js';
import { clientMac, decodeDhcp, encodeDhcp } from './codec.js';
import { validateServerOptions } from './config.js';
import { DhcpDecodeError } from './errors.js';
import { intToIp, ipToInt } from './ip.js';
import { messageType, vendorClass } from './options.js';
import { planReply } from './plan.js';
import type { DhcpInterface, DhcpPolicy, LeaseStore, PoolConfig, ReplyPlan } from './policy.js';
import { openDgramSocket, type DhcpSocket, type SocketFactory } from './sockets.js';
import { MessageType } from './types.js';

/** Receives one boot event per DHCP step; kinds are dhcp-discover ... dhcp-inform, proxy-offer, proxy-ack. */
export type DhcpEventSink = (mac: string, kind: string, detail: Record<string, unknown>) => void;

/** Options of a DhcpServer. */
export interface DhcpServerOptions {
  readonly mode: 'full' | 'proxy';
  readonly interfaces: readonly DhcpInterface[];
  readonly pool?: PoolConfig;
  readonly httpPort: number;
  readonly efiBootFile: 'snponly.efi' | 'ipxe.efi';
  /** Where leases persist; DhcpRepo (Store.dhcp) satisfies it. */
  readonly leases: LeaseStore;
  readonly onEvent?: DhcpEventSink;
  readonly log: Logger;
  /** UDP ports: server 67, client 68, proxy 4011 (PXE boot server). */
  readonly ports?: { readonly server?: number; readonly client?: number; readonly proxy?: number };
  /** Opens sockets; default: real UDP sockets. */
  readonly socketFactory?: SocketFactory;
  /** Bind with SO_BINDTODEVICE (default true); false binds only the interface address (loopback tests). */
  readonly bindDevice?: boolean;
  /** Destination of broadcast replies; default 255.255.255.255. */
  readonly broadcastAddress?: string;
  /** Epoch milliseconds; default Date.now. */
  readonly clock?: () => number;
  /** Counters and latency; default the shared instruments behind /metrics. */
  readonly metrics?: DhcpMetrics;
}

const RECEIVED: Record<number, string> = {
  [MessageType.Discover]: 'dhcp-discover',
  [MessageType.Request]: 'dhcp-request',
  [MessageType.Decline]: 'dhcp-decline',
  [MessageType.Release]: 'dhcp-release',
  [MessageType.Inform]: 'dhcp-inform',
};
const SENT: Record<ReplyPlan['kind'], string | null> = { offer: 'dhcp-offer', ack: 'dhcp-ack', nak: 'dhcp-nak', 'proxy-offer': 'proxy-offer', 'proxy-ack': 'proxy-ack', none: null };
const OUTCOME: Record<ReplyPlan['kind'], DhcpOutcome> = { offer: 'offered', ack: 'acked', nak: 'nak', 'proxy-offer': 'offered', 'proxy-ack': 'acked', none: 'ignored' };

/** vizor's DHCPv4 server: full (addresses + boot) or proxyDHCP (boot only), on the given interfaces only. */
export class DhcpServer {
  private readonly policy: DhcpPolicy;
  private readonly factory: SocketFactory;
  private readonly clock: () => number;
  private readonly metrics: DhcpMetrics;
  private cache: LeaseCache | null = null;
  private scanFrom: string | undefined;
  private reservationsReadAt = -Infinity;
  private sockets: DhcpSocket[] = [];
  private bound: { interface: string; role: 'server' | 'proxy'; port: number }[] = [];

  constructor(private readonly o: DhcpServerOptions) {
    validateServerOptions(o);
    this.policy = {
      mode: o.mode,
      pool: o.pool ?? null,
      httpPort: o.httpPort,
      efiBootFile: o.efiBootFile,
      ports: { server: o.ports?.server ?? 67, client: o.ports?.client ?? 68 },
      broadcastAddress: o.broadcastAddress ?? '255.255.255.255',
      offerHoldSeconds: 60,
      declineHoldSeconds: 3600,
    };
    this.factory = o.socketFactory ?? openDgramSocket;
    this.clock = o.clock ?? Date.now;
    this.metrics = o.metrics ?? sharedMetrics.dhcp;
  }

  /** Loads leases and opens every socket; on a failure closes what it opened and throws DhcpSocketError. */
  async start(): Promise<void> {
    if (this.sockets.length) return;
    this.cache = new LeaseCache(this.o.leases);
    const bindDevice = this.o.bindDevice ?? true;
    try {
      for (const iface of this.o.interfaces) {
        await this.open({ iface, role: 'server', port: this.policy.ports.server, bindDevice });
        if (this.o.mode === 'proxy') await this.open({ iface, role: 'proxy', port: this.o.ports?.proxy ?? 4011, bindDevice });
      }
    } catch (err) {
      this.stop();
      throw err;
    }
    this.o.log.info({ mode: this.o.mode, interfaces: this.o.interfaces.map((i) => i.name) }, 'dhcp: serving');
  }

  /** The ports actually bound (useful with port 0 in tests). */
  boundPorts(): { interface: string; role: 'server' | 'proxy'; port: number }[] {
    return [...this.bound];
  }

  /** Closes every socket. */
  stop(): void {
    this.bound = [];
    for (const s of this.sockets.splice(0)) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }

  private async open(spec: Parameters<SocketFactory>[0]): Promise<void> {
    const sock = await this.factory(spec);
    this.sockets.push(sock);
    this.bound.push({ interface: spec.iface.name, role: spec.role, port: sock.address().port });
    const via = spec.role;
    sock.on('message', (msg, rinfo) => this.receive(sock, msg, { address: rinfo.address, port: rinfo.port }, spec.iface, via));
    sock.on('error', (err) => {
      this.o.log.error({ err, interface: spec.iface.name, port: spec.port }, 'dhcp: socket failed; stopping');
      this.stop();
    });
  }

  /** Handles one datagram; never throws (bad packets and store failures are logged). */
  private receive(sock: DhcpSocket, msg: Buffer, from: { address: string; port: number }, iface: DhcpInterface, via: 'server' | 'proxy'): void {
    const started = performance.now();
    let outcome: DhcpOutcome;
    try {
      outcome = this.handle(sock, msg, from, iface, via);
    } catch (err) {
      const peer = `${from.address}:${from.port}`;
      outcome = err instanceof DhcpDecodeError ? 'malformed' : 'error';
      if (err instanceof DhcpDecodeError) {
        this.metrics.received.inc({ type: 'malformed' });
        this.o.log.debug({ peer, interface: iface.name, reason: err.message }, 'dhcp: dropped bad packet');
      } else this.o.log.error({ err, peer, interface: iface.name }, 'dhcp: failed to handle a packet');
    }
    this.metrics.outcomes.inc({ outcome });
    this.metrics.handling.observe({ outcome }, (performance.now() - started) / 1000);
  }

  private handle(sock: DhcpSocket, msg: Buffer, from: { address: string; port: number }, iface: DhcpInterface, via: 'server' | 'proxy'): DhcpOutcome {
    const packet = decodeDhcp(msg);
    const mac = clientMac(packet);
    const type = messageType(packet);
    this.metrics.received.inc({ type: dhcpTypeLabel(type) });
    const cache = this.cache!;
    const now = this.clock();
    // Reservations change through the API; re-read them at most once a second, not per packet.
    if (now - this.reservationsReadAt >= 1000 || now < this.reservationsReadAt) {
      cache.refreshReservations();
      this.reservationsReadAt = now;
    }
    if (this.o.mode === 'full' && type !== null && RECEIVED[type]) {
      this.emit(mac, RECEIVED[type]!, { interface: iface.name, xid: packet.xid, vendorClass: vendorClass(packet), ciaddr: packet.ciaddr, giaddr: packet.giaddr });
    }
    const plan = planReply({ packet, from, iface, via }, { now, leases: cache, scanFrom: this.scanFrom }, this.policy);
    if (!plan) {
      this.o.log.debug({ mac, type, interface: iface.name, via }, 'dhcp: no answer');
      return 'ignored';
    }
    cache.apply(plan.effects);
    if (plan.kind === 'offer' && plan.reply) this.scanFrom = intToIp((ipToInt(plan.reply.yiaddr) + 1) >>> 0);
    const kind = SENT[plan.kind];
    if (!plan.reply || !plan.to) return 'ignored';
    const to = plan.to;
    const sentType = dhcpTypeLabel(messageType(plan.reply));
    sock.send(encodeDhcp(plan.reply), to.port, to.address, (err) => {
      if (err) this.o.log.warn({ err, mac, to }, 'dhcp: send failed');
      else this.metrics.sent.inc({ type: sentType });
    });
    this.o.log.debug({ mac, kind: plan.kind, to, ...plan.detail }, 'dhcp: reply');
    if (kind) this.emit(mac, kind, { interface: iface.name, ...plan.detail });
    return OUTCOME[plan.kind];
  }

  private emit(mac: string, kind: string, detail: Record<string, unknown>): void {
    try {
      this.o.onEvent?.(mac, kind, detail);
    } catch (err) {
      this.o.log.warn({ err, mac, kind }, 'dhcp: event sink failed');
    }
  }
}
