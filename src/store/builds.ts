import type { Db } from './db.js';
import { now } from './db.js';
import { AlreadyExistsError, NotFoundError } from './errors.js';

/** Whether a build is still going and how it ended. */
export type BuildState = 'running' | 'done' | 'failed' | 'cancelling' | 'cancelled';

/** A build as stored; `spec` is the validated request (see builds/spec.ts), kept as JSON. */
export interface BuildRow {
  readonly id: string;
  readonly hypervisor: string;
  readonly profile: string;
  readonly isoId: number;
  readonly family: 'windows' | 'debian' | 'rhel';
  readonly spec: Record<string, unknown>;
  readonly state: BuildState;
  /** The last stage reached (created, container, booting, installer, ...). */
  readonly stage: string;
  readonly stageStartedAt: string;
  readonly vmId: string | null;
  readonly mac: string | null;
  /** Secret part of the build's answer and callback URLs. */
  readonly token: string;
  readonly templateId: string | null;
  readonly error: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt: string | null;
}

/** One line of a build's log. */
export interface BuildEvent {
  readonly id: number;
  readonly buildId: string;
  readonly at: string;
  readonly stage: string;
  readonly kind: string;
  readonly detail: Record<string, unknown>;
}

interface Raw {
  id: string; hypervisor: string; profile: string; iso_id: number; family: BuildRow['family']; spec: string; state: BuildState;
  stage: string; stage_started_at: string; vm_id: string | null; mac: string | null; token: string; template_id: string | null;
  error: string | null; created_at: string; updated_at: string; finished_at: string | null;
}

const toRow = (r: Raw): BuildRow => ({
  id: r.id, hypervisor: r.hypervisor, profile: r.profile, isoId: r.iso_id, family: r.family, spec: JSON.parse(r.spec) as Record<string, unknown>,
  state: r.state, stage: r.stage, stageStartedAt: r.stage_started_at, vmId: r.vm_id, mac: r.mac, token: r.token, templateId: r.template_id,
  error: r.error, createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
});

/** Builds and their events. Every change is one statement, so a crash never leaves half a transition. */
export class BuildRepo {
  constructor(private readonly db: Db) {}

  add(b: { id: string; hypervisor: string; profile: string; isoId: number; family: BuildRow['family']; spec: Record<string, unknown>; token: string }): BuildRow {
    const at = now();
    try {
      this.db.prepare(`INSERT INTO builds (id, hypervisor, profile, iso_id, family, spec, state, stage, stage_started_at, token, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, 'running', 'created', ?, ?, ?, ?)`).run(b.id, b.hypervisor, b.profile, b.isoId, b.family, JSON.stringify(b.spec), at, b.token, at, at);
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw new AlreadyExistsError('build', b.id);
      throw err;
    }
    this.event(b.id, 'created', 'stage', {});
    return this.get(b.id);
  }

  get(id: string): BuildRow {
    const r = this.db.prepare('SELECT * FROM builds WHERE id = ?').get(id) as Raw | undefined;
    if (!r) throw new NotFoundError('build', id);
    return toRow(r);
  }

  /** The build whose token this is, or null. */
  byToken(token: string): BuildRow | null {
    const r = this.db.prepare('SELECT * FROM builds WHERE token = ?').get(token) as Raw | undefined;
    return r ? toRow(r) : null;
  }

  list(filter: { state?: BuildState[] } = {}): BuildRow[] {
    const states = filter.state ?? [];
    const where = states.length ? `WHERE state IN (${states.map(() => '?').join(', ')})` : '';
    return (this.db.prepare(`SELECT * FROM builds ${where} ORDER BY created_at DESC, id`).all(...states) as Raw[]).map(toRow);
  }

  /** Where the build's current attempt began: its latest `created` stage event (a retry starts a new one). */
  attemptStart(id: string): { readonly eventId: number; readonly at: string } {
    const r = this.db.prepare("SELECT id, at FROM build_events WHERE build_id = ? AND kind = 'stage' AND stage = 'created' ORDER BY id DESC LIMIT 1").get(id) as { id: number; at: string } | undefined;
    return r ? { eventId: r.id, at: r.at } : { eventId: 0, at: this.get(id).createdAt };
  }

