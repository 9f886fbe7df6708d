import type { ContainerSpec, Firmware, VmInfo } from '../types.js';
import type { XapiConnection } from './connection.js';
import { destroyVm } from './destroy.js';
import { findDiskSr, findNetwork, findTemplate, type Found, type NetworkRecord } from './lookup.js';
import { normaliseMac, randomMac, type VmRecord } from './records.js';
import { setMapEntry, vmInfoByRef, writeTag } from './vms.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** Which template a container is cloned from. */
export interface ContainerTemplates {
  /** Default template (name, uuid or ref). */
  readonly container: string;
  /** Template per osType hint (e.g. windows10_64 → "Windows 10 (64-bit)"). */
  readonly byOsType: Readonly<Record<string, string>>;
}

/**
 * Creates a halted network-boot container, the way `xe vm-install` and Xen Orchestra do:
 * clone the template, tag it at once (so a half-built container is still found and
 * cleaned up by its owner), drop the template's `disks` provisioning XML and provision
 * (leaves template mode), then set CPUs, memory, firmware and boot order "ncd", and add
 * our own disk, an empty CD drive and one VIF.
 *
 * The disk is made with VDI.create + VBD.create rather than by rewriting the `disks` XML:
 * the size, SR, name and userdevice are then exactly what the spec says, whatever the
 * template carries (the stock template's XML names no SR and a fixed size).
 *
 * Inputs (template, network, SR, MAC) are resolved before anything is created; after the
 * clone, any failure destroys the new VM and its disks before the error surfaces.
 */
export async function createContainer(x: XapiConnection, spec: ContainerSpec, templates: ContainerTemplates): Promise<VmInfo> {
  const placement = spec.placement ?? {};
  const templateName = placement['template'] ?? (spec.osType ? templates.byOsType[spec.osType] : undefined) ?? templates.container;
  const template = await findTemplate(x, templateName);
  const network = await findNetwork(x, spec.network);
  const sr = await findDiskSr(x, placement['storage']);
  const mac = spec.mac ? normaliseMac(spec.mac) : randomMac();

  const ref = await x.callAsync<string>('VM.clone', template.ref, spec.name);
  try {
    await writeTag(x, ref, spec.tag);
    await x.call('VM.remove_from_other_config', ref, 'disks');
    await x.callAsync('VM.provision', ref);
    if (spec.description !== undefined) await x.call('VM.set_name_description', ref, spec.description);
    const vm = await x.call<VmRecord>('VM.get_record', ref);
    await setVcpus(x, ref, vm, spec.vcpus);
    await setMemory(x, ref, vm, spec.memoryMiB);
    await setFirmware(x, ref, spec.firmware);
    await setMapEntry(x, 'VM', ref, 'HVM_boot_params', 'order', 'ncd');
    const allowed = await x.call<string[]>('VM.get_allowed_VBD_devices', ref);
    const diskDevice = allowed[0] ?? '0';
    await addDisk(x, ref, `${spec.name} disk ${diskDevice}`, spec.diskGiB, sr.ref, diskDevice);
    await addEmptyCd(x, ref, vm.VBDs, allowed.filter((d) => d !== diskDevice));
    await replaceVifs(x, ref, vm.VIFs, network, mac);
    return await vmInfoByRef(x, ref);
  } catch (err) {
    await destroyVm(x, ref).catch(() => undefined);
    throw err;
  }
}

/** VCPUs_max and VCPUs_at_startup, in the order XAPI's constraint at_startup ≤ max allows. */
export async function setVcpus(x: XapiConnection, ref: string, vm: VmRecord, n: number): Promise<void> {
  if (n >= Number(vm.VCPUs_at_startup)) {
    await x.call('VM.set_VCPUs_max', ref, n);
    await x.call('VM.set_VCPUs_at_startup', ref, n);
  } else {
    await x.call('VM.set_VCPUs_at_startup', ref, n);
    await x.call('VM.set_VCPUs_max', ref, n);
  }
}

/** Fixed memory: static_max = dynamic_min = dynamic_max = size; static_min no higher than that. */
export async function setMemory(x: XapiConnection, ref: string, vm: VmRecord, memoryMiB: number): Promise<void> {
  const bytes = memoryMiB * MiB;
  await x.call('VM.set_memory_limits', ref, Math.min(Number(vm.memory_static_min), bytes), bytes, bytes, bytes);
}

/** HVM_boot_params["firmware"] plus the matching QEMU device model (as Xen Orchestra sets it). */
async function setFirmware(x: XapiConnection, ref: string, firmware: Firmware): Promise<void> {
  await setMapEntry(x, 'VM', ref, 'HVM_boot_params', 'firmware', firmware);
  await setMapEntry(x, 'VM', ref, 'platform', 'device-model', firmware === 'uefi' ? 'qemu-upstream-uefi' : 'qemu-upstream-compat');
}

/** A new system disk on `sr`, attached bootable as `userdevice`. */
async function addDisk(x: XapiConnection, ref: string, name: string, sizeGiB: number, sr: string, userdevice: string): Promise<void> {
  const vdi = await x.call<string>('VDI.create', {
    name_label: name,
    name_description: 'Created by vizor',
    SR: sr,
    virtual_size: sizeGiB * GiB,
    type: 'system',
    sharable: false,
    read_only: false,
    other_config: {},
    sm_config: {},
    xenstore_data: {},
    tags: [],
  });
  await x.call('VBD.create', vbdRecord(ref, vdi, userdevice, 'Disk'));
}

/**
 * An empty CD drive (userdevice 3, as XenCenter makes), unless the VM has one: HVM guests
 * cannot hot-plug CD drives, so ISOs are later inserted into this one.
 */
async function addEmptyCd(x: XapiConnection, ref: string, templateVbds: readonly string[], free: readonly string[]): Promise<void> {
  for (const vbd of templateVbds) if ((await x.call<string>('VBD.get_type', vbd)) === 'CD') return;
  const userdevice = free.includes('3') ? '3' : free[0] ?? '3';
  await x.call('VBD.create', vbdRecord(ref, 'OpaqueRef:NULL', userdevice, 'CD'));
}

/** The VBD.create record for a disk or a CD drive (empty when `vdi` is NULL). */
export function vbdRecord(vm: string, vdi: string, userdevice: string, type: 'Disk' | 'CD'): Record<string, unknown> {
  return {
    VM: vm,
    VDI: vdi,
    userdevice,
    bootable: type === 'Disk',
    mode: type === 'Disk' ? 'RW' : 'RO',
    type,
    empty: vdi === 'OpaqueRef:NULL',
    unpluggable: false,
    other_config: {},
    qos_algorithm_type: '',
    qos_algorithm_params: {},
  };
}

/** Replaces the VM's VIFs with one on `network` with `mac` (the MAC PXE will present). */
export async function replaceVifs(x: XapiConnection, ref: string, existing: readonly string[], network: Found<NetworkRecord>, mac: string): Promise<void> {
  for (const vif of existing) await x.call('VIF.destroy', vif);
  const [device] = await x.call<string[]>('VM.get_allowed_VIF_devices', ref);
  await x.call('VIF.create', {
    device: device ?? '0',
    network: network.ref,
    VM: ref,
    MAC: mac,
    MTU: Number(network.record.MTU) || 1500,
    other_config: {},
    qos_algorithm_type: '',
    qos_algorithm_params: {},
    locking_mode: 'network_default',
  });
}
