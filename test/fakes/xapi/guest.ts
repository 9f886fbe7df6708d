/**
 * The scriptable guest model: what the operating system inside a fake VM does once the
 * VM runs. A test says e.g. "this VM powers itself off 200 ms after each start" (an
 * unattended install finishing) or "this guest has no PV drivers" (clean shutdown fails).
 */

/** What one guest (or every guest without its own script) does. */
interface GuestBehaviour {
  haltAfterMs: number | undefined;
  pvDrivers: boolean;
}

/** Fluent script for one guest; every call returns the script. */
export interface GuestScript {
  /** After each start, the guest powers the VM off by itself `ms` later. */
  haltAfter(ms: number): GuestScript;
  /** The guest never powers off by itself (the default). */
  staysUp(): GuestScript;
  /** No PV drivers: VM.clean_shutdown fails with VM_MISSING_PV_DRIVERS. */
  withoutPvDrivers(): GuestScript;
  /** Back to the default behaviour. */
  clear(): GuestScript;
}

const defaults = (): GuestBehaviour => ({ haltAfterMs: undefined, pvDrivers: true });

/** Guest scripts per VM ref, a default script, and the timers of running guests. */
export class Guests {
  private readonly perVm = new Map<string, GuestBehaviour>();
  private readonly fallback = defaults();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** The script of one VM (by ref). */
  script(ref: string): GuestScript {
    let b = this.perVm.get(ref);
    if (!b) {
      b = { ...this.fallback };
      this.perVm.set(ref, b);
    }
    return this.wrap(b, () => this.perVm.delete(ref));
  }

  /** The script every VM without its own follows (e.g. every clone of a room). */
  defaultScript(): GuestScript {
    return this.wrap(this.fallback, () => Object.assign(this.fallback, defaults()));
  }

  /** True when the guest answers clean shutdown requests. */
  hasPvDrivers(ref: string): boolean {
    return (this.perVm.get(ref) ?? this.fallback).pvDrivers;
  }

  /** The VM just started: schedule what its guest does; `powerOff` halts it. */
  started(ref: string, powerOff: () => void): void {
    this.stopped(ref);
    const ms = (this.perVm.get(ref) ?? this.fallback).haltAfterMs;
    if (ms === undefined) return;
    const t = setTimeout(() => {
      this.timers.delete(ref);
      powerOff();
    }, ms);
    this.timers.set(ref, t);
  }

  /** The VM stopped (or vanished): cancel whatever its guest was about to do. */
  stopped(ref: string): void {
    const t = this.timers.get(ref);
    if (t) clearTimeout(t);
    this.timers.delete(ref);
  }

  /** Cancels every pending guest action. */
  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private wrap(b: GuestBehaviour, reset: () => void): GuestScript {
    const script: GuestScript = {
      haltAfter: (ms) => ((b.haltAfterMs = ms), script),
      staysUp: () => ((b.haltAfterMs = undefined), script),
      withoutPvDrivers: () => ((b.pvDrivers = false), script),
      clear: () => (reset(), Object.assign(b, defaults()), script),
    };
    return script;
  }
}
