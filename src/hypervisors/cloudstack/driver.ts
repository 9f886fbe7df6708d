/**
 * The CloudStack driver. CloudStack cannot network-boot a VM, so a container is deployed
 * from vizor's iPXE boot ISO (registered once per zone) with a blank ROOT disk sized by a
 * disk offering; iPXE on the ISO chains to vizor's /boot/ipxe. vizor's tag is written as
 * resource tags, and everything is found again by those tags, never by name alone.
 */
import { HvNotFoundError, HvStateError, HvUnsupportedError } from '../errors.js';
import { pollUntil } from '../retry.js';
import type {
  AttachedPayload, BootDevice, CloneSpec, ContainerSpec, HypervisorDriver, PayloadSpec, PlatformInfo, PlatformResource, PowerState,
  ResourceKind, SnapshotInfo, TemplateInfo, VizorTag, VmInfo, VmOptions, VmPermission, WaitOptions,
} from '../types.js';
import { isNotFound, type CsObject } from './client.js';
import { DriverCore, type CloudStackDriverOptions } from './core.js';
import * as images from './images.js';
import * as media from './media.js';
import { listAll, TAG, tagParams, templateAsVm, toVmInfo, vizorTagOf, vizorTags } from './present.js';
import { toResources, toolsIsoOf } from './resolve.js';

/** vizor's driver for Apache CloudStack (API 4.x, signed requests). */
export class CloudStackDriver implements HypervisorDriver {
  readonly kind = 'cloudstack' as const;
  private readonly core: DriverCore;

  constructor(opts: CloudStackDriverOptions) {
    this.core = new DriverCore(opts);
  }

  async test(): Promise<PlatformInfo> {
    const r = await this.core.client.call('listCapabilities');
    const cap = (r.capability ?? {}) as CsObject;
    return {
      kind: 'cloudstack', endpoint: this.core.opts.url, version: String(cap.cloudstackversion ?? 'unknown'),
      details: { userExpungeAllowed: cap.allowuserexpungerecovervm === true },
    };
  }

  listResources(kind: ResourceKind): Promise<PlatformResource[]> {
    return toResources(this.core.client, kind);
  }

  async findToolsIso(): Promise<PlatformResource | null> {
    return toolsIsoOf(await listAll(this.core.client, 'listIsos', 'iso', { isofilter: 'executable' }));
  }

  async createContainer(spec: ContainerSpec): Promise<VmInfo> {
    const { core } = this;
    if (spec.firmware === 'uefi' && !core.bootIso?.uefi) {
      throw new HvUnsupportedError('cloudstack: the iPXE boot ISO has no UEFI entry (bootIso.uefi); create BIOS containers or build the ISO with an EFI iPXE', { platform: 'cloudstack' });
    }
    const p = spec.placement ?? {};
    const zoneId = await core.resolver.zone(p.zone);
    // everything is looked up before anything is created: a wrong name costs nothing
    const network = await core.resolver.network(zoneId, spec.network);
    const offering = await core.resolver.offering(spec.vcpus, spec.memoryMiB, p.offering);
    const disk = await core.resolver.diskOffering(spec.diskGiB, p.diskOffering);
    const osTypeId = spec.osType ? await core.resolver.osType(spec.osType) : undefined;
    const hypervisor = core.opts.hypervisor ?? (await core.resolver.hypervisor(zoneId));
    const isoId = await core.bootIsoId(zoneId);
    const submitted = await core.client.call('deployVirtualMachine', {
      zoneid: zoneId, templateid: isoId, hypervisor,
      serviceofferingid: offering.serviceofferingid, ...offering.details,
      diskofferingid: disk.diskofferingid, ...(disk.size ? { size: disk.size } : {}),
      networkids: String(network.id), name: spec.name, displayname: spec.name, startvm: 'false',
      boottype: spec.firmware === 'uefi' ? 'UEFI' : 'BIOS', bootmode: 'LEGACY',
      ...(spec.mac ? { macaddress: spec.mac.toLowerCase() } : {}),
    });
    const vmId = String(submitted.id ?? '');
    try {
      await core.client.waitJob('deployVirtualMachine', String(submitted.jobid));
    } catch (err) {
      // a failed deploy leaves the VM in Error: remove it
      if (vmId) await images.destroyVm(core, vmId).catch(() => undefined);
      throw err;
    }
    await images.tagOrDestroy(core, vmId, { ...vizorTags(spec.tag), ...(spec.description ? { 'vizor.description': spec.description } : {}) });
    if (osTypeId) await core.client.call('updateVirtualMachine', { id: vmId, ostypeid: osTypeId });
    return toVmInfo(await core.vm(vmId));
  }

