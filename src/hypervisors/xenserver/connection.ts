import { createClient, type Xapi, type XapiObject } from 'xen-api';
import { HvAuthError, HvTimeoutError, HypervisorError } from '../errors.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import type { Logger } from '../../log/index.js';
import { isAmbiguousNetworkCode, mapXapiError } from './errors.js';

/** What a connection needs: where, who, and how patient to be. */
export interface ConnectionOptions {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly allowUnauthorized: boolean;
  readonly retry: RetryPolicy;
  readonly taskTimeoutMs: number;
  readonly eventDebounceMs: number;
  readonly eventRetryDelayMs: number;
  readonly logger: Logger | undefined;
}

/** Methods that create something: after a reset connection we cannot know if they ran, so no blind retry. */
const CREATES = /\.(clone|copy|snapshot|create)$/;

/** Wraps a HypervisorError so withRetry hands it back without retrying. */
class NoRetry {
  constructor(readonly error: HypervisorError) {}
}

/**
 * One session with a pool through the real `xen-api` client: connects lazily, follows
 * `task` and `VM` events (callAsync needs the task cache), maps every failure to the
 * driver's typed errors and retries transient ones (busy objects, dropped connections,
 * a session being renewed) with backoff. xen-api itself re-logs in once on SESSION_INVALID.
 */
export class XapiConnection {
  private client: Xapi | undefined;
  private ready: Promise<Xapi> | undefined;

  constructor(private readonly opts: ConnectionOptions) {}

  /** The connected client, logging in on first use (and again after close or an auth failure). */
  async xapi(): Promise<Xapi> {
    if (this.client?.status === 'disconnected') this.ready = undefined;
    this.ready ??= this.open().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /** A synchronous XAPI call (`VM.get_record`, `VBD.create`, ...), session added by the client. */
  async call<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.retrying(method, false, (xapi) => xapi.call<T>(method, ...args));
  }

  /** An Async.* call followed to the end of its task; the task result, decoded. */
  async callAsync<T>(method: string, ...args: unknown[]): Promise<T> {
    return this.retrying(method, true, async (xapi) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new HvTimeoutError(`xenserver: ${method} task still running after ${this.opts.taskTimeoutMs} ms`, { platform: 'xenserver' })),
          this.opts.taskTimeoutMs,
        );
      });
      const task = xapi.callAsync<T>(method, ...args);
      task.catch(() => undefined); // still followed by the race; this only stops an unhandled rejection after a timeout
      try {
        return await Promise.race([task, timeout]);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /** The cached record of a watched object (VM, task), kept current by events; a hint, not the truth. */
  cached(ref: string): XapiObject | undefined {
    return this.client?.getObjectByRef(ref, undefined);
  }

  /** The pool record read at login. */
  async pool(): Promise<XapiObject> {
    return this.retrying('pool.get_all_records', false, async (xapi) => {
      if (!xapi.pool) throw new Error('no pool record after login');
      return xapi.pool;
    });
  }

  /** Logs out; the next call logs in again. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.ready = undefined;
    if (client) await client.disconnect();
  }

  private async open(): Promise<Xapi> {
    if (!this.client) {
      this.client = createClient({
        url: this.opts.url,
        auth: { user: this.opts.user, password: this.opts.password },
        allowUnauthorized: this.opts.allowUnauthorized,
        watchEvents: ['task', 'VM'],
        debounce: this.opts.eventDebounceMs,
        eventPollDelay: this.opts.eventRetryDelayMs,
      });
    }
    const client = this.client;
    try {
      await client.connect();
    } catch (err) {
      // Retried (when transient) by the caller's retrying(), like any call.
      throw mapXapiError(err, { method: 'session.login_with_password', fromTask: false });
    }
    await client.objectsFetched;
    this.opts.logger?.debug({ url: this.opts.url, user: this.opts.user }, 'xenserver: connected');
    return client;
  }

  /**
   * The client asserted it had no session: it is logging in again after SESSION_INVALID.
   * Wait (up to 1 s) for that login; if none comes (its re-login failed and left it
   * without a session), drop the client so the next attempt logs in afresh.
   */
  private async sessionRenewed(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const renewed = await new Promise<boolean>((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        client.off('sessionId', onLogin);
        resolve(ok);
      };
      const onLogin = (): void => done(true);
      const timer = setTimeout(() => done(false), 1000);
      client.once('sessionId', onLogin);
    });
    if (!renewed && this.client === client) await this.close();
  }

  /** Runs `run` on the connected client, mapping failures and retrying the transient ones. */
  private async retrying<T>(method: string, fromTask: boolean, run: (xapi: Xapi) => Promise<T>): Promise<T> {
    try {
      return await withRetry(async () => {
        let sent = false;
        try {
          const xapi = await this.xapi();
          sent = true;
          return await run(xapi);
        } catch (err) {
          const mapped = mapXapiError(err, { method, fromTask });
          if (mapped instanceof HvAuthError) await this.close();
          if (mapped.platformCode === 'ERR_ASSERTION') await this.sessionRenewed();
          if (mapped.transient) this.opts.logger?.debug({ method, code: mapped.platformCode }, 'xenserver: transient failure');
          // A create whose connection broke mid-call may have happened: surface it instead of doubling it.
          if (sent && isAmbiguousNetworkCode(mapped.platformCode) && CREATES.test(method)) throw new NoRetry(mapped);
          throw mapped;
        }
      }, this.opts.retry);
    } catch (err) {
      throw err instanceof NoRetry ? err.error : err;
    }
  }
}
