/**
 * Pure translations between vizor's platform-neutral vocabulary and oVirt's: VM status,
 * boot devices, firmware (BiosType), guest OS ids (the engine's osinfo names) and the
 * device models a guest can use without extra drivers.
 */
import type { BootDevice, Firmware, PowerState } from '../types.js';

/** oVirt VmStatus → vizor power state. */
export function powerFromStatus(status: string | undefined): PowerState {
  switch (status) {
    case 'up':
      return 'running';
    case 'down':
      return 'halted';
    case 'paused':
      return 'paused';
    case 'suspended':
      return 'suspended';
    case 'powering_up':
    case 'powering_down':
    case 'wait_for_launch':
    case 'reboot_in_progress':
    case 'saving_state':
    case 'restoring_state':
    case 'migrating':
    case 'image_locked':
      return 'transitioning';
    default:
      return 'unknown';
  }
}

const BOOT: Readonly<Record<BootDevice, string>> = { network: 'network', disk: 'hd', cdrom: 'cdrom' };

/** vizor boot order → `os.boot.devices` values (BootDevice.java: cdrom, hd, network). */
export function bootDevices(order: readonly BootDevice[]): string[] {
  return order.map((d) => BOOT[d]);
}

/** Firmware → BiosType: q35 for both, OVMF for UEFI, SeaBIOS otherwise. */
export function biosType(firmware: Firmware): string {
  return firmware === 'uefi' ? 'q35_ovmf' : 'q35_sea_bios';
}

/** Guest OS ids the engine's osinfo ships (a subset vizor maps to). */
export const OVIRT_OS_TYPES: readonly string[] = [
  'other',
  'other_linux',
  'rhel_7x64',
  'rhel_8x64',
  'rhel_9x64',
  'windows_7x64',
  'windows_2012R2x64',
  'windows_10x64',
  'windows_11',
  'windows_2016x64',
  'windows_2019x64',
  'windows_2022',
];

const OS_HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^win(dows)?[-_ ]?11/, 'windows_11'],
  [/^win(dows)?[-_ ]?10/, 'windows_10x64'],
  [/^win(dows)?[-_ ]?7/, 'windows_7x64'],
  [/^win(dows)?[-_ ]?(server[-_ ]?)?2022/, 'windows_2022'],
  [/^win(dows)?[-_ ]?(server[-_ ]?)?2019/, 'windows_2019x64'],
  [/^win(dows)?[-_ ]?(server[-_ ]?)?2016/, 'windows_2016x64'],
  [/^win(dows)?[-_ ]?(server[-_ ]?)?2012/, 'windows_2012R2x64'],
  [/^win/, 'windows_10x64'],
  [/^(rhel|centos|rocky|alma(linux)?|oracle)[-_ ]?9/, 'rhel_9x64'],
  [/^(rhel|centos|rocky|alma(linux)?|oracle)[-_ ]?8/, 'rhel_8x64'],
  [/^(rhel|centos)[-_ ]?7/, 'rhel_7x64'],
  [/^(debian|ubuntu|linux|fedora|suse|sles|opensuse|arch)/, 'other_linux'],
];

/** A guest OS hint (`windows10_64`, `debian12`) → oVirt OS id; oVirt ids pass through. */
export function osTypeFor(hint: string | undefined): string {
  if (!hint) return 'other';
  if (OVIRT_OS_TYPES.includes(hint)) return hint;
  const h = hint.toLowerCase();
  for (const [re, id] of OS_HINTS) if (re.test(h)) return id;
  return 'other';
}

/**
 * Device models for a new container. Windows PE and Setup ship no virtio drivers, so a
 * Windows guest gets e1000 and SATA (both in-box); everything else gets virtio.
 */
export function deviceModels(osType: string): { readonly nic: string; readonly disk: string } {
  return osType.startsWith('windows') ? { nic: 'e1000', disk: 'sata' } : { nic: 'virtio', disk: 'virtio_scsi' };
}

/** Lower-case colon-separated MAC, or null when `mac` is not a MAC. */
export function normaliseMac(mac: string): string | null {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12 || !/^[0-9a-f:.-]+$/i.test(mac)) return null;
  return hex.match(/../g)!.join(':');
}

/** Bytes in a MiB (oVirt sizes are in bytes). */
export const MIB = 1024 * 1024;
/** Bytes in a GiB. */
export const GIB = 1024 * MIB;