  /** Events of one kind after event `afterId`, oldest first, without a cap. */
  eventsOfKind(id: string, kind: string, afterId = 0): BuildEvent[] {
    const rows = this.db.prepare('SELECT * FROM build_events WHERE build_id = ? AND kind = ? AND id > ? ORDER BY id').all(id, kind, afterId) as { id: number; build_id: string; at: string; stage: string; kind: string; detail: string }[];
    return rows.map((r) => ({ id: r.id, buildId: r.build_id, at: r.at, stage: r.stage, kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  /** Records reaching `stage` (and the event), together. */
  setStage(id: string, stage: string, detail: Record<string, unknown> = {}): void {
    const at = now();
    this.db.transaction(() => {
      this.db.prepare('UPDATE builds SET stage = ?, stage_started_at = ?, updated_at = ? WHERE id = ?').run(stage, at, at, id);
      this.event(id, stage, 'stage', detail);
    })();
  }

  /** Sets platform facts learned along the way. */
  setFacts(id: string, f: { vmId?: string | null; mac?: string | null; templateId?: string | null }): void {
    const b = this.get(id);
    this.db.prepare('UPDATE builds SET vm_id = ?, mac = ?, template_id = ?, updated_at = ? WHERE id = ?')
      .run(f.vmId !== undefined ? f.vmId : b.vmId, f.mac !== undefined ? f.mac : b.mac, f.templateId !== undefined ? f.templateId : b.templateId, now(), id);
  }

  /** Moves the build to another state; terminal states set finished_at. */
  setState(id: string, state: BuildState, error: string | null = null): void {
    const at = now();
    const terminal = state === 'done' || state === 'failed' || state === 'cancelled';
    this.db.transaction(() => {
      this.db.prepare('UPDATE builds SET state = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?').run(state, error, at, terminal ? at : null, id);
      this.event(id, this.get(id).stage, 'state', { state, ...(error ? { error } : {}) });
    })();
  }

  /** Appends an event. */
  event(id: string, stage: string, kind: string, detail: Record<string, unknown>): void {
    this.db.prepare('INSERT INTO build_events (build_id, at, stage, kind, detail) VALUES (?, ?, ?, ?, ?)').run(id, now(), stage, kind, JSON.stringify(detail));
  }

  events(id: string, afterId = 0, limit = 1000): BuildEvent[] {
    const rows = this.db.prepare('SELECT * FROM build_events WHERE build_id = ? AND id > ? ORDER BY id LIMIT ?').all(id, afterId, limit) as { id: number; build_id: string; at: string; stage: string; kind: string; detail: string }[];
    return rows.map((r) => ({ id: r.id, buildId: r.build_id, at: r.at, stage: r.stage, kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}

/** A hardware profile ("container" in the original): where and how big build VMs are. */
export interface ProfileRow {
  readonly name: string;
  readonly hypervisor: string;
  readonly spec: Record<string, unknown>;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Profiles table access. */
export class ProfileRepo {
  constructor(private readonly db: Db) {}

  add(p: { name: string; hypervisor: string; spec: Record<string, unknown> }): ProfileRow {
    const at = now();
    try {
      this.db.prepare('INSERT INTO profiles (name, hypervisor, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(p.name, p.hypervisor, JSON.stringify(p.spec), at, at);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new AlreadyExistsError('profile', p.name);
      throw err;
    }
    return this.get(p.name);
  }

  get(name: string): ProfileRow {
    const r = this.db.prepare('SELECT * FROM profiles WHERE name = ?').get(name) as { name: string; hypervisor: string; spec: string; created_at: string; updated_at: string } | undefined;
    if (!r) throw new NotFoundError('profile', name);
    return { name: r.name, hypervisor: r.hypervisor, spec: JSON.parse(r.spec) as Record<string, unknown>, createdAt: r.created_at, updatedAt: r.updated_at };
  }

  list(): ProfileRow[] {
    return (this.db.prepare('SELECT name FROM profiles ORDER BY name').all() as { name: string }[]).map((r) => this.get(r.name));
  }

  remove(name: string): void {
    if (this.db.prepare('DELETE FROM profiles WHERE name = ?').run(name).changes === 0) throw new NotFoundError('profile', name);
  }
}
