import type { Db } from './db.js';
import { now } from './db.js';
import { AlreadyExistsError, NotFoundError } from './errors.js';

/** Platforms a hypervisor entry can be. */
export type HypervisorKind = 'xenserver' | 'cloudstack' | 'ovirt' | 'qemu';

/** A configured hypervisor. Its password or secret key lives in the secrets store, named by `secretName`. */
export interface HypervisorRow {
  readonly id: number;
  readonly name: string;
  readonly kind: HypervisorKind;
  /** API endpoint (https://xapi.example/, https://cs/client/api, https://engine/ovirt-engine) or qemu:///<state dir>. */
  readonly url: string;
  /** User name, or CloudStack API key; null for qemu. */
  readonly username: string | null;
  /** Non-secret driver options (zone, cluster, bridge, allowUnauthorized...). */
  readonly options: Readonly<Record<string, string | number | boolean>>;
  readonly secretName: string | null;
  readonly createdAt: string;
}

interface Raw {
  id: number;
  name: string;
  kind: HypervisorKind;
  url: string;
  username: string | null;
  options: string;
  secret_name: string | null;
  created_at: string;
}

const toRow = (r: Raw): HypervisorRow => ({
  id: r.id, name: r.name, kind: r.kind, url: r.url, username: r.username,
  options: JSON.parse(r.options) as Record<string, string | number | boolean>, secretName: r.secret_name, createdAt: r.created_at,
});

/** Hypervisors table access. */
export class HypervisorRepo {
  constructor(private readonly db: Db) {}

  /** Adds a hypervisor; names are unique. */
  add(h: { name: string; kind: HypervisorKind; url: string; username: string | null; options: Record<string, string | number | boolean>; secretName: string | null }): HypervisorRow {
    try {
      this.db
        .prepare('INSERT INTO hypervisors (name, kind, url, username, options, secret_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(h.name, h.kind, h.url, h.username, JSON.stringify(h.options), h.secretName, now());
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AlreadyExistsError('hypervisor', h.name);
      throw err;
    }
    return this.get(h.name);
  }

  /** All hypervisors, by name. */
  list(): HypervisorRow[] {
    return (this.db.prepare('SELECT * FROM hypervisors ORDER BY name').all() as Raw[]).map(toRow);
  }

  /** One hypervisor by name, or NotFoundError. */
  get(name: string): HypervisorRow {
    const r = this.db.prepare('SELECT * FROM hypervisors WHERE name = ?').get(name) as Raw | undefined;
    if (!r) throw new NotFoundError('hypervisor', name);
    return toRow(r);
  }

  /** Removes a hypervisor entry (not its VMs). */
  remove(name: string): void {
    const res = this.db.prepare('DELETE FROM hypervisors WHERE name = ?').run(name);
    if (res.changes === 0) throw new NotFoundError('hypervisor', name);
  }
}
