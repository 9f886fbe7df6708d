/**
 * Turns CloudStack JSON objects into vizor's driver types, and vizor's tag into CloudStack
 * resource tags (`vizor.role`, `vizor.owner`).
 */
import type { PowerState, SnapshotInfo, TemplateInfo, VizorTag, VmInfo } from '../types.js';
import type { CsClient, CsObject } from './client.js';

/** Resource tag keys vizor writes. */
export const TAG = {
  role: 'vizor.role',
  owner: 'vizor.owner',
  /** On the iPXE boot ISO: a fingerprint of the URL it was registered from. */
  bootIso: 'vizor.boot-iso',
  /** On ISOs the driver registered for payloads; deleted again on detach. */
  payload: 'vizor.payload',
  /** On templates: the source VM's service offering and network, defaults for clones. */
  offering: 'vizor.offering',
  network: 'vizor.network',
  /** On templates: the source VM's size, so clones of a custom offering can be sized too. */
  cpus: 'vizor.cpus',
  memory: 'vizor.memory',
} as const;

const ROLES: readonly VizorTag['role'][] = ['build', 'room', 'template'];

/** CloudStack VM states (VirtualMachine.State) mapped to vizor's power states. */
export function powerOf(state: unknown): PowerState {
  switch (String(state)) {
    case 'Running':
      return 'running';
    case 'Stopped':
      return 'halted';
    case 'Starting':
    case 'Stopping':
    case 'Migrating':
    case 'Restoring':
      return 'transitioning';
    default:
      return 'unknown';
  }
}

/** The tags of a CloudStack object as a key → value map. */
export function tagMap(o: CsObject): Map<string, string> {
  const tags = Array.isArray(o.tags) ? (o.tags as CsObject[]) : [];
  return new Map(tags.map((t) => [String(t.key), String(t.value)]));
}

/** vizor's tag of an object, or null when it has none (or a malformed one). */
export function vizorTagOf(o: CsObject): VizorTag | null {
  const tags = tagMap(o);
  const role = tags.get(TAG.role);
  const owner = tags.get(TAG.owner);
  if (!role || owner === undefined || !ROLES.includes(role as VizorTag['role'])) return null;
  return { role: role as VizorTag['role'], owner };
}

/** `tags[i].key` / `tags[i].value` parameters for createTags and list filters. */
export function tagParams(tags: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  Object.entries(tags).forEach(([key, value], i) => {
    out[`tags[${i}].key`] = key;
    out[`tags[${i}].value`] = value;
  });
  return out;
}

/** Writes resource tags and waits for the createTags job. */
export async function writeTags(client: CsClient, resourcetype: 'UserVm' | 'Template' | 'ISO', id: string, tags: Readonly<Record<string, string>>): Promise<void> {
  await client.callAsync('createTags', { resourceids: id, resourcetype, ...tagParams(tags) });
}

/** The tags vizor writes for a VizorTag. */
export const vizorTags = (tag: VizorTag): Record<string, string> => ({ [TAG.role]: tag.role, [TAG.owner]: tag.owner });

/** A VM from listVirtualMachines (or a job result) as vizor sees it. */
export function toVmInfo(vm: CsObject): VmInfo {
  const nics = Array.isArray(vm.nic) ? (vm.nic as CsObject[]) : [];
  // the default NIC first: it is the one the guest boots from
  const ordered = [...nics.filter((n) => n.isdefault === true), ...nics.filter((n) => n.isdefault !== true)];
  const details: Record<string, string | number | boolean> = { state: String(vm.state ?? '') };
  for (const k of ['zoneid', 'templateid', 'isoid', 'serviceofferingid', 'hypervisor', 'cpunumber', 'memory', 'boottype', 'ostypeid'] as const) {
    const v = vm[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[k] = v;
  }
  return {
    id: String(vm.id),
    name: String(vm.name ?? vm.displayname ?? ''),
    power: powerOf(vm.state),
    macs: ordered.map((n) => String(n.macaddress ?? '').toLowerCase()).filter(Boolean),
    tag: vizorTagOf(vm),
    isTemplate: false,
    details,
  };
}

/** A template vizor made, listed among its VMs. */
export function templateAsVm(t: CsObject): VmInfo {
  return {
    id: String(t.id), name: String(t.name ?? ''), power: 'halted', macs: [], tag: vizorTagOf(t), isTemplate: true,
    details: { isready: t.isready === true, ispublic: t.ispublic === true, zoneid: String(t.zoneid ?? '') },
  };
}

/** A template as TemplateInfo. */
export const toTemplate = (t: CsObject): TemplateInfo => ({ id: String(t.id), name: String(t.name ?? ''), published: t.ispublic === true });

/** Parses CloudStack's `2024-05-01T12:00:00+0000` dates. */
export function parseCsDate(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-])(\d{2}):?(\d{2})$/.exec(text);
  const d = m ? new Date(Date.parse(`${m[1]}${m[2]}${m[3]}:${m[4]}`)) : new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** A VM snapshot; a DiskAndMemory snapshot resumes the VM running on revert, a Disk one leaves it halted. */
export function toSnapshot(s: CsObject): SnapshotInfo {
  return {
    id: String(s.id),
    name: String(s.displayname ?? s.name ?? ''),
    description: String(s.description ?? ''),
    createdAt: parseCsDate(s.created),
    powerAtSnapshot: s.type === 'DiskAndMemory' ? 'running' : s.type === 'Disk' ? 'halted' : null,
  };
}

/** Every item of a list command, page by page. */
export async function listAll(client: CsClient, command: string, key: string, params: Readonly<Record<string, string>> = {}): Promise<CsObject[]> {
  const pageSize = 500;
  const out: CsObject[] = [];
  for (let page = 1; ; page++) {
    const r = await client.call(command, { ...params, page: String(page), pagesize: String(pageSize) });
    const items = Array.isArray(r[key]) ? (r[key] as CsObject[]) : [];
    out.push(...items);
    if (items.length < pageSize) return out;
  }
}
