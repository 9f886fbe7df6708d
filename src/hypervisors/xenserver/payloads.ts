/**
 * Payload ISOs on XenServer. XenServer has no virtual floppy, so payloads are ISOs in a CD
 * drive. With a payload library configured (payloadSr + payloadDir), vizor delivers them the
 * way an admin would: copy the image into the ISO SR's folder, SR.scan so XAPI introduces
 * it as a VDI, insert that VDI; on detach, eject, delete the file and scan again. Without
 * one, the image must already be on an ISO SR under `payload.name`.
 */
import { HvConfigError, HvNotFoundError, HvUnsupportedError, HypervisorError, type PlatformFailure } from '../errors.js';
import type { AttachedPayload, PayloadSpec } from '../types.js';
import type { XapiConnection } from './connection.js';
import { vbdRecord } from './container.js';
import { hasXapiCode } from './errors.js';
import { findIso, pickByIdOrName, vmRecord, vmRef, type Found, type SrRecord } from './lookup.js';
import { cdDrives, eject, insertCd } from './media.js';
import { checkPayloadName, removePayloadFile, writePayloadFile } from './payload-dir.js';
import type { VdiRecord, VmRecord } from './records.js';

const platform = 'xenserver' as const;

/** Where vizor uploads payload ISOs: an ISO SR and its storage folder as mounted on the vizor host. */
export interface PayloadLibrary {
  /** The ISO SR (name, uuid or ref). */
  readonly sr: string;
  /** Absolute path of that SR's folder on this host. */
  readonly dir: string;
}

/** Runs SR scans one at a time per SR: XAPI refuses a scan while one runs on the same SR. */
export class ScanQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Scans `sr` (a ref) after any scan of it this driver already started. */
  scan(x: XapiConnection, sr: Found<SrRecord>): Promise<void> {
    const run = (): Promise<void> => x.callAsync('SR.scan', sr.ref).then(() => undefined, (err: unknown) => Promise.reject(scanError(sr, err)));
    const next = (this.tails.get(sr.ref) ?? Promise.resolve()).then(run, run);
    const tail = next.catch(() => undefined);
    this.tails.set(sr.ref, tail);
    void tail.then(() => {
      if (this.tails.get(sr.ref) === tail) this.tails.delete(sr.ref);
    });
    return next;
  }
}

/** Attaches a payload ISO: uploaded into the library when there is one, else found by name. */
export async function attachPayload(x: XapiConnection, scans: ScanQueue, vmId: string, payload: PayloadSpec, library: PayloadLibrary | undefined): Promise<AttachedPayload> {
  if (payload.kind === 'floppy') {
    throw new HvUnsupportedError('xenserver: VMs have no floppy drive; build the payload as an ISO', { platform });
  }
  if (!library) return attachExisting(x, vmId, payload.name);
  const name = checkPayloadName(payload.name);
  const vm = await vmRef(x, vmId);
  const sr = await payloadSr(x, library.sr);
  await writePayloadFile(library.dir, name, payload.path);
  try {
    await scans.scan(x, sr);
    const vdi = await vdiOnSr(x, sr.ref, name);
    if (!vdi) {
      throw new HvNotFoundError(
        `xenserver: SR "${sr.record.name_label}" did not list ${name} after a scan: is payloadDir (${library.dir}) the folder this SR mounts?`,
        { platform },
      );
    }
    await insertPayload(x, vm, vdi.ref);
    return { kind: 'iso', id: vdi.record.uuid };
  } catch (err) {
    // Leave no payload (it may hold a password) behind a failed attach.
    await removePayloadFile(library.dir, name).catch(() => undefined);
    await scans.scan(x, sr).catch(() => undefined);
    throw err;
  }
}

/**
 * Ejects the payload from the VM; with a library, also deletes its file and scans so the
 * VDI goes. A payload whose VDI is already gone, or a VM that is gone, is not an error:
 * whatever is left is still cleaned up. Files on other SRs are never deleted.
 */
export async function detachPayload(x: XapiConnection, scans: ScanQueue, vmId: string, payload: AttachedPayload, library: PayloadLibrary | undefined): Promise<void> {
  const vdi = await vdiByUuid(x, payload.id);
  const vm = await vmIfAny(x, vmId, library === undefined);
  if (!vdi) return;
  if (vm) for (const drive of await cdDrives(x, vm)) if (drive.record.VDI === vdi.ref) await eject(x, drive.ref);
  if (!library) return;
  const sr = await payloadSr(x, library.sr);
  if (vdi.record.SR !== sr.ref) return;
  await removePayloadFile(library.dir, vdi.record.location);
  await scans.scan(x, sr);
}

