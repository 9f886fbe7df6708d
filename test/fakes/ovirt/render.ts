/**
 * Engine representations of the fake's objects, as the REST API v4 writes them: `id` and
 * `href` attributes, every field an element, references as `<cluster href id/>`, `<link
 * rel>` to sub-collections, and followed links inlined.
 */
import type { FakeDisk, FakeNic, FakePermission, FakeSnapshot, FakeStore, FakeTag, FakeTemplate, FakeVm, Named, VmConfig } from './store.js';

/** The API prefix every href starts with. */
export const API = '/ovirt-engine/api';

/** A reference element (`<vm href id/>`). */
export function refTo(collection: string, id: string): Record<string, string> {
  return { '@_href': `${API}/${collection}/${id}`, '@_id': id };
}

function entity(collection: string, id: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { '@_href': `${API}/${collection}/${id}`, '@_id': id, ...fields };
}

function links(base: string, rels: readonly string[]): Record<string, unknown>[] {
  return rels.map((rel) => ({ '@_href': `${API}/${base}/${rel}`, '@_rel': rel }));
}

function configFields(c: VmConfig): Record<string, unknown> {
  return {
    description: c.description,
    memory: c.memory,
    memory_policy: { guaranteed: c.memory, max: c.memory },
    cpu: { architecture: 'x86_64', topology: { cores: c.cores, sockets: c.sockets, threads: c.threads } },
    os: { type: c.osType, boot: { devices: { device: c.bootDevices } } },
    bios: { type: c.biosType },
    stateless: c.stateless,
    usb: c.usb.type ? { enabled: c.usb.enabled, type: c.usb.type } : { enabled: c.usb.enabled },
    type: 'server',
  };
}

/** A NIC of a VM. */
export function nicXml(vm: FakeVm, nic: FakeNic): Record<string, unknown> {
  return entity(`vms/${vm.id}/nics`, nic.id, {
    name: nic.name,
    interface: nic.interface,
    linked: true,
    mac: { address: nic.mac },
    plugged: true,
    ...(nic.profileId ? { vnic_profile: refTo('vnicprofiles', nic.profileId) } : {}),
    vm: refTo('vms', vm.id),
  });
}

/** A tag, optionally as assigned to an object (`<vm id/>`). */
export function tagXml(tag: FakeTag, assignedTo?: { collection: string; singular: string; id: string }): Record<string, unknown> {
  return entity('tags', tag.id, {
    name: tag.name,
    description: tag.description,
    ...(tag.parentId ? { parent: refTo('tags', tag.parentId) } : {}),
    ...(assignedTo ? { [assignedTo.singular]: refTo(assignedTo.collection, assignedTo.id) } : {}),
  });
}

function followed(store: FakeStore, follow: ReadonlySet<string>, tagIds: Set<string>, owner: { collection: string; singular: string; id: string }, nics: () => unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (follow.has('nics')) out.nics = { nic: nics() };
  if (follow.has('tags')) out.tags = { tag: [...tagIds].flatMap((id) => (store.tags.has(id) ? [tagXml(store.tags.get(id)!, owner)] : [])) };
  return out;
}

/** A VM, with `follow`ed links inlined. */
export function vmXml(store: FakeStore, vm: FakeVm, follow: ReadonlySet<string> = new Set()): Record<string, unknown> {
  return entity('vms', vm.id, {
    name: vm.name,
    comment: vm.comment,
    ...configFields(vm.config),
    status: vm.status,
    creation_time: vm.createdAt.toISOString(),
    ...(vm.payloads.length
      ? { payloads: { payload: vm.payloads.map((p) => ({ type: p.type, files: { file: p.files.map((f) => ({ name: f.name, content: f.content })) } })) } }
      : {}),
    cluster: refTo('clusters', vm.clusterId),
    template: refTo('templates', vm.templateId),
    link: links(`vms/${vm.id}`, ['nics', 'cdroms', 'diskattachments', 'snapshots', 'tags', 'permissions']),
    ...followed(store, follow, vm.tagIds, { collection: 'vms', singular: 'vm', id: vm.id }, () => vm.nics.map((n) => nicXml(vm, n))),
  });
}

/** A template, with `follow`ed links inlined. */
export function templateXml(store: FakeStore, t: FakeTemplate, follow: ReadonlySet<string> = new Set()): Record<string, unknown> {
  return entity('templates', t.id, {
    name: t.name,
    ...configFields(t.config),
    status: t.status,
    creation_time: t.createdAt.toISOString(),
    ...(t.clusterId ? { cluster: refTo('clusters', t.clusterId) } : {}),
    version: { version_name: 'base version', version_number: 1 },
    link: links(`templates/${t.id}`, ['nics', 'cdroms', 'diskattachments', 'tags', 'permissions']),
    ...followed(store, follow, t.tagIds, { collection: 'templates', singular: 'template', id: t.id }, () =>
      t.nics.map((n, i) => entity(`templates/${t.id}/nics`, `${t.id.slice(0, 24)}${String(i).padStart(12, '0')}`, {
        name: n.name,
        interface: n.interface,
        ...(n.profileId ? { vnic_profile: refTo('vnicprofiles', n.profileId) } : {}),
      })),
    ),
  });
}

/** A disk. */
export function diskXml(d: FakeDisk): Record<string, unknown> {
  return entity('disks', d.id, {
    name: d.name,
    alias: d.name,
    actual_size: d.sparse ? 0 : d.size,
    content_type: d.contentType,
    format: d.format,
    provisioned_size: d.size,
    sparse: d.sparse,
    status: d.status,
    storage_type: 'image',
    storage_domains: { storage_domain: [refTo('storagedomains', d.storageDomainId)] },
  });
}

/** A snapshot of a VM. */
export function snapshotXml(vm: FakeVm, s: FakeSnapshot): Record<string, unknown> {
  return entity(`vms/${vm.id}/snapshots`, s.id, {
    description: s.description,
    date: s.date.toISOString(),
    persist_memorystate: false,
    snapshot_status: s.status,
    snapshot_type: s.type,
    vm: refTo('vms', vm.id),
  });
}

/** A permission on a VM or template. */
export function permissionXml(base: { collection: string; singular: string; id: string }, p: FakePermission): Record<string, unknown> {
  return entity(`${base.collection}/${base.id}/permissions`, p.id, {
    role: refTo('roles', p.roleId),
    [p.principal.kind]: refTo(`${p.principal.kind}s`, p.principal.id),
    [base.singular]: refTo(base.collection, base.id),
  });
}

/** A plain inventory object (cluster, network, storage domain, user, group, role...). */
export function namedXml(collection: string, n: Named, refs: Record<string, string> = {}): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(n)) {
    if (k === 'id' || v === null) continue;
    const ref = refs[k];
    if (ref) fields[ref.split(':')[0]!] = refTo(ref.split(':')[1]!, String(v));
    else fields[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  }
  return entity(collection, n.id, fields);
}
