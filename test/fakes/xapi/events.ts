import type { ChangeKind } from './db.js';
import { XapiFault } from './faults.js';
import { xapiDate, type XapiRecord } from './schema.js';

/** One XAPI event as event.from returns it. */
export interface XapiEvent {
  readonly id: number;
  readonly timestamp: string;
  /** Lower-case class name, as XAPI sends it. */
  readonly class: string;
  readonly operation: ChangeKind;
  readonly ref: string;
  readonly snapshot: XapiRecord;
}

/** Why a blocked event.from woke up. */
type WakeReason = 'event' | 'timeout' | 'session' | 'closed';

interface Waiter {
  readonly session: string;
  readonly wake: (reason: WakeReason) => void;
}

/** Oldest events are dropped past this many; a token older than that gets EVENTS_LOST. */
const MAX_EVENTS = 20000;

/** Tokens are the last event id, zero-padded like XAPI's decimal generation counters. */
const formatToken = (id: number): string => String(id).padStart(20, '0');

/**
 * The event log behind event.inject / event.from: every database change appended with a
 * growing id, and blocked readers woken when something new arrives or their session ends.
 */
export class EventLog {
  private events: XapiEvent[] = [];
  private lastId = 0;
  private readonly waiters = new Set<Waiter>();
  private closed = false;

  /** Appends an event and wakes every blocked reader. */
  push(cls: string, operation: ChangeKind, ref: string, snapshot: XapiRecord): string {
    const ev: XapiEvent = { id: ++this.lastId, timestamp: xapiDate(), class: cls.toLowerCase(), operation, ref, snapshot };
    this.events.push(ev);
    if (this.events.length > MAX_EVENTS) this.events = this.events.slice(-MAX_EVENTS / 2);
    for (const w of this.waiters) w.wake('event');
    return formatToken(ev.id);
  }

  /** The token that names "everything so far". */
  token(): string {
    return formatToken(this.lastId);
  }

  /** Events after `token` whose class is wanted ('*' wants all); EVENTS_LOST if the log moved past it. */
  since(token: string, wanted: ReadonlySet<string>): XapiEvent[] {
    if (!/^\d+$/.test(token)) throw new XapiFault('EVENT_FROM_TOKEN_PARSE_FAILURE', [token]);
    const from = Number(token);
    const first = this.events[0];
    if (first && from < first.id - 1) throw new XapiFault('EVENTS_LOST', []);
    return this.events.filter((e) => e.id > from && (wanted.has('*') || wanted.has(e.class)));
  }

  /** Blocks until a new event, the timeout, the end of `session` or close; says which. */
  wait(session: string, timeoutMs: number): Promise<WakeReason> {
    if (this.closed) return Promise.resolve('closed');
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timeout'), Math.max(0, timeoutMs));
      const waiter: Waiter = { session, wake: (r) => done(r) };
      const done = (reason: WakeReason): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(reason);
      };
      this.waiters.add(waiter);
    });
  }

  /** Wakes readers of ended sessions (all sessions when `session` is undefined). */
  endSessions(session?: string): void {
    for (const w of [...this.waiters]) if (session === undefined || w.session === session) w.wake('session');
  }

  /** Wakes everyone for good; later waits return at once. */
  close(): void {
    this.closed = true;
    for (const w of [...this.waiters]) w.wake('closed');
  }
}
