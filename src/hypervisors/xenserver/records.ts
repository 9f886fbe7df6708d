import { randomBytes } from 'node:crypto';
import { HvRequestError } from '../errors.js';
import type { BootDevice, PowerState, SnapshotInfo, VizorTag, VmInfo } from '../types.js';

/** The VM fields the driver reads (XAPI sends many more). */
export interface VmRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly name_description: string;
  readonly power_state: string;
  readonly is_a_template: boolean;
  readonly is_default_template: boolean;
  readonly is_a_snapshot: boolean;
  readonly is_control_domain: boolean;
  readonly snapshot_of: string;
  readonly snapshots: readonly string[];
  readonly snapshot_time: string;
  readonly snapshot_info: Readonly<Record<string, string>>;
  readonly other_config: Readonly<Record<string, string>>;
  readonly HVM_boot_params: Readonly<Record<string, string>>;
  readonly VBDs: readonly string[];
  readonly VIFs: readonly string[];
  readonly VCPUs_max: number | string;
  readonly VCPUs_at_startup: number | string;
  readonly memory_static_min: number | string;
  readonly memory_static_max: number | string;
}

/** The VBD fields the driver reads. */
export interface VbdRecord {
  readonly VM: string;
  readonly VDI: string;
  readonly type: string;
  readonly empty: boolean;
  readonly userdevice: string;
}

/** The VDI fields the driver reads. */
export interface VdiRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly SR: string;
  /** On ISO SRs, the image's file name in the SR's folder. */
  readonly location: string;
  readonly VBDs: readonly string[];
  readonly virtual_size: number | string;
  readonly is_tools_iso: boolean;
  readonly is_a_snapshot: boolean;
}

/** The VIF fields the driver reads. */
export interface VifRecord {
  readonly device: string;
  readonly MAC: string;
  readonly network: string;
}

/** XAPI's null reference. */
export const NULL_REF = 'OpaqueRef:NULL';

/** other_config keys vizor writes on its VMs and templates. */
export const TAG_KEYS = { role: 'vizor.role', owner: 'vizor.owner', published: 'vizor.published' } as const;

const ROLES: ReadonlySet<string> = new Set<VizorTag['role']>(['build', 'room', 'template']);

/** vizor's tag from a VM's other_config, or null when vizor did not create the VM. */
export function tagOf(otherConfig: Readonly<Record<string, string>>): VizorTag | null {
  const role = otherConfig[TAG_KEYS.role];
  const owner = otherConfig[TAG_KEYS.owner];
  if (!role || !ROLES.has(role) || !owner) return null;
  return { role: role as VizorTag['role'], owner };
}

/** XAPI power_state (Halted, Running, Paused, Suspended) → vizor's. */
export function powerOf(state: string | undefined): PowerState {
  switch (state) {
    case 'Halted':
      return 'halted';
    case 'Running':
      return 'running';
    case 'Paused':
      return 'paused';
    case 'Suspended':
      return 'suspended';
    default:
      return 'unknown';
  }
}

const BOOT_LETTERS: Readonly<Record<BootDevice, string>> = { network: 'n', disk: 'c', cdrom: 'd' };

/** HVM_boot_params["order"] for a boot order: QEMU letters, n network, c disk, d CD. */
export function bootOrderString(order: readonly BootDevice[]): string {
  if (order.length === 0 || new Set(order).size !== order.length || order.some((d) => !(d in BOOT_LETTERS))) {
    throw new HvRequestError(`xenserver: boot order must list each of network, disk, cdrom at most once (got ${order.join(',') || 'nothing'})`, { platform: 'xenserver' });
  }
  return order.map((d) => BOOT_LETTERS[d]).join('');
}

/** The boot devices named by an HVM order string (unknown letters skipped). */
export function parseBootOrder(order: string | undefined): BootDevice[] {
  const byLetter = Object.fromEntries(Object.entries(BOOT_LETTERS).map(([d, l]) => [l, d as BootDevice]));
  return [...(order ?? '')].flatMap((l) => (byLetter[l] ? [byLetter[l]] : []));
}

const MAC_RE = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;

/** A MAC as XAPI wants it (lower case, colons); HvRequestError when it is not one. */
export function normaliseMac(mac: string): string {
  if (!MAC_RE.test(mac)) throw new HvRequestError(`xenserver: not a MAC address: ${mac}`, { platform: 'xenserver' });
  return mac.toLowerCase().replace(/-/g, ':');
}

/**
 * A random locally administered unicast MAC (first octet x2/x6/xA/xE). vizor passes the
 * MAC explicitly instead of letting XAPI pick one, so it knows the MAC before the VM boots.
 */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** XAPI DateTime ("20240115T10:20:30Z", basic or extended ISO 8601) → Date; null for the epoch "never". */
export function parseXapiDate(s: string | undefined): Date | null {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(s ?? '');
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) || d.getTime() === 0 ? null : d;
}

/** True for an opaque reference ("OpaqueRef:…"). */
export const isRef = (s: string): boolean => s.startsWith('OpaqueRef:') && s !== NULL_REF;

/** True for a UUID as XAPI prints them. */
export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** A VM record and its VIFs as vizor's VmInfo (id = the VM uuid). */
export function vmInfoOf(ref: string, vm: VmRecord, vifs: readonly VifRecord[]): VmInfo {
  const macs = [...vifs].sort((a, b) => Number(a.device) - Number(b.device)).map((v) => v.MAC.toLowerCase());
  return {
    id: vm.uuid,
    name: vm.name_label,
    power: powerOf(vm.power_state),
    macs,
    tag: tagOf(vm.other_config),
    isTemplate: vm.is_a_template,
    details: {
      ref,
      powerState: vm.power_state,
      bootOrder: vm.HVM_boot_params['order'] ?? '',
      firmware: vm.HVM_boot_params['firmware'] ?? 'bios',
      vcpus: Number(vm.VCPUs_at_startup),
      memoryMiB: Math.round(Number(vm.memory_static_max) / 2 ** 20),
      published: vm.other_config[TAG_KEYS.published] === 'true',
    },
  };
}

/** A snapshot VM record as vizor's SnapshotInfo. */
export function snapshotInfoOf(snap: VmRecord): SnapshotInfo {
  const at = snap.snapshot_info['power-state-at-snapshot'];
  return {
    id: snap.uuid,
    name: snap.name_label,
    description: snap.name_description,
    createdAt: parseXapiDate(snap.snapshot_time),
    powerAtSnapshot: at === undefined ? null : powerOf(at),
  };
}
