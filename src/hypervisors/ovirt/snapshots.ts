/**
 * VM snapshots. An oVirt snapshot has only a description, so vizor stores "name" on its
 * first line and the description below it. The engine records no power state with a
 * snapshot (powerAtSnapshot is null); revert instead brings the VM back to the power state
 * it had before the revert. Restoring needs the VM down and removes later snapshots.
 */
import { HvNotFoundError, HvRequestError } from '../errors.js';
import type { SnapshotInfo } from '../types.js';
import { ignoreNotFound, waitGone, waitSettled, type OvirtContext } from './context.js';
import { ensureDown, start, waitForPower } from './power.js';
import { fetchVm } from './vms.js';
import { attr, child, members, text, type XmlNode } from './xml.js';

const snapsPath = (vmId: string): string => `/vms/${encodeURIComponent(vmId)}/snapshots`;
const snapPath = (vmId: string, id: string): string => `${snapsPath(vmId)}/${encodeURIComponent(id)}`;

/** `name` + newline + `description` (just `name` when there is no description). */
export function encodeSnapshotDescription(name: string, description: string): string {
  return description ? `${name}\n${description}` : name;
}

/** Splits an engine snapshot description back into name and description. */
export function decodeSnapshotDescription(stored: string): { name: string; description: string } {
  const nl = stored.indexOf('\n');
  return nl < 0 ? { name: stored, description: '' } : { name: stored.slice(0, nl), description: stored.slice(nl + 1) };
}

/** An engine snapshot → SnapshotInfo. */
export function snapshotInfoFrom(node: XmlNode): SnapshotInfo {
  const { name, description } = decodeSnapshotDescription(text(node, 'description') ?? '');
  const date = text(node, 'date');
  const created = date ? new Date(date) : null;
  return { id: attr(node, 'id') ?? '', name, description, createdAt: created && !Number.isNaN(created.getTime()) ? created : null, powerAtSnapshot: null };
}

/** Takes a disk-only snapshot and waits until the engine reports it `ok`. */
export async function snapshot(ctx: OvirtContext, vmId: string, name: string, description: string): Promise<SnapshotInfo> {
  if (name === '' || name.includes('\n')) throw new HvRequestError(`ovirt: snapshot name must be one non-empty line, got ${JSON.stringify(name)}`, { platform: 'ovirt' });
  const made = child(
    await ctx.client.post(snapsPath(vmId), 'snapshot', { description: encodeSnapshotDescription(name, description), persist_memorystate: false }),
    'snapshot',
  );
  const id = attr(made, 'id');
  if (!id) throw new HvRequestError(`ovirt: POST ${snapsPath(vmId)} answered without a snapshot id`, { platform: 'ovirt' });
  const done = await waitSettled(ctx, `snapshot ${name} of VM ${vmId}`, snapPath(vmId, id), 'snapshot', 'snapshot_status', ['locked']);
  return snapshotInfoFrom(done);
}

/** The VM's user snapshots (`regular`), oldest first; the "Active VM" entry is not one. */
export async function listSnapshots(ctx: OvirtContext, vmId: string): Promise<SnapshotInfo[]> {
  const all = members(await ctx.client.get(snapsPath(vmId)), 'snapshots', 'snapshot');
  return all.filter((s) => text(s, 'snapshot_type') === 'regular').map(snapshotInfoFrom);
}

/** Restores a snapshot: stop if running, restore, wait for down, start again if it was running. */
export async function revert(ctx: OvirtContext, vmId: string, snapshotId: string): Promise<void> {
  const before = text(await fetchVm(ctx, vmId), 'status');
  const wasRunning = before !== 'down' && before !== 'image_locked';
  const snap = await ctx.client.get(snapPath(vmId, snapshotId));
  if (!child(snap, 'snapshot')) throw new HvNotFoundError(`ovirt: snapshot ${snapshotId} of VM ${vmId} not found`, { platform: 'ovirt', platformCode: '404' });
  await ensureDown(ctx, vmId);
  await ctx.client.action(`${snapPath(vmId, snapshotId)}/restore`, { restore_memory: false });
  await waitSettled(ctx, `VM ${vmId} to restore snapshot ${snapshotId}`, `/vms/${encodeURIComponent(vmId)}`, 'vm', 'status', ['image_locked']);
  if (wasRunning) {
    await start(ctx, vmId);
    await waitForPower(ctx, vmId, 'running', { timeoutMs: ctx.jobTimeoutMs });
  }
}

/** Deletes a snapshot (the engine merges it into its child) and waits until it is gone. */
export async function deleteSnapshot(ctx: OvirtContext, vmId: string, snapshotId: string): Promise<void> {
  if (!(await ignoreNotFound(() => ctx.client.delete(snapPath(vmId, snapshotId))))) return;
  await waitGone(ctx, `snapshot ${snapshotId} of VM ${vmId} to be removed`, snapPath(vmId, snapshotId), 'snapshot');
}