  async getVm(id: string): Promise<VmInfo> {
    return toVmInfo(await this.core.vm(id));
  }

  async listVms(filter: { readonly owner?: string; readonly role?: VizorTag['role'] } = {}): Promise<VmInfo[]> {
    const wanted: Record<string, string> = {};
    if (filter.role) wanted[TAG.role] = filter.role;
    if (filter.owner !== undefined) wanted[TAG.owner] = filter.owner;
    const ours = (o: CsObject): boolean => {
      const tag = vizorTagOf(o);
      return tag !== null && (!filter.role || tag.role === filter.role) && (filter.owner === undefined || tag.owner === filter.owner);
    };
    const out: VmInfo[] = [];
    if (filter.role !== 'template') {
      const vms = await listAll(this.core.client, 'listVirtualMachines', 'virtualmachine', { listall: 'true', ...tagParams(wanted) });
      out.push(...vms.filter((vm) => ours(vm) && !DriverCore.isGone(vm)).map(toVmInfo));
    }
    if (!filter.role || filter.role === 'template') {
      const templates = await listAll(this.core.client, 'listTemplates', 'template', { templatefilter: 'self', ...tagParams(wanted) });
      out.push(...templates.filter(ours).map(templateAsVm));
    }
    return out;
  }

  attachIso(vmId: string, isoId: string): Promise<void> {
    return media.attachIso(this.core, vmId, isoId);
  }

  ejectIso(vmId: string): Promise<void> {
    return media.ejectIso(this.core, vmId);
  }

  attachPayload(vmId: string, payload: PayloadSpec): Promise<AttachedPayload> {
    return media.attachPayload(this.core, vmId, payload);
  }

  detachPayload(vmId: string, payload: AttachedPayload): Promise<void> {
    return media.detachPayload(this.core, vmId, payload);
  }

  setBootOrder(vmId: string, order: readonly BootDevice[]): Promise<void> {
    return media.setBootOrder(this.core, vmId, order);
  }

  /**
   * osType → updateVirtualMachine; description → a `vizor.description` tag. USB and stateless
   * VMs do not exist on CloudStack: asking for them is refused, asking for neither (false) is fine.
   */
  async setVmOptions(vmId: string, options: VmOptions): Promise<void> {
    if (options.usb === true || options.stateless === true) {
      throw new HvUnsupportedError('cloudstack: VMs have no USB controller setting or stateless mode', { platform: 'cloudstack' });
    }
    await this.core.vm(vmId);
    if (options.osType) await this.core.client.call('updateVirtualMachine', { id: vmId, ostypeid: await this.core.resolver.osType(options.osType) });
    if (options.description !== undefined) {
      await this.core.client.callAsync('deleteTags', { resourceids: vmId, resourcetype: 'UserVm', 'tags[0].key': 'vizor.description' });
      await this.core.client.callAsync('createTags', { resourceids: vmId, resourcetype: 'UserVm', ...tagParams({ 'vizor.description': options.description }) });
    }
  }

