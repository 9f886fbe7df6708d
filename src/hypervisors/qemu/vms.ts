/**
 * VM lifecycle of the QEMU driver: network-boot containers, lookups, power and destroy.
 */
import { constants } from 'node:fs';
import { access, copyFile } from 'node:fs/promises';
import type { BootDevice, ContainerSpec, PowerState, VizorTag, VmInfo, VmOptions, WaitOptions } from '../types.js';
import { HvConfigError, HvRequestError, HvStateError } from '../errors.js';
import { pollUntil } from '../retry.js';
import { checkNetwork, freshMac, normaliseMac, platform, recordPower, requireVm, type QemuContext } from './context.js';
import { qmpExecute } from './qmp.js';
import { tapName, toVmInfo, type VmRecord } from './record.js';
import { killQemu, powerState, startQemu } from './runtime.js';

const BOOT_DEVICES: readonly BootDevice[] = ['network', 'disk', 'cdrom'];

function checkInt(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new HvRequestError(`qemu: ${what} must be a whole number from ${min} to ${max} (got ${v})`, { platform });
}

/** Throws HvRequestError unless `order` is a non-empty list of distinct boot devices. */
export function checkBootOrder(order: readonly BootDevice[]): void {
  if (order.length === 0 || new Set(order).size !== order.length || order.some((d) => !BOOT_DEVICES.includes(d))) {
    throw new HvRequestError(`qemu: boot order ${JSON.stringify(order)} must list distinct devices out of ${BOOT_DEVICES.join(', ')}`, { platform });
  }
}

/** Creates a halted VM with an empty qcow2 disk that boots from the network first. */
export async function createContainer(ctx: QemuContext, spec: ContainerSpec): Promise<VmInfo> {
  if (!spec.name.trim()) throw new HvRequestError('qemu: a VM needs a name', { platform });
  checkInt('vcpus', spec.vcpus, 1, 255);
  checkInt('memoryMiB', spec.memoryMiB, 16, 4 * 1024 * 1024);
  checkInt('diskGiB', spec.diskGiB, 1, 64 * 1024);
  const network = checkNetwork(ctx, spec.network);
  if (spec.firmware === 'uefi') {
    for (const f of [ctx.opts.ovmfCode, ctx.opts.ovmfVars]) {
      await access(f, constants.R_OK).catch((err: unknown) => {
        throw new HvConfigError(`qemu: UEFI firmware ${f} is missing (install the Debian package ovmf)`, { platform, cause: err });
      });
    }
  }
  const mac = spec.mac ? normaliseMac(spec.mac) : await freshMac(ctx);
  // Windows has no virtio drivers of its own: emulated SATA and Intel NICs let Setup see disk and network
  const windows = spec.osType?.toLowerCase().startsWith('win') ?? false;
  const machine = ctx.opts.machine;
  const id = await ctx.store.newId();
  const rec: VmRecord = {
    version: 1, id, name: spec.name, description: spec.description ?? '', osType: spec.osType ?? null, tag: spec.tag,
    vcpus: spec.vcpus, memoryMiB: spec.memoryMiB, diskGiB: spec.diskGiB, firmware: spec.firmware, machine,
    diskBus: windows ? (machine === 'q35' ? 'sata' : 'ide') : 'virtio',
    nicModel: windows ? (machine === 'q35' ? 'e1000e' : 'e1000') : 'virtio',
    macs: [mac], network, bootOrder: ['network', 'disk'], iso: null, payloads: [], snapshots: [],
    isTemplate: false, published: false, templateId: null, usb: false, stateless: false, createdAt: new Date().toISOString(),
  };
  const paths = ctx.store.paths(id);
  try {
    await ctx.store.put(rec);
    await ctx.host.createDisk(paths.disk, spec.diskGiB);
    if (spec.firmware === 'uefi') await copyFile(ctx.opts.ovmfVars, paths.vars);
  } catch (err) {
    await ctx.store.remove(id);
    throw err;
  }
  ctx.opts.logger?.info({ vm: id, name: spec.name, mac }, 'qemu driver: container created');
  return toVmInfo(rec, 'halted', paths);
}

/** A VM or template as VmInfo. */
export async function getVm(ctx: QemuContext, id: string): Promise<VmInfo> {
  const rec = await ctx.store.get(id);
  return toVmInfo(rec, await recordPower(ctx, rec), ctx.store.paths(id));
}

