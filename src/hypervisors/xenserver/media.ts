import type { XapiConnection } from './connection.js';
import { vbdRecord } from './container.js';
import { hasXapiCode } from './errors.js';
import { findIso, vmRecord, vmRef } from './lookup.js';
import { NULL_REF, type VbdRecord, type VmRecord } from './records.js';

/** The VM's CD drives with their records. */
export async function cdDrives(x: XapiConnection, vm: VmRecord): Promise<Array<{ ref: string; record: VbdRecord }>> {
  const out: Array<{ ref: string; record: VbdRecord }> = [];
  for (const ref of vm.VBDs) {
    const record = await x.call<VbdRecord>('VBD.get_record', ref);
    if (record.type === 'CD') out.push({ ref, record });
  }
  return out;
}

/** Ejects a CD drive; an already empty drive is fine. */
export async function eject(x: XapiConnection, vbd: string): Promise<void> {
  try {
    await x.callAsync('VBD.eject', vbd);
  } catch (err) {
    if (!hasXapiCode(err, 'VBD_IS_EMPTY', 'VBD_NOT_REMOVABLE_MEDIA')) throw err;
  }
}

/**
 * Puts an ISO VDI into the VM's CD drive: eject what is there, then VBD.insert. A VM
 * without a CD drive gets one (userdevice 3 when free), plugged if the VM runs.
 */
export async function insertCd(x: XapiConnection, vmRefValue: string, vdi: string): Promise<void> {
  const vm = await vmRecord(x, vmRefValue);
  const [drive] = await cdDrives(x, vm);
  if (drive) {
    if (!drive.record.empty) {
      if (drive.record.VDI === vdi) return;
      await eject(x, drive.ref);
    }
    await x.callAsync('VBD.insert', drive.ref, vdi);
    return;
  }
  const allowed = await x.call<string[]>('VM.get_allowed_VBD_devices', vmRefValue);
  const vbd = await x.call<string>('VBD.create', vbdRecord(vmRefValue, vdi, allowed.includes('3') ? '3' : allowed[0] ?? '3', 'CD'));
  if (vm.power_state === 'Running') await x.callAsync('VBD.plug', vbd);
}

/** Inserts an ISO (uuid, ref or name of a VDI on an ISO SR) into the VM's CD drive. */
export async function attachIso(x: XapiConnection, vmId: string, isoId: string): Promise<void> {
  const ref = await vmRef(x, vmId);
  const iso = await findIso(x, isoId);
  await insertCd(x, ref, iso.ref);
}

/** Empties every CD drive of the VM (drives stay, so an ISO can go in again while it runs). */
export async function ejectIso(x: XapiConnection, vmId: string): Promise<void> {
  await ejectAll(x, await vmRecord(x, await vmRef(x, vmId)));
}

/** Ejects every non-empty CD drive of a VM record. */
export async function ejectAll(x: XapiConnection, vm: VmRecord): Promise<void> {
  for (const drive of await cdDrives(x, vm)) if (!drive.record.empty && drive.record.VDI !== NULL_REF) await eject(x, drive.ref);
}
