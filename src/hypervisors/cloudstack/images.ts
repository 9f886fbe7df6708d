/**
 * Templates, clones and VM snapshots on CloudStack. A template is made from the stopped VM's
 * ROOT volume (createTemplate); CloudStack keeps the VM, so vizor destroys it afterwards to
 * give the driver interface's "the VM id stops being a VM". The template is tagged with the
 * source VM's offering and network, the defaults for its clones.
 */
import { HvConfigError, HvStateError } from '../errors.js';
import type { CloneSpec, SnapshotInfo, TemplateInfo, VmInfo } from '../types.js';
import { isNotFound, type CsObject } from './client.js';
import type { DriverCore } from './core.js';
import { ejectIso } from './media.js';
import { listAll, TAG, tagMap, toSnapshot, toTemplate, toVmInfo, vizorTagOf, vizorTags, writeTags } from './present.js';
import type { OfferingChoice } from './resolve.js';

/** Destroys a VM for good (expunged), falling back to a plain destroy where users may not expunge. */
export async function destroyVm(core: DriverCore, vmId: string): Promise<void> {
  try {
    await core.client.callAsync('destroyVirtualMachine', { id: vmId, expunge: 'true' });
  } catch (err) {
    if (isNotFound(err)) return;
    // allow.user.expunge.recover.vm off: the VM is destroyed now and expunged by CloudStack later
    if (err instanceof Error && /expunge/i.test(err.message)) {
      await core.client.callAsync('destroyVirtualMachine', { id: vmId }).catch((e: unknown) => {
        if (!isNotFound(e)) throw e;
      });
      return;
    }
    throw err;
  }
}

/** Turns a stopped VM into a template and removes the VM. */
export async function convertToTemplate(core: DriverCore, vmId: string, name: string): Promise<TemplateInfo> {
  const vm = await core.vm(vmId);
  if (vm.state !== 'Stopped') {
    throw new HvStateError(`cloudstack: VM ${vmId} is ${String(vm.state)}; it must be Stopped to become a template`, { platform: 'cloudstack', platformMessage: String(vm.state) });
  }
  await ejectIso(core, vmId);
  const volumes = await listAll(core.client, 'listVolumes', 'volume', { virtualmachineid: vmId, type: 'ROOT' });
  const root = volumes[0];
  if (!root) throw new HvStateError(`cloudstack: VM ${vmId} has no ROOT volume`, { platform: 'cloudstack' });
  const { id, result } = await core.client.callAsync('createTemplate', {
    name, displaytext: name, volumeid: String(root.id), ostypeid: String(vm.ostypeid ?? vm.guestosid),
    ispublic: 'false', isfeatured: 'false', passwordenabled: 'false',
  });
  const template = (result.template as CsObject | undefined) ?? { id, name, ispublic: false };
  const nic = Array.isArray(vm.nic) ? ((vm.nic as CsObject[]).find((n) => n.isdefault === true) ?? (vm.nic as CsObject[])[0]) : undefined;
  const tag = vizorTagOf(vm);
  try {
    await writeTags(core.client, 'Template', String(template.id), {
      ...vizorTags({ role: 'template', owner: tag?.owner ?? '' }),
      [TAG.offering]: String(vm.serviceofferingid ?? ''),
      ...(vm.cpunumber ? { [TAG.cpus]: String(vm.cpunumber) } : {}),
      ...(vm.memory ? { [TAG.memory]: String(vm.memory) } : {}),
      ...(nic ? { [TAG.network]: String(nic.networkid) } : {}),
    });
  } catch (err) {
    // an untagged template would be invisible to vizor: remove it, keep the VM
    await deleteTemplate(core, String(template.id)).catch(() => undefined);
    throw err;
  }
  await destroyVm(core, vmId);
  return toTemplate(template);
}

/** Makes a template public (or private again). */
export async function publishTemplate(core: DriverCore, templateId: string, published: boolean): Promise<void> {
  await core.client.call('updateTemplatePermissions', { id: templateId, ispublic: String(published) });
}

