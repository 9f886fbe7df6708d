import type { LeaseEffect, LeaseReader, LeaseRecord, LeaseStore, ReservationRecord } from './policy.js';

/**
 * The lease store as the server reads it: leases in memory (loaded at start, written through),
 * reservations re-read once per request, declines read from the store. Scanning a pool is then
 * map lookups, not a query per address. The server must be the only writer of leases while it runs.
 */
export class LeaseCache implements LeaseReader {
  private readonly byMac = new Map<string, LeaseRecord>();
  private readonly byIp = new Map<string, LeaseRecord>();
  private resByMac = new Map<string, ReservationRecord>();
  private resByIp = new Map<string, ReservationRecord>();

  constructor(private readonly store: LeaseStore) {
    this.reload();
  }

  /** Re-reads every lease and reservation from the store. */
  reload(): void {
    this.byMac.clear();
    this.byIp.clear();
    for (const l of this.store.leases()) this.remember(l);
    this.refreshReservations();
  }

  /** Re-reads reservations (they change through the API while the server runs). */
  refreshReservations(): void {
    const rs = this.store.reservations();
    this.resByMac = new Map(rs.map((r) => [r.mac, r]));
    this.resByIp = new Map(rs.map((r) => [r.ip, r]));
  }

  /** The lease of a MAC, offered or bound, or null. */
  lease(mac: string): LeaseRecord | null {
    return this.byMac.get(mac) ?? null;
  }

  /** The lease holding an address, or null. */
  leaseByIp(ip: string): LeaseRecord | null {
    return this.byIp.get(ip) ?? null;
  }

  /** The reservation of a MAC, or null. */
  reservation(mac: string): ReservationRecord | null {
    return this.resByMac.get(mac) ?? null;
  }

  /** The reservation holding an address, or null. */
  reservationByIp(ip: string): ReservationRecord | null {
    return this.resByIp.get(ip) ?? null;
  }

  /** True while a declined address is held out of the pool (read from the store). */
  isDeclined(ip: string, nowMs: number): boolean {
    return this.store.isDeclined(ip, nowMs);
  }

  /** Writes a plan's lease changes to the store, then to memory. */
  apply(effects: readonly LeaseEffect[]): void {
    for (const e of effects) {
      if (e.kind === 'save') {
        this.store.saveLease(e.lease);
        this.forget(e.lease.mac);
        const other = this.byIp.get(e.lease.ip);
        if (other) this.forget(other.mac);
        this.remember(e.lease);
      } else if (e.kind === 'remove') {
        this.store.removeLease(e.mac);
        this.forget(e.mac);
      } else {
        this.store.decline(e.ip, e.untilMs);
      }
    }
  }

  private remember(l: LeaseRecord): void {
    this.byMac.set(l.mac, l);
    this.byIp.set(l.ip, l);
  }

  private forget(mac: string): void {
    const l = this.byMac.get(mac);
    if (!l) return;
    this.byMac.delete(mac);
    if (this.byIp.get(l.ip)?.mac === mac) this.byIp.delete(l.ip);
  }
}
