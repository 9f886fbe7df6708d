/**
 * XAPI failures as a host raises them (`code` + string params, e.g. HANDLE_INVALID(VM,
 * OpaqueRef:…)), and the test hooks that inject failures: busy objects and scripted
 * one-off errors.
 */

/** A XAPI error: sent as a JSON-RPC error or stored in a failed task's error_info. */
export class XapiFault extends Error {
  constructor(
    readonly code: string,
    readonly params: readonly string[] = [],
  ) {
    super(`${code}(${params.join(', ')})`);
  }
}

/** HANDLE_INVALID(class, ref): the reference names no live object. */
export const handleInvalid = (cls: string, ref: string): XapiFault => new XapiFault('HANDLE_INVALID', [cls, ref]);

/** VM_BAD_POWER_STATE(vm, expected, actual), states in lower case as XAPI sends them. */
export const badPowerState = (vm: string, expected: string, actual: string): XapiFault =>
  new XapiFault('VM_BAD_POWER_STATE', [vm, expected.toLowerCase(), actual.toLowerCase()]);

/** A scripted failure waiting for its method. */
interface PlannedFailure {
  readonly code: string;
  readonly params: readonly string[];
  remaining: number;
}

/** Injected failures: busy objects (OTHER_OPERATION_IN_PROGRESS), one-off errors per method, reset connections. */
export class FaultPlan {
  private readonly busyRefs = new Map<string, { cls: string; remaining: number }>();
  private readonly planned = new Map<string, PlannedFailure[]>();
  private readonly drops = new Map<string, { when: 'before' | 'after'; remaining: number }>();

  /** Makes `times` mutating calls on `ref` fail as busy (Infinity: until `idle`). */
  busy(cls: string, ref: string, times: number): void {
    this.busyRefs.set(ref, { cls, remaining: times });
  }

  /** Ends a busy period early. */
  idle(ref: string): void {
    this.busyRefs.delete(ref);
  }

  /** Makes the next `times` calls of `method` (name without "Async.") fail with `code`. */
  failNext(method: string, code: string, params: readonly string[], times: number): void {
    const list = this.planned.get(method) ?? [];
    list.push({ code, params, remaining: times });
    this.planned.set(method, list);
  }

  /**
   * Makes the next `times` requests for `method` (full name, "Async." included) lose their
   * connection: 'before' the host runs them, or 'after' (the call ran, its reply is lost).
   */
  dropNext(method: string, times: number, when: 'before' | 'after'): void {
    this.drops.set(method, { when, remaining: times });
  }

  /** Whether this request's connection is to be reset, and when; consumes one use. */
  takeDrop(method: string): 'before' | 'after' | undefined {
    const d = this.drops.get(method);
    if (!d) return undefined;
    if (--d.remaining <= 0) this.drops.delete(method);
    return d.when;
  }

  /**
   * The fault a call of `method` with `args` (session removed) meets, if any; consumes one
   * use. Reads never meet a busy object, as on a real host where only operations lock.
   */
  take(method: string, args: readonly unknown[]): XapiFault | undefined {
    const list = this.planned.get(method);
    const next = list?.[0];
    if (list && next) {
      if (--next.remaining <= 0) list.shift();
      return new XapiFault(next.code, next.params);
    }
    const op = method.slice(method.indexOf('.') + 1);
    if (op.startsWith('get_') || typeof args[0] !== 'string') return undefined;
    const busy = this.busyRefs.get(args[0]);
    if (!busy) return undefined;
    if (--busy.remaining <= 0) this.busyRefs.delete(args[0]);
    return new XapiFault('OTHER_OPERATION_IN_PROGRESS', [busy.cls, args[0]]);
  }
}
