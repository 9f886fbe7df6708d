import { HvStateError } from '../errors.js';
import type { XapiConnection } from './connection.js';
import { hasXapiCode } from './errors.js';
import { vmRecord } from './lookup.js';
import { isRef, isUuid, type VbdRecord, type VmRecord } from './records.js';

/** Errors meaning "that object is already gone". */
const GONE = ['HANDLE_INVALID', 'UUID_INVALID'];

/**
 * Destroys a VM or template by vizor id with its snapshots and disks; succeeds when it is
 * already gone. Refuses dom0 and XenServer's own default templates.
 */
export async function destroy(x: XapiConnection, id: string): Promise<void> {
  if (!isRef(id) && !isUuid(id)) return;
  let ref: string;
  try {
    ref = isRef(id) ? id : await x.call<string>('VM.get_by_uuid', id);
  } catch (err) {
    if (hasXapiCode(err, ...GONE)) return;
    throw err;
  }
  await destroyVm(x, ref);
}

/**
 * Xen Orchestra's order, with snapshots first: hard shutdown if not halted; each
 * snapshot with its disks (so an interrupted destroy never leaves orphaned snapshots
 * behind a VM that is gone); note the VM's disk VDIs; VM.destroy (drops VBDs and VIFs);
 * then VDI.destroy for each disk no other VM uses. CD images are never touched.
 */
export async function destroyVm(x: XapiConnection, ref: string): Promise<void> {
  let vm: VmRecord;
  try {
    vm = await vmRecord(x, ref);
  } catch (err) {
    if (hasXapiCode(err, ...GONE)) return;
    throw err;
  }
  if (vm.is_control_domain || vm.is_default_template) {
    throw new HvStateError(`xenserver: refusing to destroy ${vm.is_control_domain ? 'the control domain' : `the default template "${vm.name_label}"`}`, { platform: 'xenserver' });
  }
  if (vm.power_state !== 'Halted') await ignoreGone(x.callAsync('VM.hard_shutdown', ref), 'VM_BAD_POWER_STATE');
  for (const snap of vm.snapshots) await destroyVm(x, snap);
  const disks = await diskVdis(x, vm);
  await ignoreGone(x.callAsync('VM.destroy', ref));
  for (const vdi of disks) await destroyUnusedVdi(x, vdi);
}

/** The VDIs behind the VM's disk VBDs (not its CD drives). */
export async function diskVdis(x: XapiConnection, vm: VmRecord): Promise<string[]> {
  const vdis: string[] = [];
  for (const vbd of vm.VBDs) {
    const r = await x.call<VbdRecord>('VBD.get_record', vbd);
    if (r.type === 'Disk' && !r.empty) vdis.push(r.VDI);
  }
  return vdis;
}

/** VDI.destroy unless another VM still has the disk attached (or it is already gone). */
async function destroyUnusedVdi(x: XapiConnection, vdi: string): Promise<void> {
  try {
    if ((await x.call<string[]>('VDI.get_VBDs', vdi)).length > 0) return;
    await x.callAsync('VDI.destroy', vdi);
  } catch (err) {
    if (!hasXapiCode(err, ...GONE)) throw err;
  }
}

/** Awaits `p`, treating "already gone" (and any of `also`) as done. */
async function ignoreGone(p: Promise<unknown>, ...also: string[]): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!hasXapiCode(err, ...GONE, ...also)) throw err;
  }
}
