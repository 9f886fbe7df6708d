import { newRef, type XapiDb } from './db.js';
import type { EventLog } from './events.js';
import { XapiFault, type FaultPlan } from './faults.js';
import type { Guests } from './guest.js';
import type { IsoFolders } from './iso-folders.js';
import type { TaskRunner } from './tasks.js';

/** Live sessions and the one account the fake accepts. */
export class Sessions {
  private readonly live = new Map<string, string>();

  constructor(
    private readonly user: string,
    private password: string,
    private readonly events: EventLog,
  ) {}

  /** session.login_with_password: a new session ref, or SESSION_AUTHENTICATION_FAILED. */
  login(user: unknown, password: unknown): string {
    if (user !== this.user || password !== this.password) {
      throw new XapiFault('SESSION_AUTHENTICATION_FAILED', [String(user), 'Authentication failure']);
    }
    const ref = newRef();
    this.live.set(ref, String(user));
    return ref;
  }

  /** session.logout: ends the session and wakes its blocked event.from calls. */
  logout(ref: string): void {
    this.live.delete(ref);
    this.events.endSessions(ref);
  }

  /** True when `ref` is a live session. */
  valid(ref: unknown): boolean {
    return typeof ref === 'string' && this.live.has(ref);
  }

  /** Ends every session, as a host restart or session timeout does. */
  expireAll(): void {
    this.live.clear();
    this.events.endSessions();
  }

  /** Changes the accepted password (existing sessions stay valid). */
  setPassword(password: string): void {
    this.password = password;
  }
}

/** Everything a method implementation can reach. */
export interface FakeContext {
  readonly db: XapiDb;
  readonly events: EventLog;
  readonly tasks: TaskRunner;
  readonly guests: Guests;
  readonly sessions: Sessions;
  readonly faults: FaultPlan;
  /** The folders behind the ISO SRs (what SR.scan reads). */
  readonly isoFolders: IsoFolders;
  /** Ref of the (only) host. */
  readonly host: () => string;
  /** Ref of the pool. */
  readonly pool: () => string;
}

/** The context of one call: the fake plus the caller's session ('' for session-less methods). */
export interface CallContext extends FakeContext {
  readonly session: string;
}

/** One XAPI method: its arity after the session, whether it has an Async. variant, and its body. */
export interface MethodDef {
  /** Required parameters after the session. */
  readonly params: number;
  /** Extra trailing parameters that may be left out. */
  readonly optional?: number;
  /** False for the few methods called without a session. */
  readonly session?: boolean;
  /** True when `Async.<name>` exists and runs as a task. */
  readonly async?: boolean;
  readonly run: (ctx: CallContext, args: unknown[]) => unknown;
}

/** Method implementations by full name ("VM.start"). */
export type MethodTable = Map<string, MethodDef>;
