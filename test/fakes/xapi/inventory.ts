import type { XapiDb } from './db.js';
import { createVbd, createVdi } from './methods/vm-common.js';

/** Refs of the objects every fake starts with. */
export interface XapiInventory {
  readonly pool: string;
  readonly host: string;
  /** "Local storage": the pool's default SR for disks. */
  readonly localSr: string;
  /** "XCP-ng Tools": ISO SR with is_tools_sr, holding guest-tools.iso. */
  readonly toolsSr: string;
  /** "ISO library": ISO SR holding installer.iso. */
  readonly isoSr: string;
  /** guest-tools.iso (VDI.is_tools_iso = true). */
  readonly toolsIso: string;
  /** installer.iso on the ISO library. */
  readonly installerIso: string;
  /** "vizor-net". */
  readonly network: string;
  /** The default template "Other install media". */
  readonly template: string;
  /** dom0. */
  readonly controlDomain: string;
  /** "unrelated-vm": a halted VM with a disk and a NIC that vizor did not create. */
  readonly foreignVm: string;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Seeds the default pool: one host, local SR, two ISO SRs, two networks, dom0, templates, a foreign VM. */
export function seedInventory(db: XapiDb): XapiInventory {
  const host = db.create('host', {
    name_label: 'xcp-host-1', hostname: 'xcp-host-1', address: '127.0.0.1',
    software_version: { product_brand: 'XCP-ng', product_version: '8.2.1', platform_name: 'XCP', platform_version: '3.2.1', xapi: '1.20', xen: '4.13.5' },
  });
  const localSr = db.create('SR', { name_label: 'Local storage', type: 'ext', content_type: 'user', physical_size: 500 * GiB });
  const toolsSr = db.create('SR', { name_label: 'XCP-ng Tools', type: 'iso', content_type: 'iso', shared: true, is_tools_sr: true, physical_size: 200 * MiB });
  const isoSr = db.create('SR', { name_label: 'ISO library', type: 'iso', content_type: 'iso', shared: true, physical_size: 100 * GiB });
  const pool = db.create('pool', { name_label: 'vizor-pool', master: host, default_SR: localSr, suspend_image_SR: localSr, crash_dump_SR: localSr });
  const iso = (sr: string, name: string, size: number, tools: boolean): string =>
    createVdiOn(db, sr, { name_label: name, location: name, virtual_size: size, read_only: true, sharable: true, is_tools_iso: tools, sm_config: tools ? { 'xs-tools': 'true' } : {} });
  const toolsIso = iso(toolsSr, 'guest-tools.iso', 120 * MiB, true);
  const installerIso = iso(isoSr, 'installer.iso', 700 * MiB, false);
  const network = db.create('network', { name_label: 'vizor-net', bridge: 'xenbr0', MTU: 1500 });
  db.create('network', { name_label: 'Host internal management network', bridge: 'xenapi', MTU: 1500, other_config: { is_guest_installer_network: 'true' } });
  const controlDomain = db.create('VM', {
    name_label: 'Control domain on host: xcp-host-1', is_control_domain: true, power_state: 'Running', domid: 0, resident_on: host,
  });
  const template = db.create('VM', {
    name_label: 'Other install media', name_description: 'Template which allows VM installation from install media',
    is_a_template: true, is_default_template: true, memory_static_max: 256 * MiB, memory_dynamic_max: 256 * MiB, memory_dynamic_min: 256 * MiB,
    platform: { 'device-model': 'qemu-upstream-compat', acpi: '1', apic: 'true', pae: 'true', nx: 'true', viridian: 'false' },
    // sr="" is what the stock template ships: provisioning it unchanged fails (xe vm-install rewrites it).
    other_config: { disks: `<provision><disk device="0" size="${32 * GiB}" sr="" bootable="true" type="system"/></provision>`, 'install-methods': 'cdrom' },
  });
  db.create('VM', {
    name_label: 'Windows 10 (64-bit)', is_a_template: true, is_default_template: true, memory_static_max: 2 * GiB, memory_dynamic_max: 2 * GiB,
    memory_dynamic_min: 2 * GiB, VCPUs_max: 2, VCPUs_at_startup: 2,
    platform: { 'device-model': 'qemu-upstream-uefi', viridian: 'true', acpi: '1', apic: 'true', pae: 'true', nx: 'true' },
    HVM_boot_params: { order: 'dc', firmware: 'uefi' },
  });
  const foreignVm = seedForeignVm(db, localSr, network);
  return { pool, host, localSr, toolsSr, isoSr, toolsIso, installerIso, network, template, controlDomain, foreignVm };
}

function seedForeignVm(db: XapiDb, sr: string, network: string): string {
  const vm = db.create('VM', { name_label: 'unrelated-vm', HVM_boot_params: { order: 'cd' } });
  const disk = createVdiOn(db, sr, { name_label: 'unrelated-vm disk', virtual_size: 8 * GiB, type: 'system' });
  seedLinkVbd(db, vm, disk);
  const vif = db.create('VIF', { VM: vm, network, device: '0', MAC: '2a:00:00:00:00:01' });
  db.link('VM', vm, 'VIFs', vif);
  db.link('network', network, 'VIFs', vif);
  return vm;
}

/** Adds a VDI record to an SR directly (the seeded inventory; ISO files go through the SR folder and SR.scan). */
export function createVdiOn(db: XapiDb, sr: string, fields: Record<string, string | number | boolean | Record<string, string>>): string {
  return createVdi({ db }, { SR: sr, ...fields });
}

function seedLinkVbd(db: XapiDb, vm: string, vdi: string): void {
  createVbd({ db }, { VM: vm, VDI: vdi, userdevice: '0', bootable: true, mode: 'RW', type: 'Disk', empty: false });
}
