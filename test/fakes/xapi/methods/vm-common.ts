import { randomBytes } from 'node:crypto';
import type { FakeContext } from '../context.js';
import { badPowerState, XapiFault } from '../faults.js';
import { NEVER, NULL_REF, xapiDate, type XapiRecord } from '../schema.js';

/** A random locally administered unicast MAC, as XAPI generates for VIFs. */
export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0]! & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The VM record behind `ref`, with its power state checked against `allowed`. */
export function vmIn(c: FakeContext, ref: unknown, allowed: readonly string[]): XapiRecord {
  const vm = c.db.get('VM', ref);
  const state = String(vm['power_state']);
  if (!allowed.includes(state)) throw badPowerState(String(ref), allowed[0]!, state);
  return vm;
}

/** Powers a VM on: resident on the host, devices attached, the guest script started. */
export function powerOn(c: FakeContext, ref: string): void {
  setAttached(c, ref, true);
  c.db.update('VM', ref, { power_state: 'Running', domid: nextDomid++, resident_on: c.host() });
  c.db.link('host', c.host(), 'resident_VMs', ref);
  c.guests.started(ref, () => {
    if (c.db.find('VM', ref)?.['power_state'] === 'Running') powerOff(c, ref);
  });
}
let nextDomid = 1;

/** Powers a VM off (hard): devices detached, no longer resident, guest script cancelled. */
export function powerOff(c: FakeContext, ref: string): void {
  c.guests.stopped(ref);
  setAttached(c, ref, false);
  c.db.update('VM', ref, { power_state: 'Halted', domid: -1, resident_on: NULL_REF });
  c.db.unlink('host', c.host(), 'resident_VMs', ref);
}

function setAttached(c: FakeContext, ref: string, attached: boolean): void {
  const vm = c.db.get('VM', ref);
  for (const vbd of vm['VBDs'] as string[]) c.db.update('VBD', vbd, { currently_attached: attached });
  for (const vif of vm['VIFs'] as string[]) c.db.update('VIF', vif, { currently_attached: attached });
}

/** Creates a VBD record and links it into its VM and VDI. */
export function createVbd(c: Pick<FakeContext, 'db'>, fields: XapiRecord): string {
  const ref = c.db.create('VBD', fields);
  c.db.link('VM', String(fields['VM']), 'VBDs', ref);
  if (fields['VDI'] !== NULL_REF) c.db.link('VDI', String(fields['VDI']), 'VBDs', ref);
  return ref;
}

/** Destroys a VBD and unlinks it from its VM and VDI. */
export function destroyVbd(c: Pick<FakeContext, 'db'>, ref: string): void {
  const vbd = c.db.get('VBD', ref);
  if (vbd['currently_attached'] === true) throw new XapiFault('DEVICE_ALREADY_ATTACHED', [ref]);
  c.db.unlink('VM', String(vbd['VM']), 'VBDs', ref);
  c.db.unlink('VDI', String(vbd['VDI']), 'VBDs', ref);
  c.db.destroy('VBD', ref);
}

/** Creates a VDI record on an SR and links it into the SR. */
export function createVdi(c: Pick<FakeContext, 'db'>, fields: XapiRecord): string {
  const ref = c.db.create('VDI', fields);
  c.db.link('SR', String(fields['SR']), 'VDIs', ref);
  return ref;
}

/** How a VM is copied: a fast clone, a full copy (maybe to another SR), or a snapshot. */
export type CopyMode = { kind: 'clone' } | { kind: 'copy'; sr: string } | { kind: 'snapshot' };

const CONFIG_FIELDS = [
  'name_description', 'VCPUs_max', 'VCPUs_at_startup', 'VCPUs_params', 'memory_static_min', 'memory_static_max', 'memory_dynamic_min',
  'memory_dynamic_max', 'HVM_boot_policy', 'HVM_boot_params', 'platform', 'PV_bootloader', 'PV_args', 'other_config', 'xenstore_data',
  'has_vendor_device', 'affinity', 'suspend_SR', 'tags', 'blocked_operations',
] as const;

/** The configuration part of a VM record (what clone, copy, snapshot and revert carry over). */
export function vmConfig(vm: XapiRecord): XapiRecord {
  return Object.fromEntries(CONFIG_FIELDS.map((f) => [f, structuredClone(vm[f]!)]));
}

/** Copies a VM with its disks (new VDIs), CD drives (same ISO) and VIFs; returns the new VM ref. */
export function copyVm(c: FakeContext, srcRef: string, name: string, mode: CopyMode): string {
  const src = c.db.get('VM', srcRef);
  const snap = mode.kind === 'snapshot';
  const ref = c.db.create('VM', {
    ...vmConfig(src),
    name_label: name,
    is_a_template: snap ? true : src['is_a_template']!,
    is_a_snapshot: snap,
    snapshot_of: snap ? srcRef : NULL_REF,
    snapshot_time: snap ? xapiDate() : NEVER,
    snapshot_info: snap ? { 'power-state-at-snapshot': String(src['power_state']) } : {},
    parent: srcRef,
  });
  if (snap) c.db.link('VM', srcRef, 'snapshots', ref);
  for (const vbdRef of src['VBDs'] as string[]) {
    const vbd = c.db.get('VBD', vbdRef);
    let vdi = String(vbd['VDI']);
    if (vbd['type'] === 'Disk' && vdi !== NULL_REF) vdi = copyVdi(c, vdi, mode);
    createVbd(c, { ...pick(vbd, ['userdevice', 'bootable', 'mode', 'type', 'unpluggable', 'empty', 'other_config']), VM: ref, VDI: vdi });
  }
  for (const vifRef of src['VIFs'] as string[]) {
    const vif = c.db.get('VIF', vifRef);
    const mac = snap ? String(vif['MAC']) : randomMac();
    const newVif = c.db.create('VIF', { ...pick(vif, ['device', 'network', 'MTU', 'locking_mode', 'other_config']), VM: ref, MAC: mac, MAC_autogenerated: !snap });
    c.db.link('VM', ref, 'VIFs', newVif);
    c.db.link('network', String(vif['network']), 'VIFs', newVif);
  }
  return ref;
}

/** Copies one VDI for `mode` (snapshot VDIs are flagged and linked to their origin). */
export function copyVdi(c: FakeContext, srcRef: string, mode: CopyMode): string {
  const src = c.db.get('VDI', srcRef);
  const snap = mode.kind === 'snapshot';
  const ref = createVdi(c, {
    ...pick(src, ['name_label', 'name_description', 'virtual_size', 'physical_utilisation', 'type', 'sharable', 'read_only', 'other_config', 'sm_config', 'on_boot']),
    SR: mode.kind === 'copy' ? mode.sr : String(src['SR']),
    is_a_snapshot: snap,
    snapshot_of: snap ? srcRef : NULL_REF,
    snapshot_time: snap ? xapiDate() : NEVER,
  });
  if (snap) c.db.link('VDI', srcRef, 'snapshots', ref);
  return ref;
}

/** Some fields of a record (deep-copied). */
export function pick(r: XapiRecord, keys: readonly string[]): XapiRecord {
  return Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, structuredClone(r[k]!)]));
}
