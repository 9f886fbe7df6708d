import type { Db } from './db.js';
import { now } from './db.js';
import { AlreadyExistsError, NotFoundError } from './errors.js';

/** What a node boots into. `default` follows the configured default for unknown machines. */
export type NodeTask =
  | { readonly kind: 'default' }
  | { readonly kind: 'local' }
  | { readonly kind: 'menu' }
  | { readonly kind: 'register' }
  | { readonly kind: 'script'; readonly script: string }
  | { readonly kind: string; readonly [key: string]: unknown };

/** A machine vizor knows by MAC address. */
export interface NodeRow {
  readonly mac: string;
  readonly name: string | null;
  readonly uuid: string | null;
  readonly task: NodeTask;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastSeenAt: string | null;
}

/** One step of a node's boot, as seen by vizor's servers. */
export interface NodeEvent {
  readonly id: number;
  readonly mac: string;
  readonly at: string;
  readonly kind: string;
  readonly detail: Record<string, unknown>;
}

interface Raw {
  mac: string;
  name: string | null;
  uuid: string | null;
  task: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
}
const toRow = (r: Raw): NodeRow => ({ mac: r.mac, name: r.name, uuid: r.uuid, task: JSON.parse(r.task) as NodeTask, createdAt: r.created_at, updatedAt: r.updated_at, lastSeenAt: r.last_seen_at });

/** Normalises a MAC address to lower-case colon form, or returns null when it is not one. */
export function normaliseMac(input: string): string | null {
  const hex = input.trim().toLowerCase().replace(/[-:.]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** The node registry and its boot events. */
export class NodeRepo {
  constructor(private readonly db: Db) {}

  /** Registers a node. */
  add(n: { mac: string; name?: string | null; uuid?: string | null; task?: NodeTask }): NodeRow {
    const t = now();
    try {
      this.db.prepare('INSERT INTO nodes (mac, name, uuid, task, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(n.mac, n.name ?? null, n.uuid ?? null, JSON.stringify(n.task ?? { kind: 'default' }), t, t);
    } catch (err) {
      if (String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT')) throw new AlreadyExistsError('node', n.name && this.find(n.mac) === null ? n.name : n.mac);
      throw err;
    }
    return this.get(n.mac);
  }

  /** A node by MAC, or null. */
  find(mac: string): NodeRow | null {
    const r = this.db.prepare('SELECT * FROM nodes WHERE mac = ?').get(mac) as Raw | undefined;
    return r ? toRow(r) : null;
  }

  /** A node by MAC or name, or NotFoundError. */
  get(ref: string): NodeRow {
    const r = this.db.prepare('SELECT * FROM nodes WHERE mac = ? OR name = ?').get(normaliseMac(ref) ?? ref, ref) as Raw | undefined;
    if (!r) throw new NotFoundError('node', ref);
    return toRow(r);
  }

  /** All nodes, by name then MAC. */
  list(): NodeRow[] {
    return (this.db.prepare('SELECT * FROM nodes ORDER BY name IS NULL, name, mac').all() as Raw[]).map(toRow);
  }

  /** Sets what a node boots into next. */
  setTask(ref: string, task: NodeTask): NodeRow {
    const node = this.get(ref);
    this.db.prepare('UPDATE nodes SET task = ?, updated_at = ? WHERE mac = ?').run(JSON.stringify(task), now(), node.mac);
    return this.get(node.mac);
  }

  /** Removes a node and its events. */
  remove(ref: string): void {
    const node = this.get(ref);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM node_events WHERE mac = ?').run(node.mac);
      this.db.prepare('DELETE FROM nodes WHERE mac = ?').run(node.mac);
    }).immediate();
  }

  /** Records a boot step for a MAC (known node or not) and marks the node seen. */
  record(mac: string, kind: string, detail: Record<string, unknown> = {}): void {
    const t = now();
    this.db.prepare('INSERT INTO node_events (mac, at, kind, detail) VALUES (?, ?, ?, ?)').run(mac, t, kind, JSON.stringify(detail));
    this.db.prepare('UPDATE nodes SET last_seen_at = ? WHERE mac = ?').run(t, mac);
  }

  /** Nodes whose task carries `token` (answer and callback URLs): an indexed lookup, not a scan of every node. */
  withTaskToken(token: string): NodeRow[] {
    return (this.db.prepare("SELECT * FROM nodes WHERE json_extract(task, '$.token') = ?").all(token) as Raw[]).map(toRow);
  }

  /** A MAC's events of some kinds recorded at or after `since` (an ISO time), oldest first. */
  eventsSince(mac: string, since: string, kinds: readonly string[]): NodeEvent[] {
    const rows = this.db
      .prepare(`SELECT * FROM node_events WHERE mac = ? AND at >= ? AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY id`)
      .all(mac, since, ...kinds) as { id: number; mac: string; at: string; kind: string; detail: string }[];
    return rows.map((r) => ({ id: r.id, mac: r.mac, at: r.at, kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }

  /** A MAC's events, oldest first (the last `limit`). */
  events(mac: string, limit = 200): NodeEvent[] {
    const rows = this.db.prepare('SELECT * FROM (SELECT * FROM node_events WHERE mac = ? ORDER BY id DESC LIMIT ?) ORDER BY id').all(mac, limit) as { id: number; mac: string; at: string; kind: string; detail: string }[];
    return rows.map((r) => ({ id: r.id, mac: r.mac, at: r.at, kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
