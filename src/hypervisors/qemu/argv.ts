/**
 * The QEMU command line for a VM record: a pure function, so every firmware, bus, boot
 * order and media case is a unit test without starting QEMU.
 */
import { join } from 'node:path';
import type { BootDevice } from '../types.js';
import type { VmPaths, VmRecord } from './record.js';

/** What the command line needs beyond the record. */
export interface ArgvContext {
  readonly paths: VmPaths;
  /** The accelerator actually used (auto already resolved). */
  readonly accel: 'kvm' | 'tcg';
  readonly ovmfCode: string;
  /** Tap to attach the NIC to, or null for QEMU's isolated user-mode network. */
  readonly tap: string | null;
}

/** QEMU splits option values at commas; a literal comma is written twice. */
export function qemuEscape(value: string): string {
  return value.replace(/,/g, ',,');
}

/** Where each storage device sits: q35 has six one-unit AHCI ports, pc two IDE buses of two units. */
function slots(machine: VmRecord['machine']): Record<'disk' | 'cd0' | 'cd1', string> {
  return machine === 'q35'
    ? { disk: 'bus=ide.0', cd0: 'bus=ide.1', cd1: 'bus=ide.2' }
    : { disk: 'bus=ide.0,unit=0', cd0: 'bus=ide.1,unit=0', cd1: 'bus=ide.1,unit=1' };
}

const NIC_DEVICE = { virtio: 'virtio-net-pci', e1000: 'e1000', e1000e: 'e1000e' } as const;

/** `,bootindex=N` for a device that is in the boot order, '' otherwise. */
function bootIndex(order: readonly BootDevice[], dev: BootDevice): string {
  const i = order.indexOf(dev);
  return i < 0 ? '' : `,bootindex=${i + 1}`;
}

/** A removable drive (CD or floppy): the medium is optional so it can be changed over QMP later. */
function removableDrive(id: string, media: 'cdrom' | 'disk', file: string | null): string {
  const medium = file ? `,file=${qemuEscape(file)},format=raw${media === 'cdrom' ? ',readonly=on' : ''}` : '';
  return `if=none,id=${id}${media === 'cdrom' ? ',media=cdrom' : ''}${medium}`;
}

/**
 * The argv (after the binary) that starts `rec` daemonized with its QMP socket, serial
 * console file and pidfile in the VM folder. Every VM has a floppy drive and two CD drives
 * (empty or not), so media can be swapped while it runs.
 */
export function buildQemuArgv(rec: VmRecord, ctx: ArgvContext): string[] {
  const p = ctx.paths;
  const order = rec.bootOrder;
  const s = slots(rec.machine);
  const file = (name: string) => join(p.dir, name);
  const floppy = rec.payloads.find((x) => x.id === 'fd0');
  const payloadIso = rec.payloads.find((x) => x.id === 'cd1');
  const args = [
    '-name', `guest=${qemuEscape(rec.name)}`,
    '-no-user-config', '-nodefaults',
    '-machine', rec.machine,
    '-accel', ctx.accel,
    // TCG's default qemu64 lacks SSE4.2/POPCNT, which Windows 11 24H2 requires
    '-cpu', ctx.accel === 'kvm' ? 'host' : 'max',
    '-smp', String(rec.vcpus),
    '-m', String(rec.memoryMiB),
    '-display', 'none', '-vga', 'std',
    '-qmp', `unix:${qemuEscape(p.qmp)},server=on,wait=off`,
    '-serial', `file:${p.serial}`,
    '-pidfile', p.pidfile,
    '-daemonize',
    '-boot', 'strict=on,menu=off',
  ];
  if (rec.osType?.toLowerCase().startsWith('win')) args.push('-rtc', 'base=localtime');
  if (rec.firmware === 'uefi') {
    args.push('-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${qemuEscape(ctx.ovmfCode)}`);
    args.push('-drive', `if=pflash,format=raw,unit=1,file=${qemuEscape(p.vars)}`);
  }

  args.push('-drive', `if=none,id=disk0,format=qcow2,file=${qemuEscape(p.disk)}`);
  const diskDev = rec.diskBus === 'virtio' ? 'virtio-blk-pci,drive=disk0' : `ide-hd,drive=disk0,${s.disk}`;
  args.push('-device', `${diskDev},id=disk0dev${bootIndex(order, 'disk')}`);

  args.push('-drive', removableDrive('cd0', 'cdrom', rec.iso));
  args.push('-device', `ide-cd,drive=cd0,${s.cd0},id=cd0dev${bootIndex(order, 'cdrom')}`);
  args.push('-drive', removableDrive('cd1', 'cdrom', payloadIso ? file(payloadIso.file) : null));
  args.push('-device', `ide-cd,drive=cd1,${s.cd1},id=cd1dev`);

  // q35 has no floppy controller of its own; Windows Setup still reads A: through an ISA one
  if (rec.machine === 'q35') args.push('-device', 'isa-fdc,id=fdc0');
  args.push('-drive', removableDrive('fd0', 'disk', floppy ? file(floppy.file) : null));
  args.push('-device', 'floppy,drive=fd0,id=fdd0');

  // one NIC per VM (ContainerSpec has one network); QEMU's user-mode network with restrict=on lets nothing out
  const mac = rec.macs[0];
  if (mac) {
    args.push('-netdev', ctx.tap ? `tap,id=net0,ifname=${ctx.tap},script=no,downscript=no` : 'user,id=net0,restrict=on');
    args.push('-device', `${NIC_DEVICE[rec.nicModel]},netdev=net0,id=nic0,mac=${mac}${bootIndex(order, 'network')}`);
  }
  if (rec.usb) args.push('-device', 'qemu-xhci,id=xhci', '-device', 'usb-tablet,bus=xhci.0');
  if (rec.stateless) args.push('-snapshot');
  return args;
}
