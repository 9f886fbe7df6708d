import { HvNotFoundError } from '../errors.js';
import type { SnapshotInfo } from '../types.js';
import type { XapiConnection } from './connection.js';
import { destroyVm } from './destroy.js';
import { hasXapiCode } from './errors.js';
import { vmRecord, vmRef } from './lookup.js';
import { snapshotInfoOf, type VmRecord } from './records.js';

/** VM.snapshot (disk-only; XAPI flags the snapshot as a template) then its description. */
export async function snapshot(x: XapiConnection, vmId: string, name: string, description: string): Promise<SnapshotInfo> {
  const ref = await vmRef(x, vmId);
  const snap = await x.callAsync<string>('VM.snapshot', ref, name);
  await x.call('VM.set_name_description', snap, description);
  return snapshotInfoOf(await vmRecord(x, snap));
}

/** The VM's snapshots, oldest first. */
export async function listSnapshots(x: XapiConnection, vmId: string): Promise<SnapshotInfo[]> {
  const ref = await vmRef(x, vmId);
  const infos: SnapshotInfo[] = [];
  for (const snap of await x.call<string[]>('VM.get_snapshots', ref)) infos.push(snapshotInfoOf(await vmRecord(x, snap)));
  return infos.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
}

/** The snapshot's ref and record, checked to belong to the VM. */
async function snapshotOf(x: XapiConnection, vmRefValue: string, snapshotId: string): Promise<{ ref: string; record: VmRecord }> {
  const ref = await vmRef(x, snapshotId);
  const record = await vmRecord(x, ref);
  if (!record.is_a_snapshot || record.snapshot_of !== vmRefValue) {
    throw new HvNotFoundError(`xenserver: ${snapshotId} is not a snapshot of this VM`, { platform: 'xenserver' });
  }
  return { ref, record };
}

/**
 * VM.revert leaves the VM halted (disk-only snapshots); like Xen Orchestra, start it again
 * when snapshot_info["power-state-at-snapshot"] says it was running.
 */
export async function revert(x: XapiConnection, vmId: string, snapshotId: string): Promise<void> {
  const ref = await vmRef(x, vmId);
  const snap = await snapshotOf(x, ref, snapshotId);
  await x.callAsync('VM.revert', snap.ref);
  if (snap.record.snapshot_info['power-state-at-snapshot'] !== 'Running') return;
  const state = await x.call<string>('VM.get_power_state', ref);
  if (state === 'Halted') await x.callAsync('VM.start', ref, false, false);
  else if (state === 'Suspended') await x.callAsync('VM.resume', ref, false, false);
}

/** Destroys a snapshot with its disks; succeeds when it is already gone. */
export async function deleteSnapshot(x: XapiConnection, vmId: string, snapshotId: string): Promise<void> {
  const ref = await vmRef(x, vmId);
  let snap: { ref: string };
  try {
    snap = await snapshotOf(x, ref, snapshotId);
  } catch (err) {
    if (hasXapiCode(err, 'HANDLE_INVALID', 'UUID_INVALID')) return;
    throw err;
  }
  await destroyVm(x, snap.ref);
}
