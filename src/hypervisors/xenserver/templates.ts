import { HvStateError } from '../errors.js';
import type { CloneSpec, TemplateInfo, VmInfo } from '../types.js';
import type { XapiConnection } from './connection.js';
import { replaceVifs, setMemory, setVcpus } from './container.js';
import { destroyVm } from './destroy.js';
import { hasXapiCode } from './errors.js';
import { findDiskSr, findNetwork, findTemplate, vmRecord, vmRef, type NetworkRecord } from './lookup.js';
import { ejectAll } from './media.js';
import { normaliseMac, randomMac, TAG_KEYS, tagOf, type VifRecord, type VmRecord } from './records.js';
import { setMapEntry, vmInfoByRef, writeTag } from './vms.js';

const stateError = (msg: string): HvStateError => new HvStateError(`xenserver: ${msg}`, { platform: 'xenserver' });

/**
 * Turns a halted VM into a template as Xen Orchestra does: eject every CD, rename, retag
 * as role "template" (same owner), mark unpublished, then VM.set_is_a_template(true).
 */
export async function convertToTemplate(x: XapiConnection, vmId: string, name: string): Promise<TemplateInfo> {
  const ref = await vmRef(x, vmId);
  const vm = await vmRecord(x, ref);
  if (vm.is_a_template) throw stateError(`${vm.uuid} is already a template`);
  if (vm.power_state !== 'Halted') throw stateError(`VM ${vm.uuid} must be halted to become a template (it is ${vm.power_state})`);
  await ejectAll(x, vm);
  await x.call('VM.set_name_label', ref, name);
  const owner = tagOf(vm.other_config)?.owner;
  if (owner) await writeTag(x, ref, { role: 'template', owner });
  await setMapEntry(x, 'VM', ref, 'other_config', TAG_KEYS.published, 'false');
  await x.call('VM.set_is_a_template', ref, true);
  return { id: vm.uuid, name, published: false };
}

/**
 * XenServer has no per-template permissions: every pool user sees every template. vizor
 * records the intent in other_config["vizor.published"] ("true"/"false") so rooms and the
 * UI can offer only published templates.
 */
export async function publishTemplate(x: XapiConnection, templateId: string, published: boolean): Promise<void> {
  const ref = await vmRef(x, templateId);
  const vm = await vmRecord(x, ref);
  if (!vm.is_a_template || vm.is_a_snapshot) throw stateError(`${vm.uuid} is not a template`);
  await setMapEntry(x, 'VM', ref, 'other_config', TAG_KEYS.published, String(published));
}

/** Deletes a template with its disks and snapshots (gone already: success; a plain VM: HvStateError). */
export async function deleteTemplate(x: XapiConnection, templateId: string): Promise<void> {
  let vm: VmRecord;
  let ref: string;
  try {
    ref = await vmRef(x, templateId);
    vm = await vmRecord(x, ref);
  } catch (err) {
    if (hasXapiCode(err, 'HANDLE_INVALID', 'UUID_INVALID')) return;
    throw err;
  }
  if (!vm.is_a_template || vm.is_a_snapshot) throw stateError(`${vm.uuid} is not a template`);
  await destroyVm(x, ref);
}

/**
 * A VM from a template: VM.clone (fast, copy-on-write on the template's SRs), or VM.copy
 * to placement.storage when one is given; tag; VM.provision (leaves template mode); then
 * description, CPUs, memory and — when a MAC or network is asked for — a new VIF (XAPI
 * gives clones fresh random MACs, and a VIF's MAC cannot be changed in place).
 */
export async function cloneVm(x: XapiConnection, spec: CloneSpec): Promise<VmInfo> {
  const template = await findTemplate(x, spec.templateId);
  const network = spec.network !== undefined ? await findNetwork(x, spec.network) : undefined;
  const storage = spec.placement?.['storage'];
  const sr = storage !== undefined ? await findDiskSr(x, storage) : undefined;
  const mac = spec.mac !== undefined ? normaliseMac(spec.mac) : undefined;
  const ref = sr
    ? await x.callAsync<string>('VM.copy', template.ref, spec.name, sr.ref)
    : await x.callAsync<string>('VM.clone', template.ref, spec.name);
  try {
    await writeTag(x, ref, spec.tag);
    await x.call('VM.remove_from_other_config', ref, TAG_KEYS.published);
    await x.callAsync('VM.provision', ref);
    if (spec.description !== undefined) await x.call('VM.set_name_description', ref, spec.description);
    const vm = await vmRecord(x, ref);
    if (spec.vcpus !== undefined) await setVcpus(x, ref, vm, spec.vcpus);
    if (spec.memoryMiB !== undefined) await setMemory(x, ref, vm, spec.memoryMiB);
    if (mac !== undefined || network !== undefined) {
      const first = vm.VIFs[0] ? await x.call<VifRecord>('VIF.get_record', vm.VIFs[0]) : undefined;
      const net = network ?? (first ? { ref: first.network, record: await x.call<NetworkRecord>('network.get_record', first.network) } : undefined);
      if (!net) throw stateError(`template ${template.record.uuid} has no VIF: name a network for the clone`);
      await replaceVifs(x, ref, vm.VIFs, net, mac ?? randomMac());
    }
    return await vmInfoByRef(x, ref);
  } catch (err) {
    await destroyVm(x, ref).catch(() => undefined);
    throw err;
  }
}
