import type { Logger } from '../log/index.js';
import type { VizorConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { PeerDirectory } from '../boot/peers.js';
import { DhcpServer } from '../boot/dhcp/index.js';
import { TftpServer } from '../boot/tftp/index.js';
import { VizorError } from '../errors.js';
import type { BootInterface } from './interfaces.js';

/** The boot configuration cannot work as given. */
export class BootConfigError extends VizorError {
  readonly code = 'BOOT_CONFIG' as const;
  constructor(message: string) {
    super(message);
  }
}

/** What the boot services need from the server. */
export interface BootServicesContext {
  readonly config: VizorConfig;
  readonly ifaces: readonly BootInterface[];
  readonly httpPort: number;
  readonly filesDir: string;
  readonly store: Store;
  readonly peers: PeerDirectory;
  readonly log: Logger;
}

/**
 * Starts TFTP on every boot interface and DHCP (full or proxy) when configured, and
 * records every step as a node event. Returns the stop functions, newest first.
 */
export async function startBootServices(c: BootServicesContext): Promise<(() => Promise<void>)[]> {
  const stops: (() => Promise<void>)[] = [];
  const { config, store, peers } = c;
  try {
    for (const iface of c.ifaces) {
      const tftp = new TftpServer({
        root: c.filesDir,
        address: iface.address,
        port: config.boot.tftp.port,
        log: c.log.child({ subsystem: 'tftp', interface: iface.name }),
        onEvent: (peer, kind, detail) => {
          const mac = peers.macOf(peer.address);
          if (mac) store.nodes.record(mac, kind, { ...detail, peer: peer.address });
        },
      });
      await tftp.start();
      stops.unshift(() => tftp.stop());
    }
    const d = config.boot.dhcp;
    if (d.mode !== 'off') {
      if (d.mode === 'full' && (!d.poolStart || !d.poolEnd)) throw new BootConfigError('boot.dhcp.mode is full: set boot.dhcp.poolStart and boot.dhcp.poolEnd');
      const dhcp = new DhcpServer({
        mode: d.mode,
        interfaces: c.ifaces,
        pool: d.mode === 'full' ? { start: d.poolStart!, end: d.poolEnd!, router: d.router, dns: d.dns, domain: d.domain, leaseSeconds: d.leaseSeconds } : undefined,
        httpPort: c.httpPort,
        efiBootFile: config.boot.efiBootFile,
        leases: store.dhcp,
        log: c.log.child({ subsystem: 'dhcp' }),
        onEvent: (mac, kind, detail) => {
          peers.learn(detail.ciaddr, mac);
          peers.learn(detail.clientAddress, mac);
          store.nodes.record(mac, kind, detail);
        },
      });
      await dhcp.start();
      stops.unshift(async () => dhcp.stop());
    }
    return stops;
  } catch (err) {
    for (const s of stops) await s().catch(() => undefined);
    throw err;
  }
}