/** The payloadSr: must exist and be an ISO SR that is not the host-local tools SR (HvConfigError). */
export async function payloadSr(x: XapiConnection, key: string): Promise<Found<SrRecord>> {
  const hit = pickByIdOrName(await x.call<Record<string, SrRecord>>('SR.get_all_records'), key);
  if (!hit) throw new HvConfigError(`xenserver: payloadSr "${key}" names no SR (give the name or uuid of an NFS or CIFS ISO library SR)`, { platform });
  const { name_label: name, content_type: content, type } = hit.record;
  if (content !== 'iso') {
    throw new HvConfigError(`xenserver: payloadSr "${name}" is a ${type} SR with content type "${content}", not an ISO SR: name an NFS or CIFS ISO library SR`, { platform });
  }
  if (hit.record.is_tools_sr) throw new HvConfigError(`xenserver: payloadSr "${name}" is the guest-tools SR, local to the host: name an NFS or CIFS ISO library SR`, { platform });
  return hit;
}

/** Without a library: the payload must already be an ISO on some ISO SR. */
async function attachExisting(x: XapiConnection, vmId: string, name: string): Promise<AttachedPayload> {
  const ref = await vmRef(x, vmId);
  let iso;
  try {
    iso = await findIso(x, name);
  } catch (err) {
    if (!(err instanceof HvNotFoundError)) throw err;
    throw new HvNotFoundError(
      `xenserver: payload ISO "${name}" is not on any ISO SR; set the driver options payloadSr (an ISO library SR) and payloadDir (its folder, mounted on this host) so vizor uploads payloads itself`,
      { platform, cause: err },
    );
  }
  await insertCd(x, ref, iso.ref);
  return { kind: 'iso', id: iso.record.uuid };
}

/** The VDI on `sr` named `name` (on ISO SRs, name_label is the file name). */
async function vdiOnSr(x: XapiConnection, sr: string, name: string): Promise<Found<VdiRecord> | undefined> {
  for (const ref of await x.call<string[]>('VDI.get_by_name_label', name)) {
    const record = await x.call<VdiRecord>('VDI.get_record', ref);
    if (record.SR === sr && !record.is_a_snapshot) return { ref, record };
  }
  return undefined;
}

/**
 * Puts the payload VDI into an empty CD drive, leaving an install or tools ISO where it
 * is. Without an empty drive, a halted VM gets another CD drive; a running one cannot
 * (HVM guests do not hot-plug CD drives), so its first drive is swapped.
 */
async function insertPayload(x: XapiConnection, vm: string, vdi: string): Promise<void> {
  const record = await vmRecord(x, vm);
  const drives = await cdDrives(x, record);
  if (drives.some((d) => !d.record.empty && d.record.VDI === vdi)) return;
  const empty = drives.find((d) => d.record.empty);
  if (empty) {
    await x.callAsync('VBD.insert', empty.ref, vdi);
    return;
  }
  if (drives.length > 0 && record.power_state !== 'Halted') {
    await insertCd(x, vm, vdi);
    return;
  }
  const allowed = await x.call<string[]>('VM.get_allowed_VBD_devices', vm);
  const device = allowed.includes('3') ? '3' : allowed[0];
  if (device === undefined) throw new HvConfigError(`xenserver: VM ${record.name_label} has no free device for a payload CD drive`, { platform });
  const vbd = await x.call<string>('VBD.create', vbdRecord(vm, vdi, device, 'CD'));
  if (record.power_state === 'Running') await x.callAsync('VBD.plug', vbd);
}

/** A VDI by uuid, or undefined once it is gone. */
async function vdiByUuid(x: XapiConnection, uuid: string): Promise<Found<VdiRecord> | undefined> {
  try {
    const ref = await x.call<string>('VDI.get_by_uuid', uuid);
    return { ref, record: await x.call<VdiRecord>('VDI.get_record', ref) };
  } catch (err) {
    if (hasXapiCode(err, 'UUID_INVALID', 'HANDLE_INVALID')) return undefined;
    throw err;
  }
}

/** The VM's record; with `strict` a missing VM is HvNotFoundError, else undefined. */
async function vmIfAny(x: XapiConnection, vmId: string, strict: boolean): Promise<VmRecord | undefined> {
  try {
    return await vmRecord(x, await vmRef(x, vmId));
  } catch (err) {
    if (!strict && err instanceof HvNotFoundError) return undefined;
    throw err;
  }
}

/** A failed scan of the payload SR, same class, saying which SR. */
function scanError(sr: Found<SrRecord>, err: unknown): unknown {
  if (!(err instanceof HypervisorError)) return err;
  const failure: PlatformFailure = { platform, platformCode: err.platformCode, platformMessage: err.platformMessage, cause: err };
  const Cls = err.constructor as new (message: string, failure: PlatformFailure) => HypervisorError;
  return new Cls(`xenserver: scanning payloadSr "${sr.record.name_label}" failed: ${err.message.replace(/^xenserver: /, '')}`, failure);
}
