/**
 * What every oVirt driver operation shares: the client, defaults, and the polling that
 * stands in for the engine's asynchronous jobs (status `image_locked`/`locked` → final).
 */
import { HvJobFailedError, HvNotFoundError } from '../errors.js';
import { pollUntil } from '../retry.js';
import type { OvirtClient } from './client.js';
import { child, text, type XmlNode } from './xml.js';

/** Shared state of one OvirtDriver. */
export interface OvirtContext {
  readonly client: OvirtClient;
  /** Cluster used when a placement names none. */
  readonly defaultCluster: string;
  readonly pollIntervalMs: number;
  /** How long engine jobs (create, copy, snapshot, remove) may take. */
  readonly jobTimeoutMs: number;
}

/** GETs `path` and returns its `root` element, or null when the engine answers 404. */
export async function getOrNull(ctx: OvirtContext, path: string, root: string, query?: Record<string, string>): Promise<XmlNode | null> {
  try {
    return child(await ctx.client.get(path, query), root) ?? {};
  } catch (err) {
    if (err instanceof HvNotFoundError) return null;
    throw err;
  }
}

/**
 * Polls an entity until its `field` (e.g. `status`, `snapshot_status`) leaves the locked
 * states. The engine reports a failed job by deleting the half-made object or marking it
 * `illegal`, so both end in HvJobFailedError.
 */
export async function waitSettled(
  ctx: OvirtContext,
  what: string,
  path: string,
  root: string,
  field: string,
  locked: readonly string[],
  timeoutMs = ctx.jobTimeoutMs,
): Promise<XmlNode> {
  return pollUntil(
    'ovirt',
    what,
    async () => {
      const node = await getOrNull(ctx, path, root);
      if (node === null) throw new HvJobFailedError(`ovirt: ${what} failed: ${path} disappeared (the engine rolled the job back)`, { platform: 'ovirt', platformCode: 'removed' });
      const status = text(node, field) ?? '';
      if (status === 'illegal') throw new HvJobFailedError(`ovirt: ${what} failed: ${path} is illegal`, { platform: 'ovirt', platformCode: 'illegal' });
      return locked.includes(status) ? undefined : node;
    },
    { timeoutMs, intervalMs: ctx.pollIntervalMs },
  );
}

/** Polls until `path` answers 404 (removal is asynchronous in the engine). */
export async function waitGone(ctx: OvirtContext, what: string, path: string, root: string): Promise<void> {
  await pollUntil('ovirt', what, async () => ((await getOrNull(ctx, path, root)) === null ? true : undefined), {
    timeoutMs: ctx.jobTimeoutMs,
    intervalMs: ctx.pollIntervalMs,
  });
}

/** Runs a mutation that may answer 404 for an object that is already gone. */
export async function ignoreNotFound(fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (err instanceof HvNotFoundError) return false;
    throw err;
  }
}
