import type { Db, NodeEvent } from '../store/index.js';
import { ValidationError } from './errors.js';

// These read node_events and build_events directly: NodeRepo has no "after id" query yet.

interface NodeRaw { id: number; mac: string; at: string; kind: string; detail: string }
interface BuildRaw { id: number; build_id: string; at: string; stage: string; kind: string; detail: string }

/** One entry of the merged node + build feed. */
export interface FeedEntry {
  readonly source: 'node' | 'build';
  readonly id: number;
  readonly at: string;
  readonly kind: string;
  readonly mac: string | null;
  readonly buildId: string | null;
  readonly stage: string | null;
  readonly detail: Record<string, unknown>;
}

const nodeEntry = (r: NodeRaw): FeedEntry => ({ source: 'node', id: r.id, at: r.at, kind: r.kind, mac: r.mac, buildId: null, stage: null, detail: JSON.parse(r.detail) as Record<string, unknown> });
const buildEntry = (r: BuildRaw): FeedEntry => ({ source: 'build', id: r.id, at: r.at, kind: r.kind, mac: null, buildId: r.build_id, stage: r.stage, detail: JSON.parse(r.detail) as Record<string, unknown> });

/** A MAC's events with an id above `after` (oldest first), or its last `limit` when `after` is absent. */
export function nodeEvents(db: Db, mac: string, after: number | undefined, limit: number): NodeEvent[] {
  const rows = (after === undefined
    ? db.prepare('SELECT * FROM (SELECT * FROM node_events WHERE mac = ? ORDER BY id DESC LIMIT ?) ORDER BY id').all(mac, limit)
    : db.prepare('SELECT * FROM node_events WHERE mac = ? AND id > ? ORDER BY id LIMIT ?').all(mac, after, limit)) as NodeRaw[];
  return rows.map((r) => ({ id: r.id, mac: r.mac, at: r.at, kind: r.kind, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}

/** Parses a feed cursor `<node id>.<build id>`; a bad one is a validation error on `after`. */
export function parseCursor(after: string): { node: number; build: number } {
  const m = /^(\d{1,15})\.(\d{1,15})$/.exec(after);
  if (!m) throw ValidationError.of('query', 'after', 'must be a cursor returned by this endpoint (<node id>.<build id>)');
  return { node: Number(m[1]), build: Number(m[2]) };
}

/**
 * Node and build events merged by time. Without a cursor: the latest `limit`. With one:
 * up to `limit` newer events, oldest first. The cursor returned covers exactly what was
 * returned (each table is consumed in id order), so polling never skips or repeats one.
 */
export function eventFeed(db: Db, after: string | undefined, limit: number): { events: FeedEntry[]; cursor: string } {
  if (after === undefined) {
    const nodes = (db.prepare('SELECT * FROM node_events ORDER BY id DESC LIMIT ?').all(limit) as NodeRaw[]).map(nodeEntry);
    const builds = (db.prepare('SELECT * FROM build_events ORDER BY id DESC LIMIT ?').all(limit) as BuildRaw[]).map(buildEntry);
    const events = merge(nodes.reverse(), builds.reverse(), Number.MAX_SAFE_INTEGER).slice(-limit);
    const top = (t: string) => (db.prepare(`SELECT coalesce(max(id), 0) AS id FROM ${t}`).get() as { id: number }).id;
    return { events, cursor: `${top('node_events')}.${top('build_events')}` };
  }
  const c = parseCursor(after);
  const nodes = (db.prepare('SELECT * FROM node_events WHERE id > ? ORDER BY id LIMIT ?').all(c.node, limit) as NodeRaw[]).map(nodeEntry);
  const builds = (db.prepare('SELECT * FROM build_events WHERE id > ? ORDER BY id LIMIT ?').all(c.build, limit) as BuildRaw[]).map(buildEntry);
  const events = merge(nodes, builds, limit);
  const last = (source: FeedEntry['source'], from: number) => events.reduce((m, e) => (e.source === source ? Math.max(m, e.id) : m), from);
  return { events, cursor: `${last('node', c.node)}.${last('build', c.build)}` };
}

/** Two-way merge by time taking a prefix of each list, so a cursor per list stays exact. */
function merge(a: FeedEntry[], b: FeedEntry[], limit: number): FeedEntry[] {
  const out: FeedEntry[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && a[i]!.at <= b[j]!.at)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}
