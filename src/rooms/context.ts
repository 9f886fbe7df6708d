import type { Logger } from '../log/index.js';
import type { HypervisorDriver, VmInfo } from '../hypervisors/index.js';
import type { Store } from '../store/index.js';
import type { SecretLookup } from './payload.js';

/** What room operations need. */
export interface RoomContext {
  readonly store: Store;
  readonly driver: (hypervisor: string) => Promise<HypervisorDriver>;
  readonly secret: SecretLookup;
  /** Folder for payload images (private). */
  readonly payloadDir: string;
  /** Base of vizor's HTTP address as VMs reach it (for guest reports), or null. */
  readonly reportBase: string | null;
  readonly log: Logger;
  /** VMs worked on at once (default 4). */
  readonly concurrency?: number;
  /** Longest wait for a VM to finish specialize and power off (default 1 h). */
  readonly powerOffTimeoutMs?: number;
  /** Longest wait for other power changes (default 10 min). */
  readonly powerTimeoutMs?: number;
}

/** The result of one VM in a room command. */
export interface VmResult {
  readonly name: string;
  readonly ok: boolean;
  /** What was done (cloned, reused, reverted, started, deleted, skipped...). */
  readonly action: string;
  readonly error?: string;
  readonly detail?: Record<string, unknown>;
}

/** The owner tag of a room's VMs: `<room>/<run id>`. */
export const ownerOf = (room: string, runId: string) => `${room}/${runId}`;

/** The VMs of a room on a platform, by vizor's tag only (never by name alone), keyed by name. */
export async function roomVmsOn(driver: HypervisorDriver, room: string): Promise<Map<string, VmInfo>> {
  const all = await driver.listVms({ role: 'room' });
  return new Map(all.filter((v) => v.tag?.role === 'room' && v.tag.owner.startsWith(`${room}/`) && !v.isTemplate).map((v) => [v.name.toLowerCase(), v]));
}

/** Runs `fn` over items with at most `limit` at once, never rejecting; results keep the input order. */
export async function bounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
