/**
 * What the QEMU driver keeps about one VM or template in `<stateDir>/<id>/vm.json` (vizor's
 * tag lives there too), where each of its files sits, and how a record reads as VmInfo.
 */
import { join } from 'node:path';
import type { BootDevice, Firmware, PowerState, VizorTag, VmInfo } from '../types.js';
import type { QemuMachine } from './options.js';

/** Disk controller the system disk hangs on. */
export type DiskBus = 'virtio' | 'sata' | 'ide';
/** Emulated NIC. */
export type NicModel = 'virtio' | 'e1000' | 'e1000e';

/** A payload image copied into the VM folder. */
export interface PayloadRecord {
  readonly kind: 'floppy' | 'iso';
  /** `fd0` (the floppy drive) or `cd1` (the second CD drive); also the AttachedPayload id. */
  readonly id: 'fd0' | 'cd1';
  /** Name the caller gave the payload. */
  readonly name: string;
  /** File name inside the VM folder. */
  readonly file: string;
}

/** Metadata of an internal qcow2 snapshot (the qcow2 tag is the id). */
export interface SnapshotRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: string;
  readonly powerAtSnapshot: PowerState;
}

/** The contents of vm.json. */
export interface VmRecord {
  readonly version: 1;
  readonly id: string;
  name: string;
  description: string;
  osType: string | null;
  tag: VizorTag | null;
  vcpus: number;
  memoryMiB: number;
  diskGiB: number;
  firmware: Firmware;
  machine: QemuMachine;
  diskBus: DiskBus;
  nicModel: NicModel;
  /** Lower-case MACs in NIC order (one NIC today). */
  macs: string[];
  /** The bridge NICs join, or `isolated`. */
  network: string;
  bootOrder: BootDevice[];
  /** Absolute path of the ISO in the first CD drive, or null when empty. */
  iso: string | null;
  payloads: PayloadRecord[];
  snapshots: SnapshotRecord[];
  isTemplate: boolean;
  published: boolean;
  /** Template whose disk backs this VM's overlay, or null for a VM with its own disk. */
  templateId: string | null;
  usb: boolean;
  /** QEMU `-snapshot`: every write is thrown away when the VM stops. */
  stateless: boolean;
  readonly createdAt: string;
}

/** Files of one VM folder. */
export interface VmPaths {
  readonly dir: string;
  readonly record: string;
  readonly disk: string;
  /** Per-VM copy of the OVMF variable store (UEFI). */
  readonly vars: string;
  readonly qmp: string;
  readonly serial: string;
  readonly pidfile: string;
  /** QEMU's start-up output (stderr of the process that daemonizes). */
  readonly log: string;
}

/** VM ids are `vm` + 10 hex digits: safe as folder names and inside tap names. */
export const VM_ID = /^vm[0-9a-f]{10}$/;

/** Where the files of VM `id` live under stateDir. */
export function vmPaths(stateDir: string, id: string): VmPaths {
  const dir = join(stateDir, id);
  return {
    dir,
    record: join(dir, 'vm.json'),
    disk: join(dir, 'disk.qcow2'),
    vars: join(dir, 'OVMF_VARS.fd'),
    qmp: join(dir, 'qmp.sock'),
    serial: join(dir, 'serial.log'),
    pidfile: join(dir, 'qemu.pid'),
    log: join(dir, 'qemu.log'),
  };
}

/** The tap of VM `id` (15 characters at most, as Linux requires). */
export function tapName(id: string): string {
  return `vzt${id.slice(2)}`;
}

/** The VmInfo callers see for a record in a given power state. */
export function toVmInfo(rec: VmRecord, power: PowerState, paths: VmPaths): VmInfo {
  const details: Record<string, string | number | boolean> = {
    dir: paths.dir,
    disk: paths.disk,
    serialLog: paths.serial,
    firmware: rec.firmware,
    machine: rec.machine,
    vcpus: rec.vcpus,
    memoryMiB: rec.memoryMiB,
    network: rec.network,
    bootOrder: rec.bootOrder.join(','),
    published: rec.published,
  };
  if (rec.templateId) details.templateId = rec.templateId;
  if (rec.iso) details.iso = rec.iso;
  if (rec.description) details.description = rec.description;
  return { id: rec.id, name: rec.name, power, macs: [...rec.macs], tag: rec.tag, isTemplate: rec.isTemplate, details };
}