/** Deletes a template; one that is already gone is fine. */
export async function deleteTemplate(core: DriverCore, templateId: string): Promise<void> {
  await core.client.callAsync('deleteTemplate', { id: templateId }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
}

/** Deploys a halted VM from a template, tagged for vizor. */
export async function clone(core: DriverCore, spec: CloneSpec): Promise<VmInfo> {
  const r = await core.client.call('listTemplates', { templatefilter: 'executable', id: spec.templateId });
  const template = Array.isArray(r.template) ? (r.template[0] as CsObject | undefined) : undefined;
  const defaults = template ? tagMap(template) : new Map<string, string>();
  // the template's own zone unless the placement names another
  const zoneId = spec.placement?.zone || !template ? await core.resolver.zone(spec.placement?.zone) : String(template.zoneid);
  let offering: OfferingChoice;
  const cpus = spec.vcpus ?? (defaults.has(TAG.cpus) ? Number(defaults.get(TAG.cpus)) : undefined);
  const memory = spec.memoryMiB ?? (defaults.has(TAG.memory) ? Number(defaults.get(TAG.memory)) : undefined);
  // The source VM's offering (a custom one needs its size again) unless the clone asks for another size.
  if (cpus !== undefined && memory !== undefined) offering = await core.resolver.offering(cpus, memory, spec.placement?.offering ?? (spec.vcpus === undefined ? defaults.get(TAG.offering) : undefined));
  else offering = { serviceofferingid: spec.placement?.offering ?? defaults.get(TAG.offering) ?? '', details: {} };
  const networkName = spec.network ?? spec.placement?.network;
  const networkId = networkName ? String((await core.resolver.network(zoneId, networkName)).id) : (defaults.get(TAG.network) ?? '');
  if (!offering.serviceofferingid || !networkId) {
    throw new HvConfigError(`cloudstack: clone ${spec.name}: template ${spec.templateId} was not made by vizor, so give vcpus + memoryMiB (or placement.offering) and network`, { platform: 'cloudstack' });
  }
  const { id, result } = await core.client.callAsync('deployVirtualMachine', {
    zoneid: zoneId, templateid: spec.templateId, serviceofferingid: offering.serviceofferingid, ...offering.details,
    networkids: networkId, name: spec.name, displayname: spec.description ?? spec.name, startvm: 'false',
    ...(spec.mac ? { macaddress: spec.mac.toLowerCase() } : {}),
  });
  const vmId = String((result.virtualmachine as CsObject | undefined)?.id ?? id);
  await tagOrDestroy(core, vmId, vizorTags(spec.tag));
  return toVmInfo(await core.vm(vmId));
}

/** Tags a new VM; if that fails the VM is destroyed, so no untagged vizor VM is left behind. */
export async function tagOrDestroy(core: DriverCore, vmId: string, tags: Readonly<Record<string, string>>): Promise<void> {
  try {
    await writeTags(core.client, 'UserVm', vmId, tags);
  } catch (err) {
    await destroyVm(core, vmId).catch(() => undefined);
    throw err;
  }
}

/** Snapshots a VM; memory is included when it runs, so a revert resumes it running. */
export async function snapshot(core: DriverCore, vmId: string, name: string, description: string): Promise<SnapshotInfo> {
  const vm = await core.vm(vmId);
  const { id, result } = await core.client.callAsync('createVMSnapshot', {
    virtualmachineid: vmId, name, description, snapshotmemory: String(vm.state === 'Running'),
  });
  const snap = (result.vmsnapshot as CsObject | undefined) ?? { id, displayname: name, description };
  return toSnapshot(snap);
}

/** The VM's snapshots. */
export async function listSnapshots(core: DriverCore, vmId: string): Promise<SnapshotInfo[]> {
  await core.vm(vmId);
  return (await listAll(core.client, 'listVMSnapshot', 'vmSnapshot', { virtualmachineid: vmId })).map(toSnapshot);
}

/** Reverts to a snapshot; a disk-only snapshot needs the VM stopped, so a running VM is powered off first. */
export async function revert(core: DriverCore, vmId: string, snapshotId: string): Promise<void> {
  const snaps = await listAll(core.client, 'listVMSnapshot', 'vmSnapshot', { virtualmachineid: vmId, vmsnapshotid: snapshotId });
  const snap = snaps.find((s) => s.id === snapshotId);
  const vm = await core.vm(vmId);
  if (snap?.type === 'Disk' && vm.state !== 'Stopped') await core.client.callAsync('stopVirtualMachine', { id: vmId, forced: 'true' });
  await core.client.callAsync('revertToVMSnapshot', { vmsnapshotid: snapshotId });
}

/** Deletes a snapshot; one already gone is fine. */
export async function deleteSnapshot(core: DriverCore, snapshotId: string): Promise<void> {
  await core.client.callAsync('deleteVMSnapshot', { vmsnapshotid: snapshotId }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });
}
