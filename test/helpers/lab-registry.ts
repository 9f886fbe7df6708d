// Bookkeeping that keeps labs from leaking: a record per lab under /run/vizor-lab (owner pid
// and its start time, temp dir), synchronous teardown on exit/SIGINT/SIGTERM/SIGHUP, and
// cleanupStaleLabs() for namespaces left behind by runs that were SIGKILLed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from './lab-process.js';

/** Lab namespaces are named `${LAB_PREFIX}<8 hex digits>`. */
export const LAB_PREFIX = 'vz-';
const STATE_DIR = '/run/vizor-lab';
const NETNS_DIR = '/run/netns';
/** A namespace with our prefix but no record is someone's half-created or half-deleted lab after this long. */
const UNRECORDED_GRACE_MS = 2 * 60_000;

/** What is stored about a lab so a later run can tell whether it is abandoned. */
export interface LabRecord {
  name: string;
  ownerPid: number;
  /** Start time of the owner (field 22 of /proc/<pid>/stat), so a recycled pid does not count as alive. */
  ownerStart: string;
  created: number;
  dir: string;
}

/** A lab of this process, torn down synchronously if the process exits before destroy(). */
export interface LiveLab {
  name: string;
  dir: string;
  processGroups(): number[];
}

const live = new Map<string, LiveLab>();
let handlersInstalled = false;

function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** A record for a new lab owned by this process. */
export function newRecord(name: string, dir: string): LabRecord {
  return { name, ownerPid: process.pid, ownerStart: procStart(process.pid) ?? '', created: Date.now(), dir };
}

export function writeRecord(rec: LabRecord): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(join(STATE_DIR, `${rec.name}.json`), JSON.stringify(rec));
}

function readRecord(name: string): LabRecord | null {
  try {
    return JSON.parse(readFileSync(join(STATE_DIR, `${name}.json`), 'utf8')) as LabRecord;
  } catch {
    return null;
  }
}

function ownerAlive(rec: LabRecord): boolean {
  const start = procStart(rec.ownerPid);
  return start !== null && start === rec.ownerStart;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Kills what runs in the namespace, deletes it (its bridges and taps go with it), removes
 * the temp dir and the record. Synchronous so it can run in an 'exit' handler.
 */
export function teardownSync(name: string, dir: string | undefined, groups: number[] = []): void {
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
  for (const pid of pids.split(/\s+/).filter(Boolean)) signalGroup(Number(pid), 'SIGKILL');
  if (listDir(NETNS_DIR).includes(name)) spawnSync('ip', ['netns', 'del', name]);
  if (dir) rmSync(dir, { recursive: true, force: true });
  rmSync(join(STATE_DIR, `${name}.json`), { force: true });
}

function teardownAllSync(): void {
  for (const l of live.values()) teardownSync(l.name, l.dir, l.processGroups());
  live.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  teardownAllSync();
  process.removeListener(sig, onSignal);
  // re-raise so the default action (or the test runner's own handler) still ends the process
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

/** Tracks a lab of this process for teardown at exit. */
export function registerLive(lab: LiveLab): void {
  if (!handlersInstalled) {
    handlersInstalled = true;
    process.on('exit', teardownAllSync);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  }
  live.set(lab.name, lab);
}

export function unregisterLive(name: string): void {
  live.delete(name);
}

/**
 * Removes `vz-*` namespaces (with their processes, temp dirs and records) whose owner process
 * is dead, that are older than maxAgeMs (default 2 h), or that have no record and are older
 * than two minutes. Labs of this process are never touched. Returns the names removed.
 */
export function cleanupStaleLabs(opts: { maxAgeMs?: number } = {}): string[] {
  const maxAge = opts.maxAgeMs ?? 2 * 3600_000;
  const now = Date.now();
  const names = new Set([
    ...listDir(NETNS_DIR).filter((n) => n.startsWith(LAB_PREFIX)),
    ...listDir(STATE_DIR)
      .filter((f) => f.startsWith(LAB_PREFIX) && f.endsWith('.json'))
      .map((f) => f.slice(0, -5)),
  ]);
  const removed: string[] = [];
  for (const name of names) {
    if (live.has(name)) continue;
    const rec = readRecord(name);
    let stale: boolean;
    if (rec) stale = !ownerAlive(rec) || now - rec.created > maxAge;
    else {
      let mtime = now;
      try {
        mtime = statSync(join(NETNS_DIR, name)).mtimeMs;
      } catch {
        // vanished meanwhile
      }
      stale = now - mtime > UNRECORDED_GRACE_MS;
    }
    if (!stale) continue;
    teardownSync(name, rec?.dir);
    removed.push(name);
  }
  return removed;
}
