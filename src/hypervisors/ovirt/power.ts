/**
 * Power actions and removal. oVirt refuses `start` on a running VM and `stop`/`shutdown`
 * on a down one with 409; vizor treats "already there" as success so the calls can be
 * repeated after a restart of the appliance.
 */
import { HvStateError } from '../errors.js';
import { pollUntil } from '../retry.js';
import type { PowerState, VmInfo, WaitOptions } from '../types.js';
import { getOrNull, ignoreNotFound, waitGone, type OvirtContext } from './context.js';
import { dropUnusedTags, vizorTags } from './tags.js';
import { fetchVm, getVm, FOLLOW } from './vms.js';
import { members, text } from './xml.js';

const vmPath = (id: string): string => `/vms/${encodeURIComponent(id)}`;

async function act(ctx: OvirtContext, id: string, action: 'start' | 'shutdown' | 'stop', fine: (status: string) => boolean): Promise<void> {
  try {
    await ctx.client.action(`${vmPath(id)}/${action}`);
  } catch (err) {
    if (!(err instanceof HvStateError)) throw err;
    const status = text(await fetchVm(ctx, id), 'status') ?? '';
    if (!fine(status)) throw err;
  }
}

/** Starts a VM (already up or powering up counts as done). */
export function start(ctx: OvirtContext, id: string): Promise<void> {
  return act(ctx, id, 'start', (s) => s === 'up' || s === 'powering_up' || s === 'wait_for_launch');
}

/** Asks the guest to shut down (ACPI / guest agent). */
export function shutdown(ctx: OvirtContext, id: string): Promise<void> {
  return act(ctx, id, 'shutdown', (s) => s === 'down' || s === 'powering_down');
}

/** Powers the VM off at once. */
export function stop(ctx: OvirtContext, id: string): Promise<void> {
  return act(ctx, id, 'stop', (s) => s === 'down');
}

/** Polls the VM until it reaches `state`. */
export function waitForPower(ctx: OvirtContext, id: string, state: PowerState, options: WaitOptions): Promise<VmInfo> {
  return pollUntil(
    'ovirt',
    `VM ${id} to be ${state}`,
    async () => {
      const vm = await getVm(ctx, id);
      return vm.power === state ? vm : undefined;
    },
    { timeoutMs: options.timeoutMs, intervalMs: ctx.pollIntervalMs, ...(options.signal ? { signal: options.signal } : {}) },
  );
}

/** Stops the VM if it is not down and waits until it is. */
export async function ensureDown(ctx: OvirtContext, id: string): Promise<void> {
  const status = text(await fetchVm(ctx, id), 'status');
  if (status === 'down') return;
  // image_locked VMs settle to down by themselves; anything else is powered off.
  if (status !== 'image_locked') await stop(ctx, id);
  await waitForPower(ctx, id, 'halted', { timeoutMs: ctx.jobTimeoutMs });
}

/** Removes a VM with its disks and snapshots; a VM that is already gone is fine. */
export async function destroy(ctx: OvirtContext, id: string): Promise<void> {
  const vm = await getOrNull(ctx, vmPath(id), 'vm', { follow: FOLLOW });
  if (vm === null) return;
  const tags = vizorTags(members(vm, 'tags', 'tag'));
  if (text(vm, 'status') !== 'down') await ensureDown(ctx, id);
  // detach_only defaults to false: the VM's disks go with it, snapshots too.
  if (!(await ignoreNotFound(() => ctx.client.delete(vmPath(id))))) return;
  await waitGone(ctx, `VM ${id} to be removed`, vmPath(id), 'vm');
  await dropUnusedTags(ctx, tags);
}
