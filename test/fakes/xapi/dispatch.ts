import type { FakeContext, MethodTable } from './context.js';
import { XapiFault } from './faults.js';

/** One call as the fake received it: the method and its parameters without the session. */
export interface XapiCall {
  readonly method: string;
  readonly params: readonly unknown[];
  /** The error code the call answered with (sync errors only; Async.* failures live in the task). */
  error?: string;
}

/**
 * Finds, checks and runs one XAPI call the way a host does: unknown methods first
 * (MESSAGE_METHOD_UNKNOWN), then arity (MESSAGE_PARAMETER_COUNT_MISMATCH, counting the
 * session), then the session (SESSION_INVALID), then injected faults, then the body.
 * `Async.X` returns a task ref at once and runs X inside the task.
 */
export class Dispatcher {
  /** Every call received, in order. */
  readonly calls: XapiCall[] = [];

  constructor(
    private readonly ctx: FakeContext,
    private readonly table: MethodTable,
  ) {}

  /** Runs `method` with positional `params`; throws XapiFault on failure. */
  async call(method: string, params: unknown[]): Promise<unknown> {
    const isAsync = method.startsWith('Async.');
    const name = isAsync ? method.slice('Async.'.length) : method;
    const def = this.table.get(name);
    const withSession = def?.session !== false;
    const record: XapiCall = { method, params: this.visibleParams(name, def ? params.slice(withSession ? 1 : 0) : params) };
    this.calls.push(record);
    try {
      if (!def || (isAsync && !def.async)) throw new XapiFault('MESSAGE_METHOD_UNKNOWN', [method]);
      const expected = def.params + (withSession ? 1 : 0);
      if (params.length < expected || params.length > expected + (def.optional ?? 0)) {
        throw new XapiFault('MESSAGE_PARAMETER_COUNT_MISMATCH', [method, String(expected), String(params.length)]);
      }
      const session = withSession ? params[0] : '';
      if (withSession && !this.ctx.sessions.valid(session)) throw new XapiFault('SESSION_INVALID', [String(session)]);
      const call = { ...this.ctx, session: String(session) };
      const args = params.slice(withSession ? 1 : 0);
      const guarded = (): unknown => {
        const fault = this.ctx.faults.take(name, args);
        if (fault) throw fault;
        return def.run(call, args);
      };
      if (isAsync) return this.ctx.tasks.run(method, guarded);
      return await guarded();
    } catch (err) {
      if (err instanceof XapiFault) record.error = err.code;
      throw err;
    }
  }

  /** Logs a request that never reached a method (its connection was reset first). */
  note(method: string, params: unknown[], error: string): void {
    this.calls.push({ method, params: this.visibleParams(method, params.slice(1)), error });
  }

  /** The password of a login never lands in the call log. */
  private visibleParams(name: string, params: unknown[]): unknown[] {
    const copy = structuredClone(params);
    if (name === 'session.login_with_password' && copy.length > 1) copy[1] = '***';
    return copy;
  }
}
