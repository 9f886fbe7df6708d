import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';
import { now } from './db.js';
import { AlreadyExistsError, NotFoundError } from './errors.js';

/** A DHCP lease. Times are epoch milliseconds. */
export interface DhcpLease {
  readonly mac: string;
  readonly ip: string;
  readonly hostname: string | null;
  readonly state: 'offered' | 'bound' | 'released';
  readonly expiresAt: number;
}

/** A fixed address for a MAC (set by hand or by a room). */
export interface DhcpReservation {
  readonly mac: string;
  readonly ip: string;
  readonly hostname: string | null;
  readonly owner: string;
}

interface RawLease {
  mac: string;
  ip: string;
  hostname: string | null;
  state: DhcpLease['state'];
  expires_at: string;
}
const toLease = (r: RawLease): DhcpLease => ({ mac: r.mac, ip: r.ip, hostname: r.hostname, state: r.state, expiresAt: Date.parse(r.expires_at) });

/** Leases, declined addresses and reservations, persisted so a restart honours them. */
export class DhcpRepo {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  /** Prepared once per SQL text: the DHCP server calls these on every packet. */
  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** The lease of a MAC, or null. */
  lease(mac: string): DhcpLease | null {
    const r = this.stmt('SELECT * FROM dhcp_leases WHERE mac = ?').get(mac) as RawLease | undefined;
    return r ? toLease(r) : null;
  }

  /** The lease holding an address, or null. */
  leaseByIp(ip: string): DhcpLease | null {
    const r = this.stmt('SELECT * FROM dhcp_leases WHERE ip = ?').get(ip) as RawLease | undefined;
    return r ? toLease(r) : null;
  }

  /** All leases. */
  leases(): DhcpLease[] {
    return (this.stmt('SELECT * FROM dhcp_leases ORDER BY ip').all() as RawLease[]).map(toLease);
  }

  /** Stores a lease; any other lease on the same address is dropped in the same transaction. */
  saveLease(l: DhcpLease): void {
    this.db.transaction(() => {
      this.stmt('DELETE FROM dhcp_leases WHERE ip = ? AND mac != ?').run(l.ip, l.mac);
      this
        .stmt(`INSERT INTO dhcp_leases (mac, ip, hostname, state, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
          ON CONFLICT (mac) DO UPDATE SET ip = excluded.ip, hostname = excluded.hostname, state = excluded.state, expires_at = excluded.expires_at, updated_at = excluded.updated_at`)
        .run(l.mac, l.ip, l.hostname, l.state, new Date(l.expiresAt).toISOString(), now());
    }).immediate();
  }

  /** Forgets a MAC's lease. */
  removeLease(mac: string): void {
    this.stmt('DELETE FROM dhcp_leases WHERE mac = ?').run(mac);
  }

  /** Marks an address declined (in use by someone else) until `untilMs`. */
  decline(ip: string, untilMs: number): void {
    this.stmt('INSERT INTO dhcp_declined (ip, until) VALUES (?, ?) ON CONFLICT (ip) DO UPDATE SET until = excluded.until').run(ip, new Date(untilMs).toISOString());
  }

  /** True when an address was declined and the hold has not expired. */
  isDeclined(ip: string, nowMs: number): boolean {
    const r = this.stmt('SELECT until FROM dhcp_declined WHERE ip = ?').get(ip) as { until: string } | undefined;
    return r !== undefined && Date.parse(r.until) > nowMs;
  }

  /** The reservation of a MAC, or null. */
  reservation(mac: string): DhcpReservation | null {
    return (this.stmt('SELECT mac, ip, hostname, owner FROM dhcp_reservations WHERE mac = ?').get(mac) as DhcpReservation | undefined) ?? null;
  }

  /** The reservation holding an address, or null. */
  reservationByIp(ip: string): DhcpReservation | null {
    return (this.stmt('SELECT mac, ip, hostname, owner FROM dhcp_reservations WHERE ip = ?').get(ip) as DhcpReservation | undefined) ?? null;
  }

  /** All reservations. */
  reservations(): DhcpReservation[] {
    return this.stmt('SELECT mac, ip, hostname, owner FROM dhcp_reservations ORDER BY ip').all() as DhcpReservation[];
  }

  /** Adds a reservation; MAC and address must both be free. */
  reserve(r: DhcpReservation): void {
    try {
      this.stmt('INSERT INTO dhcp_reservations (mac, ip, hostname, owner) VALUES (?, ?, ?, ?)').run(r.mac, r.ip, r.hostname, r.owner);
    } catch (err) {
      if (String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT')) throw new AlreadyExistsError('reservation', `${r.mac} / ${r.ip}`);
      throw err;
    }
  }

  /** Removes a reservation. */
  unreserve(mac: string): void {
    if (this.stmt('DELETE FROM dhcp_reservations WHERE mac = ?').run(mac).changes === 0) throw new NotFoundError('reservation', mac);
  }
}
