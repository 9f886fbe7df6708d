/**
 * Snapshots of the QEMU driver: internal qcow2 snapshots made with qemu-img while the VM is
 * halted (a running VM is refused with HvStateError rather than saved with its RAM), plus a
 * copy of the OVMF variable store so a revert also restores UEFI boot entries.
 */
import { copyFile, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SnapshotInfo } from '../types.js';
import { HvNotFoundError } from '../errors.js';
import { platform, requireHalted, requireVm, type QemuContext } from './context.js';
import type { QcowSnapshot } from './host.js';
import type { SnapshotRecord, VmPaths } from './record.js';

function varsCopy(paths: VmPaths, id: string): string {
  return join(paths.dir, `snapshot-${id}.vars`);
}

function toInfo(q: QcowSnapshot, meta: SnapshotRecord | undefined): SnapshotInfo {
  return {
    id: q.name,
    name: meta?.name ?? q.name,
    description: meta?.description ?? '',
    createdAt: meta ? new Date(meta.createdAt) : new Date(q['date-sec'] * 1000),
    // a snapshot with saved RAM was taken running (made outside vizor, e.g. with savevm)
    powerAtSnapshot: meta?.powerAtSnapshot ?? (q['vm-state-size'] > 0 ? 'running' : 'halted'),
  };
}

async function qcowSnapshots(ctx: QemuContext, paths: VmPaths): Promise<QcowSnapshot[]> {
  return (await ctx.host.info(paths.disk)).snapshots ?? [];
}

/** Takes an internal snapshot of a halted VM's disk. */
export function snapshot(ctx: QemuContext, vmId: string, name: string, description: string): Promise<SnapshotInfo> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    await requireHalted(ctx, rec, 'snapshot');
    const id = `s${randomBytes(5).toString('hex')}`;
    await ctx.host.snapshot('create', paths.disk, id);
    const meta: SnapshotRecord = { id, name, description, createdAt: new Date().toISOString(), powerAtSnapshot: 'halted' };
    try {
      if (rec.firmware === 'uefi') await copyFile(paths.vars, varsCopy(paths, id));
      rec.snapshots.push(meta);
      await ctx.store.put(rec);
    } catch (err) {
      await ctx.host.snapshot('delete', paths.disk, id).catch(() => undefined);
      await rm(varsCopy(paths, id), { force: true });
      throw err;
    }
    const q = (await qcowSnapshots(ctx, paths)).find((s) => s.name === id);
    return q ? toInfo(q, meta) : { ...meta, createdAt: new Date(meta.createdAt) };
  });
}

/** The snapshots qemu-img lists on the VM's disk, with the names and descriptions vizor gave them. */
export async function listSnapshots(ctx: QemuContext, vmId: string): Promise<SnapshotInfo[]> {
  const { rec, paths } = await requireVm(ctx, vmId);
  const meta = new Map(rec.snapshots.map((s) => [s.id, s]));
  return (await qcowSnapshots(ctx, paths)).map((q) => toInfo(q, meta.get(q.name)));
}

/** True when the disk holds a snapshot tagged exactly `snapshotId` (so qemu-img never sees an unknown name). */
async function hasSnapshot(ctx: QemuContext, paths: VmPaths, snapshotId: string): Promise<boolean> {
  return (await qcowSnapshots(ctx, paths)).some((s) => s.name === snapshotId);
}

/** Rolls a halted VM's disk (and UEFI variables) back to a snapshot. */
export function revert(ctx: QemuContext, vmId: string, snapshotId: string): Promise<void> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    await requireHalted(ctx, rec, 'revert');
    if (!(await hasSnapshot(ctx, paths, snapshotId))) {
      throw new HvNotFoundError(`qemu: VM ${vmId} has no snapshot ${JSON.stringify(snapshotId)}`, { platform });
    }
    await ctx.host.snapshot('apply', paths.disk, snapshotId);
    if (rec.firmware === 'uefi') await copyFile(varsCopy(paths, snapshotId), paths.vars).catch(() => undefined);
  });
}

/** Deletes a snapshot of a halted VM; one that is gone already is fine. */
export function deleteSnapshot(ctx: QemuContext, vmId: string, snapshotId: string): Promise<void> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    await requireHalted(ctx, rec, 'delete a snapshot of');
    if (await hasSnapshot(ctx, paths, snapshotId)) await ctx.host.snapshot('delete', paths.disk, snapshotId);
    await rm(varsCopy(paths, snapshotId), { force: true });
    rec.snapshots = rec.snapshots.filter((s) => s.id !== snapshotId);
    await ctx.store.put(rec);
  });
}