  /**
   * CloudStack has no per-VM roles: a VM belongs to one account or project. A user principal
   * (account name or id) or a group principal (project id) becomes the VM's owner through
   * assignVirtualMachine; the role is not used. The VM must be stopped.
   */
  async grant(vmId: string, permission: VmPermission): Promise<void> {
    const vm = await this.core.vm(vmId);
    if (vm.state !== 'Stopped') throw new HvStateError(`cloudstack: VM ${vmId} must be Stopped to change its owner`, { platform: 'cloudstack' });
    const { kind, id } = permission.principal;
    if (kind === 'group') {
      await this.core.client.call('assignVirtualMachine', { virtualmachineid: vmId, projectid: id });
      return;
    }
    const accounts = await listAll(this.core.client, 'listAccounts', 'account', { listall: 'true' });
    const account = accounts.find((a) => a.id === id) ?? accounts.find((a) => a.name === id);
    if (!account) throw new HvNotFoundError(`cloudstack: account "${id}" not found`, { platform: 'cloudstack' });
    await this.core.client.call('assignVirtualMachine', { virtualmachineid: vmId, account: String(account.name), domainid: String(account.domainid) });
  }

  async start(vmId: string): Promise<void> {
    if ((await this.core.vm(vmId)).state === 'Running') return;
    await this.core.client.callAsync('startVirtualMachine', { id: vmId });
  }

  /** A stop without `forced`: the hypervisor asks the guest to shut down (ACPI). */
  async shutdown(vmId: string): Promise<void> {
    if ((await this.core.vm(vmId)).state === 'Stopped') return;
    await this.core.client.callAsync('stopVirtualMachine', { id: vmId });
  }

  async stop(vmId: string): Promise<void> {
    if ((await this.core.vm(vmId)).state === 'Stopped') return;
    await this.core.client.callAsync('stopVirtualMachine', { id: vmId, forced: 'true' });
  }

  waitForPower(vmId: string, state: PowerState, options: WaitOptions): Promise<VmInfo> {
    return pollUntil('cloudstack', `VM ${vmId} to be ${state}`, async () => {
      const info = toVmInfo(await this.core.vm(vmId));
      return info.power === state ? info : undefined;
    }, { timeoutMs: options.timeoutMs, intervalMs: this.core.pollIntervalMs, signal: options.signal });
  }

  convertToTemplate(vmId: string, name: string): Promise<TemplateInfo> {
    return images.convertToTemplate(this.core, vmId, name);
  }

  publishTemplate(templateId: string, published: boolean): Promise<void> {
    return images.publishTemplate(this.core, templateId, published);
  }

  deleteTemplate(templateId: string): Promise<void> {
    return images.deleteTemplate(this.core, templateId);
  }

  clone(spec: CloneSpec): Promise<VmInfo> {
    return images.clone(this.core, spec);
  }

  snapshot(vmId: string, name: string, description: string): Promise<SnapshotInfo> {
    return images.snapshot(this.core, vmId, name, description);
  }

  listSnapshots(vmId: string): Promise<SnapshotInfo[]> {
    return images.listSnapshots(this.core, vmId);
  }

  revert(vmId: string, snapshotId: string): Promise<void> {
    return images.revert(this.core, vmId, snapshotId);
  }

  deleteSnapshot(_vmId: string, snapshotId: string): Promise<void> {
    return images.deleteSnapshot(this.core, snapshotId);
  }

  /**
   * Deletes the VM's snapshots, destroys and expunges it with its volumes, then deletes
   * payload ISOs the driver registered for it (they hold secrets). A VM already gone is success.
   */
  async destroy(vmId: string): Promise<void> {
    try {
      await this.core.vm(vmId);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    for (const s of await listAll(this.core.client, 'listVMSnapshot', 'vmSnapshot', { virtualmachineid: vmId })) {
      await images.deleteSnapshot(this.core, String(s.id));
    }
    await images.destroyVm(this.core, vmId);
    await media.deletePayloadIsos(this.core, vmId);
  }

  /** API keys have no session: nothing to end. */
  async close(): Promise<void> {}
}
