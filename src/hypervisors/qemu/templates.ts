/**
 * Templates of the QEMU driver: a halted VM's folder becomes a template whose read-only
 * disk backs the qcow2 overlays of its clones.
 */
import { chmod, copyFile } from 'node:fs/promises';
import type { CloneSpec, TemplateInfo, VmInfo } from '../types.js';
import { HvNotFoundError, HvStateError } from '../errors.js';
import { checkNetwork, freshMac, normaliseMac, platform, requireHalted, requireVm, type QemuContext } from './context.js';
import { dropPayloads } from './media.js';
import { toVmInfo, type VmRecord } from './record.js';

async function requireTemplate(ctx: QemuContext, id: string): Promise<VmRecord> {
  const rec = await ctx.store.find(id);
  if (!rec || !rec.isTemplate) throw new HvNotFoundError(`qemu: no template ${JSON.stringify(id)} in ${ctx.opts.stateDir}`, { platform });
  return rec;
}

/**
 * Turns a halted VM into a template under a new name: CDs ejected, payloads deleted, the
 * disk made read-only, the tag's role set to `template` (owner kept). The id stays.
 */
export function convertToTemplate(ctx: QemuContext, vmId: string, name: string): Promise<TemplateInfo> {
  return ctx.store.lock(vmId, async () => {
    const { rec, paths } = await requireVm(ctx, vmId);
    await requireHalted(ctx, rec, 'convert to a template');
    await dropPayloads(rec, paths, rec.payloads);
    rec.iso = null;
    rec.isTemplate = true;
    rec.published = false;
    rec.name = name;
    if (rec.tag) rec.tag = { ...rec.tag, role: 'template' };
    // clones write to their overlays only; nothing may change the shared base under them
    await chmod(paths.disk, 0o444);
    await ctx.store.put(rec);
    ctx.opts.logger?.info({ template: vmId, name }, 'qemu driver: converted to template');
    return { id: rec.id, name: rec.name, published: false };
  });
}

/** Sets the template's `published` flag (the local platform has no other users to show it to). */
export function publishTemplate(ctx: QemuContext, templateId: string, published: boolean): Promise<void> {
  return ctx.store.lock(templateId, async () => {
    const rec = await requireTemplate(ctx, templateId);
    rec.published = published;
    await ctx.store.put(rec);
  });
}

/** Deletes a template that backs no clone; nothing to do when it is gone. */
export function deleteTemplate(ctx: QemuContext, templateId: string): Promise<void> {
  return ctx.store.lock(templateId, async () => {
    const rec = await ctx.store.find(templateId);
    if (!rec) return;
    if (!rec.isTemplate) throw new HvStateError(`qemu: ${templateId} (${rec.name}) is a VM, not a template; use destroy`, { platform, platformCode: 'NOT_TEMPLATE' });
    const clones = (await ctx.store.list()).filter((r) => r.templateId === templateId);
    if (clones.length) {
      throw new HvStateError(`qemu: template ${templateId} (${rec.name}) still backs the disks of ${clones.map((c) => c.id).join(', ')}; destroy them first`, { platform, platformCode: 'TEMPLATE_IN_USE' });
    }
    await ctx.store.remove(templateId);
  });
}

/**
 * A new halted VM whose disk is a qcow2 overlay backed by the template's disk, with its own
 * MAC and (UEFI) a copy of the template's variable store.
 */
export function clone(ctx: QemuContext, spec: CloneSpec): Promise<VmInfo> {
  // under the template's lock, so a concurrent deleteTemplate cannot remove the base mid-clone
  return ctx.store.lock(spec.templateId, () => cloneLocked(ctx, spec));
}

async function cloneLocked(ctx: QemuContext, spec: CloneSpec): Promise<VmInfo> {
  const tpl = await requireTemplate(ctx, spec.templateId);
  const network = checkNetwork(ctx, spec.network);
  const mac = spec.mac ? normaliseMac(spec.mac) : await freshMac(ctx);
  const id = await ctx.store.newId();
  const rec: VmRecord = {
    ...tpl,
    id, name: spec.name, description: spec.description ?? tpl.description, tag: spec.tag,
    vcpus: spec.vcpus ?? tpl.vcpus, memoryMiB: spec.memoryMiB ?? tpl.memoryMiB,
    macs: [mac], network, bootOrder: [...tpl.bootOrder], iso: null, payloads: [], snapshots: [],
    isTemplate: false, published: false, templateId: tpl.id, createdAt: new Date().toISOString(),
  };
  const paths = ctx.store.paths(id);
  const tplPaths = ctx.store.paths(tpl.id);
  try {
    await ctx.store.put(rec);
    await ctx.host.createOverlay(paths.disk, `../${tpl.id}/disk.qcow2`);
    if (rec.firmware === 'uefi') await copyFile(tplPaths.vars, paths.vars).catch(() => copyFile(ctx.opts.ovmfVars, paths.vars));
  } catch (err) {
    await ctx.store.remove(id);
    throw err;
  }
  ctx.opts.logger?.info({ vm: id, template: tpl.id, mac }, 'qemu driver: cloned');
  return toVmInfo(rec, 'halted', paths);
}
