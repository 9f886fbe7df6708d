import { HvTimeoutError, HypervisorError } from './errors.js';
import type { PlatformKind } from './types.js';

/** How a driver retries transient failures. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Default: 5 tries, 0.5 s doubling to 8 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8000 };

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    const onAbort = (): void => (clearTimeout(t), reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Runs `fn`, retrying while it throws a transient HypervisorError, with exponential backoff. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY, signal?: AbortSignal): Promise<T> {
  let delay = policy.baseDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof HypervisorError) || !err.transient || attempt >= policy.attempts) throw err;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}

/**
 * Polls `probe` every `intervalMs` until it returns a value (not undefined), or throws
 * HvTimeoutError naming `what` after `timeoutMs`.
 */
export async function pollUntil<T>(
  platform: PlatformKind,
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new HvTimeoutError(`${platform}: timed out after ${options.timeoutMs} ms waiting for ${what}`, { platform });
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal);
  }
}
