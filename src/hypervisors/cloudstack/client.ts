/**
 * A signed CloudStack API client: one POST (or GET) per command to `/client/api`, JSON
 * responses unwrapped from `<command>response`, errors mapped to hypervisor errors,
 * transient failures retried, and async commands followed through queryAsyncJobResult.
 */
import { HvRequestError, HypervisorError } from '../errors.js';
import { DEFAULT_RETRY, pollUntil, withRetry, type RetryPolicy } from '../retry.js';
import { apiError, jobError, transportError, type CsFailure } from './errors.js';
import { signedParams, type CsParams } from './sign.js';

/** How the client talks to a management server. */
export interface CsClientOptions {
  /** The API endpoint, e.g. `https://cloud.example.com/client/api`. */
  readonly url: string;
  readonly apiKey: string;
  readonly secretKey: string;
  readonly retry?: RetryPolicy;
  /** Between queryAsyncJobResult polls (default 2000 ms). */
  readonly pollIntervalMs?: number;
  /** Longest wait for one async job (default 30 min). */
  readonly jobTimeoutMs?: number;
  /** Longest wait for one HTTP answer (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** POST (default: long user data fits, and enforce.post.requests.and.timestamps is satisfied) or GET. */
  readonly method?: 'GET' | 'POST';
  /** Signs with signatureVersion=3 and a 10-minute `expires` (default true). */
  readonly expiringSignatures?: boolean;
}

/** A JSON object as CloudStack returns it. */
export type CsObject = Record<string, unknown>;

/** An error that must not be retried again by an outer retry loop. */
class Final {
  constructor(readonly error: unknown) {}
}

const READ_ONLY = /^(list|query|get)/;
/** Job failures that mean "busy, nothing done": the only async failures sent again. */
const busyJobs = new WeakSet<object>();
const EXPIRES_IN_MS = 10 * 60_000;

/** The signed CloudStack API client. */
export class CsClient {
  private readonly retry: RetryPolicy;
  private readonly endpoint: string;

  constructor(private readonly o: CsClientOptions) {
    this.retry = o.retry ?? DEFAULT_RETRY;
    this.endpoint = new URL(o.url).host;
  }

  /** Sends one command (retrying transient failures) and returns the body inside `<command>response`. */
  async call(command: string, params: CsParams = {}): Promise<CsObject> {
    try {
      return await withRetry(() => this.once(command, params), this.retry);
    } catch (err) {
      throw err instanceof Final ? err.error : err;
    }
  }

  /**
   * Sends an async command and waits for its job: returns `{id, result}` where `id` is the
   * created object's id (create commands) and `result` the job's jobresult. A job that
   * failed because the object was busy is sent again with backoff.
   */
  async callAsync(command: string, params: CsParams = {}, timeoutMs?: number): Promise<{ id: string | undefined; result: CsObject }> {
    try {
      return await withRetry(async () => {
        let submitted: CsObject;
        try {
          submitted = await this.call(command, params);
        } catch (err) {
          throw new Final(err);
        }
        const jobId = String(submitted.jobid ?? '');
        if (!jobId) throw new Final(new HvRequestError(`cloudstack ${command}: no jobid in the answer`, { platform: 'cloudstack' }));
        // only a job that failed as busy is sent again; a failed poll must not re-submit the command
        const result = await this.waitJob(command, jobId, timeoutMs).catch((err: unknown) => {
          throw busyJobs.has(err as object) ? err : new Final(err);
        });
        return { id: typeof submitted.id === 'string' ? submitted.id : undefined, result };
      }, this.retry);
    } catch (err) {
      throw err instanceof Final ? err.error : err;
    }
  }

  /** Polls queryAsyncJobResult until the job ends; its jobresult on success. */
  async waitJob(command: string, jobId: string, timeoutMs = this.o.jobTimeoutMs ?? 30 * 60_000): Promise<CsObject> {
    const done = await pollUntil('cloudstack', `${command} job ${jobId}`, async () => {
      const r = await this.call('queryAsyncJobResult', { jobid: jobId });
      return Number(r.jobstatus) === 0 ? undefined : r;
    }, { timeoutMs, intervalMs: this.o.pollIntervalMs ?? 2000 });
    const result = (done.jobresult ?? {}) as CsObject;
    if (Number(done.jobstatus) === 1) return result;
    const error = jobError(command, jobId, Number(done.jobresultcode) || undefined, result as CsFailure);
    if (error.transient) busyJobs.add(error);
    throw error;
  }

  private async once(command: string, params: CsParams): Promise<CsObject> {
    const all = signedParams(command, params, {
      apiKey: this.o.apiKey,
      secretKey: this.o.secretKey,
      ...(this.o.expiringSignatures === false ? {} : { expiresInMs: EXPIRES_IN_MS }),
    });
    const form = new URLSearchParams(all).toString();
    const post = (this.o.method ?? 'POST') === 'POST';
    let res: Response;
    let text: string;
    try {
      res = await fetch(post ? this.o.url : `${this.o.url}?${form}`, {
        method: post ? 'POST' : 'GET',
        headers: { accept: 'application/json', ...(post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: post ? form : undefined,
        signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 60_000),
      });
      text = await res.text();
    } catch (err) {
      const { error, maybeSent } = transportError(command, this.endpoint, err);
      if (maybeSent && !READ_ONLY.test(command)) throw new Final(error);
      throw error;
    }
    let json: CsObject | null = null;
    try {
      json = JSON.parse(text) as CsObject;
    } catch {
      json = null;
    }
    const key = `${command.toLowerCase()}response`;
    const body = (json?.[key] ?? Object.values(json ?? {})[0]) as CsObject | undefined;
    if (res.status !== 200) {
      const failure: CsFailure = body && typeof body === 'object' ? (body as CsFailure) : { errortext: `HTTP ${res.status} ${res.statusText}` };
      const error = apiError(command, res.status, failure);
      // a gateway error may hide a request the server acted on: a mutating command is not sent twice
      if (!READ_ONLY.test(command) && (res.status === 502 || res.status === 504)) throw new Final(error);
      throw error;
    }
    if (!body || typeof body !== 'object') {
      throw new HvRequestError(`cloudstack ${command}: the answer is not CloudStack JSON`, { platform: 'cloudstack', platformMessage: text.slice(0, 200) });
    }
    return body;
  }
}

/** True for errors a caller can treat as "already gone". */
export const isNotFound = (err: unknown): boolean => err instanceof HypervisorError && err.code === 'HV_NOT_FOUND';
