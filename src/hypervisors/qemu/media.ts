/**
 * Removable media of the QEMU driver: the install ISO in the first CD drive, and payloads
 * (a floppy in A:, or an ISO in the second CD drive) copied into the VM folder. Media
 * change in a running VM over QMP, as a person would swap a disc.
 */
import { constants } from 'node:fs';
import { access, copyFile, rm, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import type { AttachedPayload, PayloadSpec } from '../types.js';
import { HvConfigError, HvNotFoundError, HvRequestError, HvStateError } from '../errors.js';
import { platform, requireVm, type QemuContext } from './context.js';
import { qmpExecute } from './qmp.js';
import type { PayloadRecord, VmPaths, VmRecord } from './record.js';
import { powerState } from './runtime.js';

/** QEMU device ids of the drives (see argv.ts). */
const DEVICE = { cd0: 'cd0dev', cd1: 'cd1dev', fd0: 'fdd0' } as const;

/** The file behind an ISO id: a file name in isoDir, or an absolute path. HvNotFoundError if it is not a readable file. */
export async function resolveIso(ctx: QemuContext, isoId: string): Promise<string> {
  let path: string;
  if (isAbsolute(isoId)) path = isoId;
  else {
    if (!ctx.opts.isoDir) throw new HvConfigError(`qemu: ISO ${JSON.stringify(isoId)} is not an absolute path and the driver has no isoDir`, { platform });
    if (isoId !== basename(isoId) || isoId === '..' || isoId === '.') throw new HvNotFoundError(`qemu: no ISO ${JSON.stringify(isoId)} in ${ctx.opts.isoDir}`, { platform });
    path = join(ctx.opts.isoDir, isoId);
  }
  try {
    await access(path, constants.R_OK);
    if (!(await stat(path)).isFile()) throw new Error('not a file');
  } catch (err) {
    throw new HvNotFoundError(`qemu: no ISO ${JSON.stringify(isoId)} (${path} is not a readable file)`, { platform, cause: err });
  }
  return path;
}

/** Puts `file` into a drive of a running VM (no-op for a halted one, whose next start reads vm.json). */
async function changeMedium(paths: VmPaths, device: string, file: string, readOnly: boolean): Promise<void> {
  if ((await powerState(paths)) === 'halted') return;
  await qmpExecute(paths.qmp, 'blockdev-change-medium', {
    id: device,
    filename: file,
    format: 'raw',
    'read-only-mode': readOnly ? 'read-only' : 'read-write',
  });
}

/** Empties a drive of a running VM, forcing the tray open even if the guest locked it. */
async function ejectMedium(paths: VmPaths, device: string): Promise<void> {
  if ((await powerState(paths)) === 'halted') return;
  await qmpExecute(paths.qmp, 'eject', { id: device, force: true });
}

/** Inserts an ISO into the first CD drive (replacing what was there). */
export function attachIso(ctx: QemuContext, vmId: string, isoId: string): Promise<void> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    const file = await resolveIso(ctx, isoId);
    await changeMedium(paths, DEVICE.cd0, file, true);
    rec.iso = file;
    await ctx.store.put(rec);
  });
}

/** Empties the first CD drive. */
export function ejectIso(ctx: QemuContext, vmId: string): Promise<void> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    await ejectMedium(paths, DEVICE.cd0);
    rec.iso = null;
    await ctx.store.put(rec);
  });
}

/** Copies a payload image into the VM folder and inserts it: floppy into A:, ISO into the second CD drive. */
export function attachPayload(ctx: QemuContext, vmId: string, payload: PayloadSpec): Promise<AttachedPayload> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    if (payload.kind !== 'floppy' && payload.kind !== 'iso') throw new HvRequestError(`qemu: unknown payload kind ${JSON.stringify(payload.kind)}`, { platform });
    const slot = payload.kind === 'floppy' ? 'fd0' : 'cd1';
    const held = rec.payloads.find((p) => p.id === slot);
    if (held) throw new HvStateError(`qemu: VM ${vmId} already holds payload ${JSON.stringify(held.name)} in ${slot}; detach it first`, { platform, platformCode: 'SLOT_IN_USE' });
    const st = await stat(payload.path).catch((err: unknown) => {
      throw new HvNotFoundError(`qemu: payload image ${payload.path} does not exist`, { platform, cause: err });
    });
    if (!st.isFile()) throw new HvRequestError(`qemu: payload image ${payload.path} is not a file`, { platform });
    const entry: PayloadRecord = { kind: payload.kind, id: slot, name: payload.name, file: slot === 'fd0' ? 'payload-fd0.img' : 'payload-cd1.iso' };
    const file = join(paths.dir, entry.file);
    // a private copy: the caller may delete its file, and payloads can hold secrets
    await copyFile(payload.path, file);
    try {
      await changeMedium(paths, DEVICE[slot], file, slot === 'cd1');
      rec.payloads.push(entry);
      await ctx.store.put(rec);
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { kind: payload.kind, id: slot };
  });
}

/** Removes a payload from its drive and deletes the VM folder's copy; a payload that is gone already is fine. */
export function detachPayload(ctx: QemuContext, vmId: string, payload: AttachedPayload): Promise<void> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    const entry = rec.payloads.find((p) => p.id === payload.id);
    if (!entry) return;
    await ejectMedium(paths, DEVICE[entry.id]);
    await dropPayloads(rec, paths, [entry]);
    await ctx.store.put(rec);
  });
}

/** Deletes the files of `entries` and forgets them in `rec` (the caller saves it). */
export async function dropPayloads(rec: VmRecord, paths: VmPaths, entries: readonly PayloadRecord[]): Promise<void> {
  for (const e of entries) await rm(join(paths.dir, e.file), { force: true });
  rec.payloads = rec.payloads.filter((p) => !entries.includes(p));
}
