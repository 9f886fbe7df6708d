/**
 * The fake engine's behaviour shared by all routes: faults with the engine's wording,
 * timed status transitions (the engine's asynchronous jobs), the scripted guest, scripted
 * job failures and the lock rules that make the engine answer 409.
 */
import type { FakeStore, FakeVm } from './store.js';
import type { Xml } from './xml.js';

/** An engine refusal: HTTP status + `<fault><reason/><detail/></fault>`. */
export class Fault extends Error {
  constructor(readonly status: number, readonly reason: string, readonly detail: string) {
    super(`${status} ${reason}: ${detail}`);
  }
}

/** Asynchronous engine jobs a test can make fail. */
export type JobKind = 'vm' | 'disk' | 'template' | 'snapshot';

/** One request as a route sees it. */
export interface FakeRequest {
  readonly method: string;
  /** Path below /ovirt-engine/api, e.g. `/vms/1/start`. */
  readonly path: string;
  readonly params: readonly string[];
  readonly query: URLSearchParams;
  readonly body: Xml | null;
}

/** A route's answer: status (default 200) and an XML root with its value. */
export interface Reply {
  readonly status?: number;
  readonly root?: string;
  readonly body?: unknown;
}

/** A route: method + path pattern whose groups become `params`. */
export interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly handle: (req: FakeRequest) => Reply;
}

/** 404 as the engine words it. */
export function notFound(what: string): Fault {
  return new Fault(404, 'Operation Failed', `Entity not found: ${what}`);
}

/** 409 for an action refused in the current state (`Cannot run VM. VM is running.`). */
export function conflict(action: string, type: string, why: string): Fault {
  return new Fault(409, 'Operation Failed', `[Cannot ${action} ${type}. ${why}]`);
}

/** 409 for a locked object (ACTION_TYPE_FAILED_OBJECT_LOCKED). */
export function locked(action: string, type: string): Fault {
  return new Fault(409, 'Operation Failed', `[Cannot ${action} ${type}: Related operation is currently in progress. Please try again later.]`);
}

/** 400 for a missing mandatory field. */
export function incomplete(type: string, fields: string, op = 'add'): Fault {
  return new Fault(400, 'Incomplete parameters', `${type} [${fields}] required for ${op}`);
}

/** The engine: store + clock + scripted behaviour. */
export class Engine {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly failing = new Map<JobKind, number>();
  private readonly runs = new WeakMap<FakeVm, number>();
  /** Guest halt delays by VM name ('*' for every VM); null = guest runs forever. */
  readonly guestHalt = new Map<string, number>();
  /** Remaining busy answers per VM id. */
  readonly busy = new Map<string, number>();

  private readonly held: (() => void)[] = [];

  /** `stepMs` 'manual': jobs wait for settle(), so a test can see every intermediate state. */
  constructor(readonly store: FakeStore, readonly stepMs: number | 'manual') {}

  /** Runs `fn` after `ms` (an engine job finishing); cancelled on close. */
  later(ms: number, fn: () => void): void {
    if (this.stepMs === 'manual') {
      this.held.push(fn);
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Runs `fn` after one job step. */
  step(fn: () => void): void {
    this.later(this.stepMs === 'manual' ? 0 : this.stepMs, fn);
  }

  /** Manual mode: finishes the jobs pending now (not those they start); returns how many ran. */
  settle(): number {
    const now = this.held.splice(0);
    for (const fn of now) fn();
    return now.length;
  }

  /** Makes the next `times` jobs of a kind fail. */
  failNext(kind: JobKind, times = 1): void {
    this.failing.set(kind, (this.failing.get(kind) ?? 0) + times);
  }

  /** Whether this job fails (consumes one scripted failure). */
  jobFails(kind: JobKind): boolean {
    const n = this.failing.get(kind) ?? 0;
    if (n > 0) this.failing.set(kind, n - 1);
    return n > 0;
  }

  /** A VM by id, or the engine's 404. */
  vm(id: string): FakeVm {
    const vm = this.store.vms.get(id);
    if (!vm) throw notFound(id);
    return vm;
  }

  /** Refuses a change to a VM that a job holds (image_locked, snapshot in progress, busy hook). */
  assertUnlocked(vm: FakeVm, action: string): void {
    const busy = this.busy.get(vm.id) ?? 0;
    if (busy > 0) {
      this.busy.set(vm.id, busy - 1);
      throw locked(action, 'VM');
    }
    if (vm.status === 'image_locked') throw new Fault(409, 'Operation Failed', `[Cannot ${action} VM: VM is locked. Please try again in a few minutes.]`);
    if (vm.snapshots.some((s) => s.status === 'locked')) {
      throw new Fault(409, 'Operation Failed', `[Cannot ${action} VM: Snapshot is currently being created for VM ${vm.name}.]`);
    }
  }

  /** A VM reached `up`: the scripted guest may power itself off later. */
  guestStarted(vm: FakeVm): void {
    const ms = this.guestHalt.get(vm.name) ?? this.guestHalt.get('*');
    if (ms === undefined) return;
    const run = (this.runs.get(vm) ?? 0) + 1;
    this.runs.set(vm, run);
    this.later(ms, () => {
      // Only this run of this VM, still up (nobody stopped and restarted it meanwhile).
      if (this.runs.get(vm) === run && this.store.vms.get(vm.id) === vm && vm.status === 'up') vm.status = 'down';
    });
  }

  /** Cancels every pending transition. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.length = 0;
  }
}
