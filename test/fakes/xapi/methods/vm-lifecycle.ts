import type { CallContext, MethodTable } from '../context.js';
import { badPowerState, XapiFault } from '../faults.js';
import { NULL_REF } from '../schema.js';
import { bool, str } from './args.js';
import { copyVdi, copyVm, createVbd, destroyVbd, pick, powerOff, powerOn, vmConfig, vmIn } from './vm-common.js';

/** VM power operations and snapshots: start, clean/hard shutdown, resume, snapshot, revert. */
export function vmLifecycleMethods(table: MethodTable): void {
  table.set('VM.start', {
    params: 3,
    async: true,
    run: (c, [ref, paused, force]) => {
      bool(paused, 'start_paused');
      bool(force, 'force');
      const vm = vmIn(c, ref, ['Halted']);
      if (vm['is_a_template'] === true) throw new XapiFault('VM_IS_TEMPLATE', [String(ref)]);
      powerOn(c, String(ref));
    },
  });
  table.set('VM.clean_shutdown', {
    params: 1,
    async: true,
    run: (c, [ref]) => {
      vmIn(c, ref, ['Running']);
      if (!c.guests.hasPvDrivers(String(ref))) throw new XapiFault('VM_MISSING_PV_DRIVERS', [String(ref)]);
      powerOff(c, String(ref));
    },
  });
  table.set('VM.hard_shutdown', {
    params: 1,
    async: true,
    run: (c, [ref]) => (vmIn(c, ref, ['Running', 'Paused', 'Suspended']), powerOff(c, String(ref))),
  });
  table.set('VM.resume', {
    params: 3,
    async: true,
    run: (c, [ref]) => (vmIn(c, ref, ['Suspended']), powerOn(c, String(ref))),
  });
  table.set('VM.snapshot', {
    params: 2,
    optional: 1,
    async: true,
    run: (c, [ref, name]) => {
      const vm = vmIn(c, ref, ['Running', 'Halted', 'Paused', 'Suspended']);
      if (vm['is_a_template'] === true) throw new XapiFault('VM_IS_TEMPLATE', [String(ref)]);
      return copyVm(c, String(ref), str(name, 'new_name'), { kind: 'snapshot' });
    },
  });
  table.set('VM.revert', { params: 1, async: true, run: (c, [snap]) => revert(c, str(snap, 'snapshot')) });
}

/**
 * VM.revert: the VM of the snapshot goes Halted, its disks are replaced by fresh copies of
 * the snapshot's disks (the old ones are destroyed) and its configuration is restored.
 */
function revert(c: CallContext, snapRef: string): void {
  const snap = c.db.get('VM', snapRef);
  if (snap['is_a_snapshot'] !== true) throw new XapiFault('VM_REVERT_FAILED', [snapRef, 'not a snapshot']);
  const vmRef = String(snap['snapshot_of']);
  if (vmRef === NULL_REF || !c.db.find('VM', vmRef)) throw new XapiFault('VM_REVERT_FAILED', [snapRef, 'the snapshot has no VM']);
  const vm = c.db.get('VM', vmRef);
  if (vm['power_state'] === 'Running' || vm['power_state'] === 'Paused') powerOff(c, vmRef);
  if (vm['power_state'] === 'Suspended') throw badPowerState(vmRef, 'halted', 'suspended');
  for (const vbdRef of [...(vm['VBDs'] as string[])]) {
    const vbd = c.db.get('VBD', vbdRef);
    if (vbd['type'] !== 'Disk') continue;
    const vdi = String(vbd['VDI']);
    destroyVbd(c, vbdRef);
    const old = c.db.find('VDI', vdi);
    if (old && (old['VBDs'] as string[]).length === 0) {
      c.db.unlink('SR', String(old['SR']), 'VDIs', vdi);
      c.db.destroy('VDI', vdi);
    }
  }
  for (const vbdRef of snap['VBDs'] as string[]) {
    const vbd = c.db.get('VBD', vbdRef);
    if (vbd['type'] !== 'Disk' || vbd['VDI'] === NULL_REF) continue;
    const vdi = copyVdi(c, String(vbd['VDI']), { kind: 'clone' });
    createVbd(c, { ...pick(vbd, ['userdevice', 'bootable', 'mode', 'type', 'unpluggable', 'empty', 'other_config']), VM: vmRef, VDI: vdi });
  }
  c.db.update('VM', vmRef, { ...vmConfig(snap) });
}
