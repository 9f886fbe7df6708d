/**
 * A stateful, protocol-level XAPI (XenServer/XCP-ng) fake: JSON-RPC on
 * http://127.0.0.1:<port>/jsonrpc, an in-memory pool, sessions, event.from, Async.* tasks
 * and a scriptable guest model. Start one per test with `startXapiFake()`.
 */
import { Sessions, type FakeContext } from './context.js';
import { XapiDb } from './db.js';
import { Dispatcher, type XapiCall } from './dispatch.js';
import { EventLog } from './events.js';
import { FaultPlan } from './faults.js';
import { Guests, type GuestScript } from './guest.js';
import { seedInventory, type XapiInventory } from './inventory.js';
import { IsoFolders } from './iso-folders.js';
import { buildMethodTable } from './methods/index.js';
import { scanSr } from './methods/storage.js';
import { powerOff } from './methods/vm-common.js';
import type { XapiRecord } from './schema.js';
import { XapiHttpServer } from './server.js';
import { TaskRunner } from './tasks.js';

export type { XapiCall } from './dispatch.js';
export type { GuestScript } from './guest.js';
export type { XapiInventory } from './inventory.js';
export type { XapiRecord, XapiValue } from './schema.js';
export { NULL_REF } from './schema.js';

/** Options of a fake; every one has a default. */
export interface XapiFakeOptions {
  readonly user?: string;
  readonly password?: string;
  /** Delay before an Async.* task runs (ms); default 5. */
  readonly taskDelayMs?: number;
}

/** A running fake and its test hooks. */
export interface XapiFake {
  /** Base URL (http://127.0.0.1:<port>); the JSON-RPC endpoint is `${url}/jsonrpc`. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** Refs of the default inventory. */
  readonly inventory: XapiInventory;
  /** Every call received so far (session removed, login password masked). */
  readonly calls: readonly XapiCall[];
  /** Forgets the calls recorded so far. */
  clearCalls(): void;
  /** The guest script of one VM (ref or uuid). */
  guest(vm: string): GuestScript;
  /** The script of every VM without its own (clones included). */
  defaultGuest(): GuestScript;
  /** Makes mutating calls on an object (ref or uuid) fail with OTHER_OPERATION_IN_PROGRESS `times` times (default: until idle). */
  busy(obj: string, times?: number): void;
  /** Ends a busy period. */
  idle(obj: string): void;
  /** Makes the next `times` (default 1) calls of `method` (without "Async.") fail with `code`. */
  failNext(method: string, code: string, params?: readonly string[], times?: number): void;
  /** Resets the connection of the next `times` (default 1) requests for `method` ("Async." included), before or after it runs. */
  dropConnection(method: string, when?: 'before' | 'after', times?: number): void;
  /** Invalidates every session (the next call gets SESSION_INVALID). */
  expireSessions(): void;
  /** Changes the password logins need from now on. */
  setPassword(password: string): void;
  /** The guest powers a running VM off now. */
  powerOff(vm: string): void;
  /** A copy of the record behind a ref or uuid, or undefined. */
  record(obj: string): XapiRecord | undefined;
  /** The ref behind a uuid (a ref is returned as is). */
  refOf(obj: string): string;
  /** Copies of all records of a class, with their refs. */
  all(cls: string): Array<{ ref: string; record: XapiRecord }>;
  /**
   * Puts an ISO on an ISO SR (ref, uuid or name; default: the ISO library) the way an admin
   * does: a 1 MiB file `name` in the SR's folder (kept if it exists), then SR.scan. Returns
   * the VDI ref.
   */
  addIso(name: string, sr?: string): string;
  /** The storage folder of an ISO SR (ref, uuid or name): what its NFS/CIFS share would hold. */
  srDir(sr: string): string;
  /** Stops the server, wakes blocked calls and cancels timers. */
  close(): Promise<void>;
}

