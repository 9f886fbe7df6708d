import type { Db } from './db.js';
import { now } from './db.js';

/** Where one room VM's rollout stands. */
export interface RoomVmRow {
  readonly room: string;
  readonly name: string;
  readonly hypervisor: string;
  readonly platformId: string | null;
  readonly mac: string | null;
  readonly runId: string;
  /** The last rollout step finished (cloned, payload, booted, specialized, finished). */
  readonly step: string;
  readonly state: 'pending' | 'working' | 'done' | 'failed';
  readonly error: string | null;
  readonly detail: Record<string, unknown>;
  readonly updatedAt: string;
}

type Raw = { room: string; name: string; hypervisor: string; platform_id: string | null; mac: string | null; run_id: string; step: string; state: RoomVmRow['state']; error: string | null; detail: string; updated_at: string };
const toRow = (r: Raw): RoomVmRow => ({ room: r.room, name: r.name, hypervisor: r.hypervisor, platformId: r.platform_id, mac: r.mac, runId: r.run_id, step: r.step, state: r.state, error: r.error, detail: JSON.parse(r.detail) as Record<string, unknown>, updatedAt: r.updated_at });

/** A room's lock holder. */
export interface RoomLock {
  readonly room: string;
  readonly holder: string;
  readonly pid: number;
  readonly command: string;
  readonly acquiredAt: string;
}

/** Per-VM rollout state of rooms, and the room locks. */
export class RoomRepo {
  constructor(private readonly db: Db) {}

  vms(room: string): RoomVmRow[] {
    return (this.db.prepare('SELECT * FROM room_vms WHERE room = ? ORDER BY name').all(room) as Raw[]).map(toRow);
  }

  vm(room: string, name: string): RoomVmRow | null {
    const r = this.db.prepare('SELECT * FROM room_vms WHERE room = ? AND name = ?').get(room, name) as Raw | undefined;
    return r ? toRow(r) : null;
  }

  /** Creates or updates one VM's row; `detail` keys are merged into the stored ones. */
  put(v: { room: string; name: string; hypervisor: string; platformId?: string | null; mac?: string | null; runId: string; step: string; state: RoomVmRow['state']; error?: string | null; detail?: Record<string, unknown> }): RoomVmRow {
    const old = this.vm(v.room, v.name);
    this.db.prepare(`INSERT INTO room_vms (room, name, hypervisor, platform_id, mac, run_id, step, state, error, detail, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (room, name) DO UPDATE SET hypervisor = excluded.hypervisor, platform_id = excluded.platform_id, mac = excluded.mac, run_id = excluded.run_id,
        step = excluded.step, state = excluded.state, error = excluded.error, detail = excluded.detail, updated_at = excluded.updated_at`)
      .run(v.room, v.name, v.hypervisor, v.platformId !== undefined ? v.platformId : old?.platformId ?? null, v.mac !== undefined ? v.mac : old?.mac ?? null,
        // Merged with what is stored: another process (the guest's report) may have added keys; undefined removes one.
        v.runId, v.step, v.state, v.error ?? null, JSON.stringify({ ...(old?.detail ?? {}), ...(v.detail ?? {}) }), now());
    return this.vm(v.room, v.name)!;
  }

  /** The VM whose current payload carries `token` (for its first-boot report), or null. */
  byToken(token: string): RoomVmRow | null {
    const r = this.db.prepare("SELECT * FROM room_vms WHERE json_extract(detail, '$.token') = ?").get(token) as Raw | undefined;
    return r ? toRow(r) : null;
  }

  remove(room: string, name: string): void {
    this.db.prepare('DELETE FROM room_vms WHERE room = ? AND name = ?').run(room, name);
  }

  /**
   * Takes the room's lock. A lock whose process is gone (vizor killed) is taken over;
   * one held by a live process is refused and returned.
   */
  lock(room: string, holder: string, command: string, alive: (pid: number) => boolean): RoomLock | null {
    return this.db.transaction(() => {
      const cur = this.db.prepare('SELECT room, holder, pid, command, acquired_at AS acquiredAt FROM room_locks WHERE room = ?').get(room) as RoomLock | undefined;
      if (cur && cur.holder !== holder && alive(cur.pid)) return cur;
      this.db.prepare('INSERT INTO room_locks (room, holder, pid, command, acquired_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (room) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, command = excluded.command, acquired_at = excluded.acquired_at')
        .run(room, holder, process.pid, command, now());
      return null;
    })();
  }

  unlock(room: string, holder: string): void {
    this.db.prepare('DELETE FROM room_locks WHERE room = ? AND holder = ?').run(room, holder);
  }
}