/** VMs and templates that carry vizor's tag, optionally one owner's or one role's. */
export async function listVms(ctx: QemuContext, filter: { readonly owner?: string; readonly role?: VizorTag['role'] } = {}): Promise<VmInfo[]> {
  const recs = (await ctx.store.list()).filter(
    (r) => r.tag !== null && (filter.owner === undefined || r.tag.owner === filter.owner) && (filter.role === undefined || r.tag.role === filter.role),
  );
  return Promise.all(recs.map(async (r) => toVmInfo(r, await recordPower(ctx, r), ctx.store.paths(r.id))));
}

/** Starts a halted VM, resumes a paused one; a running VM is left alone. */
export function start(ctx: QemuContext, id: string): Promise<void> {
  return ctx.store.lock(id, async () => {
    const { rec, paths } = await requireVm(ctx, id);
    const power = await powerState(paths);
    if (power === 'paused') await qmpExecute(paths.qmp, 'cont');
    else if (power === 'halted') await startQemu(rec, paths, ctx.host, ctx.opts);
    ctx.opts.logger?.info({ vm: id, from: power }, 'qemu driver: start');
  });
}

/** Presses the ACPI power button (QMP system_powerdown); a halted VM is left alone. */
export function shutdown(ctx: QemuContext, id: string): Promise<void> {
  return ctx.store.lock(id, async () => {
    const { paths } = await requireVm(ctx, id);
    if ((await powerState(paths)) !== 'halted') await qmpExecute(paths.qmp, 'system_powerdown');
  });
}

/** Powers a VM off at once (QMP quit, SIGKILL if needed) and removes its tap. */
export function stop(ctx: QemuContext, id: string): Promise<void> {
  return ctx.store.lock(id, async () => {
    const { rec, paths } = await requireVm(ctx, id);
    await killQemu(rec, paths, ctx.host, ctx.opts);
  });
}

/** Polls the power state until it is `state`; HvTimeoutError after timeoutMs. A VM that halted by itself loses its tap here. */
export async function waitForPower(ctx: QemuContext, id: string, state: PowerState, options: WaitOptions): Promise<VmInfo> {
  const info = await pollUntil(
    platform,
    `VM ${id} to be ${state}`,
    async () => {
      const vm = await getVm(ctx, id);
      return vm.power === state ? vm : undefined;
    },
    { timeoutMs: options.timeoutMs, intervalMs: 500, signal: options.signal },
  );
  if (state === 'halted' && ctx.opts.bridge && !info.isTemplate) await ctx.host.deleteTap(tapName(id)).catch(() => undefined);
  return info;
}

/** Destroys a VM (or template without clones) with its disk, snapshots and tap; nothing to do when it is gone. */
export function destroy(ctx: QemuContext, id: string): Promise<void> {
  return ctx.store.lock(id, async () => {
    const rec = await ctx.store.find(id);
    if (!rec) return;
    if (rec.isTemplate) {
      const clones = (await ctx.store.list()).filter((r) => r.templateId === id);
      if (clones.length) {
        throw new HvStateError(`qemu: template ${id} (${rec.name}) still backs the disks of ${clones.map((c) => c.id).join(', ')}; destroy them first`, { platform, platformCode: 'TEMPLATE_IN_USE' });
      }
    } else {
      await killQemu(rec, ctx.store.paths(id), ctx.host, ctx.opts);
    }
    await ctx.store.remove(id);
    ctx.opts.logger?.info({ vm: id }, 'qemu driver: destroyed');
  });
}

/** Sets the boot order used from the next start on. */
export function setBootOrder(ctx: QemuContext, id: string, order: readonly BootDevice[]): Promise<void> {
  return ctx.store.lock(id, async () => {
    checkBootOrder(order);
    const { rec } = await requireVm(ctx, id);
    rec.bootOrder = [...order];
    await ctx.store.put(rec);
  });
}

/** USB tablet, stateless (QEMU -snapshot), OS type and description; hardware changes apply from the next start on. */
export function setVmOptions(ctx: QemuContext, id: string, options: VmOptions): Promise<void> {
  return ctx.store.lock(id, async () => {
    const { rec } = await requireVm(ctx, id);
    if (options.usb !== undefined) rec.usb = options.usb;
    if (options.stateless !== undefined) rec.stateless = options.stateless;
    if (options.osType !== undefined) rec.osType = options.osType;
    if (options.description !== undefined) rec.description = options.description;
    await ctx.store.put(rec);
  });
}