/** Starts a fake with the default inventory on 127.0.0.1 and a free port. */
export async function startXapiFake(opts: XapiFakeOptions = {}): Promise<XapiFake> {
  const user = opts.user ?? 'root';
  let password = opts.password ?? 'xapi-fake-password';
  const events = new EventLog();
  const db = new XapiDb((cls, op, ref, snap) => void events.push(cls, op, ref, snap));
  const inventory = seedInventory(db);
  const isoFolders = new IsoFolders();
  isoFolders.adopt(db);
  const ctx: FakeContext = {
    db,
    events,
    tasks: new TaskRunner(db, () => inventory.host, opts.taskDelayMs ?? 5),
    guests: new Guests(),
    sessions: new Sessions(user, password, events),
    faults: new FaultPlan(),
    isoFolders,
    host: () => inventory.host,
    pool: () => inventory.pool,
  };
  const dispatcher = new Dispatcher(ctx, buildMethodTable());
  const server = new XapiHttpServer(dispatcher, ctx.faults);
  const url = await server.listen();
  const refOf = (obj: string): string => {
    if (obj.startsWith('OpaqueRef:')) return obj;
    for (const cls of ['VM', 'VDI', 'SR', 'network', 'VBD', 'VIF', 'host', 'pool', 'task']) {
      try {
        return db.refByUuidOf(cls, obj);
      } catch {
        // try the next class
      }
    }
    throw new Error(`xapi fake: no object with uuid ${obj}`);
  };
  const isoSrRef = (sr: string): string => {
    const byName = db.all('SR').find(([, r]) => r['name_label'] === sr)?.[0];
    let ref = byName;
    if (!ref) {
      try {
        ref = refOf(sr);
      } catch {
        ref = undefined;
      }
    }
    if (!ref || !isoFolders.dir(ref)) throw new Error(`xapi fake: no ISO SR "${sr}"`);
    return ref;
  };
  const classOf = (ref: string): string => {
    const cls = db.classOf(ref);
    if (!cls) throw new Error(`xapi fake: no object ${ref}`);
    return cls;
  };
  return {
    url,
    user,
    get password() {
      return password;
    },
    inventory,
    get calls() {
      return [...dispatcher.calls];
    },
    clearCalls: () => void dispatcher.calls.splice(0),
    guest: (vm) => ctx.guests.script(refOf(vm)),
    defaultGuest: () => ctx.guests.defaultScript(),
    busy: (obj, times = Infinity) => ctx.faults.busy(classOf(refOf(obj)), refOf(obj), times),
    idle: (obj) => ctx.faults.idle(refOf(obj)),
    failNext: (method, code, params = [], times = 1) => ctx.faults.failNext(method, code, params, times),
    dropConnection: (method, when = 'before', times = 1) => ctx.faults.dropNext(method, times, when),
    expireSessions: () => ctx.sessions.expireAll(),
    setPassword: (pw) => {
      password = pw;
      ctx.sessions.setPassword(pw);
    },
    powerOff: (vm) => powerOff(ctx, refOf(vm)),
    record: (obj) => {
      let ref: string;
      try {
        ref = refOf(obj);
      } catch {
        return undefined;
      }
      const cls = db.classOf(ref);
      const r = cls ? db.find(cls, ref) : undefined;
      return r ? structuredClone(r) : undefined;
    },
    refOf,
    all: (cls) => db.all(cls).map(([ref, record]) => ({ ref, record: structuredClone(record) })),
    addIso: (name, sr = inventory.isoSr) => {
      const ref = isoSrRef(sr);
      isoFolders.putSparse(ref, name, 1024 * 1024);
      scanSr(ctx, ref);
      const hit = db.all('VDI').find(([, v]) => v['SR'] === ref && v['location'] === name);
      if (!hit) throw new Error(`xapi fake: ${name} is not an image name an ISO SR lists (.iso or .img)`);
      return hit[0];
    },
    srDir: (sr) => isoFolders.dir(isoSrRef(sr))!,
    close: async () => {
      ctx.guests.close();
      ctx.tasks.close();
      // Blocked event.from calls answer SESSION_INVALID (as on logout) before the sockets go,
      // so a client that already disconnected parks its event loop instead of retrying.
      ctx.sessions.expireAll();
      events.close();
      await server.close();
      isoFolders.close();
    },
  };
}
