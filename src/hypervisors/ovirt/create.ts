/**
 * Making VMs: an empty network-boot container from the Blank template (disk and NIC added
 * afterwards, as the engine wants), and clones of vizor's templates with independent disks
 * (`clone=true`). A failure after the VM exists removes it again.
 */
import { HvRequestError } from '../errors.js';
import type { CloneSpec, ContainerSpec, VmInfo } from '../types.js';
import { waitSettled, type OvirtContext } from './context.js';
import { biosType, bootDevices, deviceModels, GIB, MIB, normaliseMac, osTypeFor } from './mapping.js';
import { destroy } from './power.js';
import { resolveCluster, resolveStorageDomain, resolveVnicProfile } from './resolve.js';
import { assignTag } from './tags.js';
import { getVm } from './vms.js';
import { attr, child, members, ref, type XmlBody } from './xml.js';

const BLANK = 'Blank';

function checkMac(mac: string | undefined): string | undefined {
  if (mac === undefined) return undefined;
  const m = normaliseMac(mac);
  if (!m) throw new HvRequestError(`ovirt: "${mac}" is not a MAC address`, { platform: 'ovirt' });
  return m;
}

function sizing(vcpus: number | undefined, memoryMiB: number | undefined): XmlBody {
  const mem = memoryMiB === undefined ? undefined : memoryMiB * MIB;
  return {
    memory: mem,
    // Guaranteed = max = memory: no ballooning surprises during an unattended install.
    memory_policy: mem === undefined ? undefined : { guaranteed: mem, max: mem },
    cpu: vcpus === undefined ? undefined : { topology: { sockets: vcpus, cores: 1, threads: 1 } },
  };
}

/** Creates the VM, waits for it to settle, runs `finish`; on failure removes the VM. */
async function makeVm(ctx: OvirtContext, body: XmlBody, query: Record<string, string> | undefined, finish: (id: string) => Promise<void>): Promise<VmInfo> {
  const created = child(await ctx.client.post('/vms', 'vm', body, query), 'vm');
  const id = attr(created, 'id');
  if (!id) throw new HvRequestError('ovirt: POST /vms answered without a VM id', { platform: 'ovirt' });
  try {
    await waitSettled(ctx, `VM ${id} to be created`, `/vms/${id}`, 'vm', 'status', ['image_locked']);
    await finish(id);
    return await getVm(ctx, id);
  } catch (err) {
    await destroy(ctx, id).catch(() => undefined);
    throw err;
  }
}

/** A halted network-boot VM: Blank template, disk, NIC, vizor tag. */
export async function createContainer(ctx: OvirtContext, spec: ContainerSpec): Promise<VmInfo> {
  const mac = checkMac(spec.mac);
  const cluster = await resolveCluster(ctx, spec.placement);
  const storage = await resolveStorageDomain(ctx, spec.placement);
  const profile = await resolveVnicProfile(ctx, spec.network);
  const osType = osTypeFor(spec.osType);
  const models = deviceModels(osType);
  const body: XmlBody = {
    name: spec.name,
    description: spec.description,
    cluster: ref(cluster.id),
    template: { name: BLANK },
    ...sizing(spec.vcpus, spec.memoryMiB),
    os: { type: osType, boot: { devices: { device: bootDevices(['network', 'disk']) } } },
    bios: { type: biosType(spec.firmware) },
  };
  return makeVm(ctx, body, undefined, async (id) => {
    const attachment = await ctx.client.post(`/vms/${id}/diskattachments`, 'disk_attachment', {
      bootable: true,
      interface: models.disk,
      active: true,
      disk: {
        name: `${spec.name}_disk1`,
        format: 'cow',
        sparse: true,
        provisioned_size: spec.diskGiB * GIB,
        storage_domains: { storage_domain: [ref(storage.id)] },
      },
    });
    const diskId = attr(child(child(attachment, 'disk_attachment'), 'disk'), 'id') ?? attr(child(attachment, 'disk_attachment'), 'id');
    if (diskId) await waitSettled(ctx, `disk ${diskId} of VM ${id}`, `/disks/${diskId}`, 'disk', 'status', ['locked']);
    await ctx.client.post(`/vms/${id}/nics`, 'nic', {
      name: 'nic1',
      interface: models.nic,
      vnic_profile: ref(profile.id),
      mac: mac ? { address: mac } : undefined,
    });
    await assignTag(ctx, 'vms', id, spec.tag);
  });
}

/** Disk placement for `clone=true`: every template disk copied to `storage`. */
async function diskMapping(ctx: OvirtContext, templateId: string, storageId: string): Promise<XmlBody> {
  const attachments = members(await ctx.client.get(`/templates/${encodeURIComponent(templateId)}/diskattachments`), 'disk_attachments', 'disk_attachment');
  return {
    disk_attachment: attachments.map((a) => ({
      disk: { '@_id': attr(child(a, 'disk'), 'id') ?? attr(a, 'id') ?? '', format: 'cow', storage_domains: { storage_domain: [ref(storageId)] } },
    })),
  };
}

/** A VM with its own disks copied from a template; NIC moved to `network`/`mac` if given. */
export async function clone(ctx: OvirtContext, spec: CloneSpec): Promise<VmInfo> {
  const mac = checkMac(spec.mac);
  const cluster = await resolveCluster(ctx, spec.placement);
  const network = spec.network ?? spec.placement?.network;
  const profile = network ? await resolveVnicProfile(ctx, network) : undefined;
  const storage = spec.placement?.storage ? await resolveStorageDomain(ctx, spec.placement) : undefined;
  const body: XmlBody = {
    name: spec.name,
    description: spec.description,
    cluster: ref(cluster.id),
    template: ref(spec.templateId),
    ...sizing(spec.vcpus, spec.memoryMiB),
    disk_attachments: storage ? await diskMapping(ctx, spec.templateId, storage.id) : undefined,
  };
  return makeVm(ctx, body, { clone: 'true' }, async (id) => {
    if (profile || mac) {
      const nics = members(await ctx.client.get(`/vms/${id}/nics`), 'nics', 'nic');
      const nicBody: XmlBody = { vnic_profile: profile ? ref(profile.id) : undefined, mac: mac ? { address: mac } : undefined };
      const first = attr(nics[0], 'id');
      if (first) await ctx.client.put(`/vms/${id}/nics/${first}`, 'nic', nicBody);
      else if (profile) await ctx.client.post(`/vms/${id}/nics`, 'nic', { name: 'nic1', interface: 'virtio', ...nicBody });
      else throw new HvRequestError(`ovirt: template ${spec.templateId} has no NIC to give MAC ${mac}; name a network`, { platform: 'ovirt' });
    }
    await assignTag(ctx, 'vms', id, spec.tag);
  });
}
