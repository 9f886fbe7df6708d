/**
 * ISOs, payloads and "boot order" on CloudStack VMs. A VM has one CD drive (attachIso /
 * detachIso). CloudStack has no floppies, and no boot order: a VM deployed from an ISO boots
 * that ISO while it is attached and its ROOT disk once it is detached, so vizor's
 * network-first order means "the iPXE boot ISO attached" and disk-first means "no ISO".
 */
import { HvNotFoundError, HvUnsupportedError } from '../errors.js';
import type { AttachedPayload, BootDevice, PayloadSpec } from '../types.js';
import { isNotFound, type CsObject } from './client.js';
import type { DriverCore } from './core.js';
import { findIsos, registerIso, waitIsoReady } from './isos.js';
import { listAll, TAG, tagMap, tagParams } from './present.js';

/** Attaches an ISO by id, first detaching a different one (a VM has a single CD drive). */
export async function attachIso(core: DriverCore, vmId: string, isoId: string): Promise<void> {
  const vm = await core.vm(vmId);
  if (vm.isoid === isoId) return;
  if (vm.isoid) await core.client.callAsync('detachIso', { virtualmachineid: vmId });
  await core.client.callAsync('attachIso', { id: isoId, virtualmachineid: vmId });
}

/** Detaches whatever ISO the VM has; nothing to do when it has none. */
export async function ejectIso(core: DriverCore, vmId: string): Promise<void> {
  const vm = await core.vm(vmId);
  if (!vm.isoid) return;
  await core.client.callAsync('detachIso', { virtualmachineid: vmId });
}

/**
 * Attaches a payload ISO. CloudStack only takes ISOs it downloaded itself: a registered ISO
 * of that name is used; otherwise, with `payloadBaseUrl`, vizor's copy is registered from
 * `<payloadBaseUrl>/<name>` (tagged, so detachPayload deletes it again: payloads hold secrets).
 * Floppy payloads are unsupported.
 */
export async function attachPayload(core: DriverCore, vmId: string, payload: PayloadSpec): Promise<AttachedPayload> {
  if (payload.kind === 'floppy') {
    throw new HvUnsupportedError('cloudstack: VMs have no floppy drive; build the payload as an ISO', { platform: 'cloudstack' });
  }
  const vm = await core.vm(vmId);
  const zoneId = String(vm.zoneid);
  const found = await findIsos(core.client, payload.name, zoneId, {}, 'executable');
  let iso: CsObject | undefined = found.find((i) => i.isready === true) ?? found[0];
  if (!iso) {
    const base = core.opts.payloadBaseUrl;
    if (!base) {
      throw new HvNotFoundError(`cloudstack: no ISO named "${payload.name}" is registered, and no payloadBaseUrl is set to register vizor's copy`, { platform: 'cloudstack' });
    }
    const id = await registerIso(core.client, {
      name: payload.name, url: `${base.replace(/\/+$/, '')}/${encodeURIComponent(payload.name)}`, zoneId, bootable: false,
      osTypeId: String(vm.ostypeid ?? vm.guestosid), tags: { [TAG.payload]: vmId },
    });
    iso = { id, isready: false };
  }
  const id = String(iso.id);
  if (iso.isready !== true) await waitIsoReady(core.client, id, core.opts.jobTimeoutMs ?? 30 * 60_000, core.pollIntervalMs);
  await attachIso(core, vmId, id);
  return { kind: 'iso', id };
}

/** Detaches a payload ISO, and deletes it when the driver registered it. */
export async function detachPayload(core: DriverCore, vmId: string, payload: AttachedPayload): Promise<void> {
  let vm: CsObject | null = null;
  try {
    vm = await core.vm(vmId);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (vm?.isoid === payload.id) await core.client.callAsync('detachIso', { virtualmachineid: vmId });
  const r = await core.client.call('listIsos', { isofilter: 'self', id: payload.id }).catch((err: unknown): CsObject => {
    if (isNotFound(err)) return {};
    throw err;
  });
  const iso = Array.isArray(r.iso) ? (r.iso[0] as CsObject | undefined) : undefined;
  const registeredByUs = Array.isArray(iso?.tags) && (iso!.tags as CsObject[]).some((t) => t.key === TAG.payload);
  if (iso && registeredByUs) await core.client.callAsync('deleteIso', { id: payload.id });
}

/**
 * The closest CloudStack has to a boot order: `network` or `cdrom` first keeps (or puts
 * back) the iPXE boot ISO in the drive, `disk` first takes any ISO out so the ROOT disk boots.
 */
export async function setBootOrder(core: DriverCore, vmId: string, order: readonly BootDevice[]): Promise<void> {
  const first = order[0];
  if (first === 'disk' || first === undefined) return ejectIso(core, vmId);
  const vm = await core.vm(vmId);
  if (first === 'cdrom' && vm.isoid) return; // whatever ISO is in the drive boots first
  const bootIso = await core.bootIsoId(String(vm.zoneid));
  await attachIso(core, vmId, bootIso);
}

/** Deletes the payload ISOs the driver registered for a VM (tagged `vizor.payload=<vm id>`). */
export async function deletePayloadIsos(core: DriverCore, vmId: string): Promise<void> {
  const isos = await listAll(core.client, 'listIsos', 'iso', { isofilter: 'self', ...tagParams({ [TAG.payload]: vmId }) });
  for (const iso of isos.filter((i) => tagMap(i).get(TAG.payload) === vmId)) {
    await core.client.callAsync('deleteIso', { id: String(iso.id) }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}
