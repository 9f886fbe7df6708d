/**
 * Reading VM settings from request bodies with the engine's validation: enum values
 * (boot devices, BiosType, USB type, payload type), osinfo ids, sizes.
 */
import { Fault } from './engine.js';
import type { FakePayload, VmConfig } from './store.js';
import { all, bool, el, str, strs, type Xml } from './xml.js';

/** osinfo ids the fake engine knows (a subset of the real osinfo-defaults.properties). */
export const OS_TYPES: readonly string[] = [
  'other', 'other_linux', 'other_linux_kernel_4', 'rhel_7x64', 'rhel_8x64', 'rhel_9x64', 'debian_7', 'ubuntu_14_04',
  'windows_7', 'windows_7x64', 'windows_2012R2x64', 'windows_10', 'windows_10x64', 'windows_11', 'windows_2016x64',
  'windows_2019x64', 'windows_2022',
];
const BOOT = ['cdrom', 'hd', 'network'];
const BIOS = ['cluster_default', 'i440fx_sea_bios', 'q35_sea_bios', 'q35_ovmf', 'q35_secure_boot'];
const USB = ['legacy', 'native'];

function invalid(field: string, value: string, allowed: readonly string[]): Fault {
  return new Fault(400, 'Invalid value', `Invalid value '${value}' for '${field}'; possible values: ${allowed.join(', ')}`);
}

function positive(field: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Fault(400, 'Invalid value', `Invalid value '${value}' for '${field}'`);
  return n;
}

/** Applies the settings present in a `<vm>`/`<template>` body to `c`. */
export function applyConfig(c: VmConfig, body: Xml): void {
  const description = str(body, 'description');
  if (description !== undefined) c.description = description;
  const memory = positive('memory', str(body, 'memory'));
  if (memory !== undefined) c.memory = memory;
  const topo = el(el(body, 'cpu'), 'topology');
  for (const f of ['sockets', 'cores', 'threads'] as const) {
    const v = positive(`cpu.topology.${f}`, str(topo, f));
    if (v !== undefined) c[f] = v;
  }
  const os = el(body, 'os');
  const osType = str(os, 'type');
  if (osType !== undefined) {
    if (!OS_TYPES.includes(osType)) throw invalid('os.type', osType, OS_TYPES);
    c.osType = osType;
  }
  const devices = el(el(os, 'boot'), 'devices');
  if (devices) {
    const list = strs(devices, 'device');
    for (const d of list) if (!BOOT.includes(d)) throw invalid('os.boot.devices.device', d, BOOT);
    if (list.length === 0) throw new Fault(400, 'Invalid value', 'os.boot.devices must list at least one device');
    c.bootDevices = list;
  }
  const bios = str(el(body, 'bios'), 'type');
  if (bios !== undefined) {
    if (!BIOS.includes(bios)) throw invalid('bios.type', bios, BIOS);
    c.biosType = bios;
  }
  const stateless = bool(body, 'stateless');
  if (stateless !== undefined) c.stateless = stateless;
  const usb = el(body, 'usb');
  if (usb) {
    const enabled = bool(usb, 'enabled');
    const type = str(usb, 'type');
    if (type !== undefined && !USB.includes(type)) throw invalid('usb.type', type, USB);
    c.usb = { enabled: enabled ?? c.usb.enabled, ...(type ? { type } : {}) };
  }
}

/** Payloads in a body: undefined when absent, [] for an empty `<payloads/>` (clears them). */
export function readPayloads(body: Xml): FakePayload[] | undefined {
  const payloads = el(body, 'payloads');
  if (!payloads) return undefined;
  const list = all(payloads, 'payload').map((p) => {
    const type = str(p, 'type') ?? '';
    if (!['floppy', 'cdrom'].includes(type)) throw invalid('payload.type', type, ['floppy', 'cdrom']);
    const files = all(el(p, 'files'), 'file').map((f) => ({ name: str(f, 'name') ?? '', content: str(f, 'content') ?? '' }));
    if (files.length === 0 || files.some((f) => f.name === '')) throw incompleteFile();
    return { type, files };
  });
  // VmPayload is a single device in the engine.
  if (list.length > 1) throw new Fault(400, 'Operation Failed', '[Cannot edit VM. Only one payload is supported.]');
  return list;
}

function incompleteFile(): Fault {
  return new Fault(400, 'Incomplete parameters', 'Payload [files.file.name] required for update');
}

/** A copy of a configuration. */
export function copyConfig(c: VmConfig): VmConfig {
  return { ...c, bootDevices: [...c.bootDevices], usb: { ...c.usb } };
}
