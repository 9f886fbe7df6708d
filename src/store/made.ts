import type { Db } from './db.js';
import { now } from './db.js';
import { NotFoundError } from './errors.js';

/** A template vizor made (from a build) on a platform. */
export interface TemplateRow {
  readonly id: number;
  readonly name: string;
  readonly hypervisor: string;
  readonly platformId: string;
  readonly buildId: string | null;
  readonly isoId: number | null;
  /** Source edition and values it was built with (no secrets). */
  readonly source: Record<string, unknown>;
  readonly published: boolean;
  readonly state: 'present' | 'missing' | 'deleted';
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A VM a build or a room created. */
export interface InstanceRow {
  readonly id: number;
  readonly name: string;
  readonly hypervisor: string;
  readonly platformId: string;
  readonly role: 'build' | 'room';
  readonly owner: string;
  readonly source: Record<string, unknown>;
  readonly state: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

type TRaw = { id: number; name: string; hypervisor: string; platform_id: string; build_id: string | null; iso_id: number | null; source: string; published: number; state: TemplateRow['state']; created_at: string; updated_at: string };
type IRaw = { id: number; name: string; hypervisor: string; platform_id: string; role: 'build' | 'room'; owner: string; source: string; state: string; created_at: string; updated_at: string };

const tRow = (r: TRaw): TemplateRow => ({ id: r.id, name: r.name, hypervisor: r.hypervisor, platformId: r.platform_id, buildId: r.build_id, isoId: r.iso_id, source: JSON.parse(r.source) as Record<string, unknown>, published: r.published === 1, state: r.state, createdAt: r.created_at, updatedAt: r.updated_at });
const iRow = (r: IRaw): InstanceRow => ({ id: r.id, name: r.name, hypervisor: r.hypervisor, platformId: r.platform_id, role: r.role, owner: r.owner, source: JSON.parse(r.source) as Record<string, unknown>, state: r.state, createdAt: r.created_at, updatedAt: r.updated_at });

/** Templates vizor made. */
export class TemplateRepo {
  constructor(private readonly db: Db) {}

  /** Records a template; the same platform object recorded twice is one row (resumed builds). */
  upsert(t: { name: string; hypervisor: string; platformId: string; buildId: string | null; isoId: number | null; source: Record<string, unknown>; published?: boolean }): TemplateRow {
    const at = now();
    this.db.prepare(`INSERT INTO templates (name, hypervisor, platform_id, build_id, iso_id, source, published, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (hypervisor, platform_id) DO UPDATE SET name = excluded.name, state = 'present', updated_at = excluded.updated_at`)
      .run(t.name, t.hypervisor, t.platformId, t.buildId, t.isoId, JSON.stringify(t.source), t.published ? 1 : 0, at, at);
    return this.byPlatform(t.hypervisor, t.platformId)!;
  }

  byPlatform(hypervisor: string, platformId: string): TemplateRow | null {
    const r = this.db.prepare('SELECT * FROM templates WHERE hypervisor = ? AND platform_id = ?').get(hypervisor, platformId) as TRaw | undefined;
    return r ? tRow(r) : null;
  }

  /** By numeric id, or by name when unique. */
  get(ref: string): TemplateRow {
    const r = (/^\d+$/.test(ref) ? this.db.prepare("SELECT * FROM templates WHERE id = ? AND state != 'deleted'").get(Number(ref)) : undefined) as TRaw | undefined;
    if (r) return tRow(r);
    const named = this.db.prepare("SELECT * FROM templates WHERE name = ? AND state != 'deleted'").all(ref) as TRaw[];
    if (named.length !== 1) throw new NotFoundError('template', named.length > 1 ? `${ref} (several have that name: use the id)` : ref);
    return tRow(named[0]!);
  }

  list(includeDeleted = false): TemplateRow[] {
    return (this.db.prepare(`SELECT * FROM templates ${includeDeleted ? '' : "WHERE state != 'deleted'"} ORDER BY created_at, id`).all() as TRaw[]).map(tRow);
  }

  setPublished(id: number, published: boolean): void {
    this.db.prepare('UPDATE templates SET published = ?, updated_at = ? WHERE id = ?').run(published ? 1 : 0, now(), id);
  }

  setState(id: number, state: TemplateRow['state']): void {
    this.db.prepare('UPDATE templates SET state = ?, updated_at = ? WHERE id = ?').run(state, now(), id);
  }
}

/** VMs builds and rooms created. */
export class InstanceRepo {
  constructor(private readonly db: Db) {}

  upsert(i: { name: string; hypervisor: string; platformId: string; role: 'build' | 'room'; owner: string; source: Record<string, unknown>; state: string }): InstanceRow {
    const at = now();
    this.db.prepare(`INSERT INTO instances (name, hypervisor, platform_id, role, owner, source, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (hypervisor, platform_id) DO UPDATE SET name = excluded.name, state = excluded.state, updated_at = excluded.updated_at`)
      .run(i.name, i.hypervisor, i.platformId, i.role, i.owner, JSON.stringify(i.source), i.state, at, at);
    return this.byPlatform(i.hypervisor, i.platformId)!;
  }

  byPlatform(hypervisor: string, platformId: string): InstanceRow | null {
    const r = this.db.prepare('SELECT * FROM instances WHERE hypervisor = ? AND platform_id = ?').get(hypervisor, platformId) as IRaw | undefined;
    return r ? iRow(r) : null;
  }

  get(id: number): InstanceRow {
    const r = this.db.prepare('SELECT * FROM instances WHERE id = ?').get(id) as IRaw | undefined;
    if (!r) throw new NotFoundError('instance', String(id));
    return iRow(r);
  }

  list(filter: { owner?: string; role?: 'build' | 'room' } = {}): InstanceRow[] {
    return (this.db.prepare('SELECT * FROM instances ORDER BY created_at, id').all() as IRaw[]).map(iRow)
      .filter((i) => (!filter.owner || i.owner === filter.owner) && (!filter.role || i.role === filter.role));
  }

  setState(hypervisor: string, platformId: string, state: string): void {
    this.db.prepare('UPDATE instances SET state = ?, updated_at = ? WHERE hypervisor = ? AND platform_id = ?').run(state, now(), hypervisor, platformId);
  }
}
