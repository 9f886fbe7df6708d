/**
 * Maps client IP addresses to MACs so TFTP and HTTP requests, which carry no MAC, can be
 * recorded on the right node. Full mode knows this from its leases; in proxy mode the
 * addresses come from another DHCP server, so DHCP packets that show a client address
 * (ciaddr, or a yiaddr we offered) teach it here.
 */
export class PeerDirectory {
  private readonly learned = new Map<string, string>();

  constructor(private readonly leaseMac: (ip: string) => string | null, private readonly max = 4096) {}

  /** Remembers that `ip` belongs to `mac`. */
  learn(ip: unknown, mac: string): void {
    if (typeof ip !== 'string' || ip === '0.0.0.0' || !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return;
    this.learned.delete(ip);
    this.learned.set(ip, mac);
    if (this.learned.size > this.max) this.learned.delete(this.learned.keys().next().value as string);
  }

  /** The MAC behind an address, or null. */
  macOf(ip: string): string | null {
    const plain = ip.replace(/^::ffff:/, '');
    return this.leaseMac(plain) ?? this.learned.get(plain) ?? null;
  }
}
