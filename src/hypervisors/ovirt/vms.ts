/**
 * Reading VMs: one VM with its NICs and tags inlined (`follow=nics,tags`, oVirt 4.2+), and
 * the VMs and templates carrying vizor's tags (VM search `tag=<name>`).
 */
import { HvNotFoundError } from '../errors.js';
import type { VizorTag, VmInfo } from '../types.js';
import type { OvirtContext } from './context.js';
import { MIB, powerFromStatus } from './mapping.js';
import { listVizorTags, vizorTagOf } from './tags.js';
import { attr, child, members, path, text, type XmlNode } from './xml.js';

/** Inline NICs and tags so one GET gives MACs and vizor's tag. */
export const FOLLOW = 'nics,tags';

/** Lower-case MACs of the entity's NICs, in NIC order. */
export function macsOf(entity: XmlNode): string[] {
  return members(entity, 'nics', 'nic')
    .map((n) => text(child(n, 'mac'), 'address'))
    .filter((m): m is string => !!m)
    .map((m) => m.toLowerCase());
}

/** A VM (or template) representation fetched with `follow=nics,tags` → VmInfo. */
export function vmInfoFrom(node: XmlNode, isTemplate = false): VmInfo {
  const status = text(node, 'status');
  const topo = path(node, 'cpu', 'topology');
  const vcpus = ['sockets', 'cores', 'threads'].reduce((n, f) => n * Number(text(topo, f) ?? '1'), 1);
  const details: Record<string, string | number | boolean> = { status: status ?? 'unknown' };
  const cluster = attr(child(node, 'cluster'), 'id');
  if (cluster) details.cluster = cluster;
  if (text(node, 'memory')) details.memoryMiB = Math.round(Number(text(node, 'memory')) / MIB);
  if (topo) details.vcpus = vcpus;
  const os = text(child(node, 'os'), 'type');
  if (os) details.osType = os;
  if (text(node, 'stateless')) details.stateless = text(node, 'stateless') === 'true';
  if (text(node, 'description')) details.description = text(node, 'description')!;
  return {
    id: attr(node, 'id') ?? '',
    name: text(node, 'name') ?? '',
    // Templates have no power state; a locked one is still being written.
    power: isTemplate ? (status === 'locked' ? 'transitioning' : 'halted') : powerFromStatus(status),
    macs: macsOf(node),
    tag: vizorTagOf(node),
    isTemplate,
    details,
  };
}

/** GET /vms/{id} with NICs and tags; HvNotFoundError if absent. */
export async function fetchVm(ctx: OvirtContext, id: string): Promise<XmlNode> {
  const vm = child(await ctx.client.get(`/vms/${encodeURIComponent(id)}`, { follow: FOLLOW }), 'vm');
  if (!vm) throw new HvNotFoundError(`ovirt: VM ${id} not found`, { platform: 'ovirt', platformCode: '404' });
  return vm;
}

/** One VM as VmInfo. */
export async function getVm(ctx: OvirtContext, id: string): Promise<VmInfo> {
  return vmInfoFrom(await fetchVm(ctx, id));
}

/** VMs and templates carrying a vizor tag that matches the filter. */
export async function listVms(ctx: OvirtContext, filter: { readonly owner?: string; readonly role?: VizorTag['role'] } = {}): Promise<VmInfo[]> {
  const tags = (await listVizorTags(ctx)).filter(
    (t) => (!filter.role || t.tag.role === filter.role) && (filter.owner === undefined || t.tag.owner === filter.owner),
  );
  const out = new Map<string, VmInfo>();
  let templates: XmlNode[] | null = null;
  for (const t of tags) {
    if (t.tag.role === 'template') {
      templates ??= members(await ctx.client.get('/templates', { follow: FOLLOW }), 'templates', 'template');
      for (const tpl of templates) {
        if (members(tpl, 'tags', 'tag').some((x) => attr(x, 'id') === t.id)) out.set(attr(tpl, 'id') ?? '', vmInfoFrom(tpl, true));
      }
    } else {
      const found = members(await ctx.client.get('/vms', { search: `tag=${t.name}`, follow: FOLLOW }), 'vms', 'vm');
      for (const vm of found) out.set(attr(vm, 'id') ?? '', vmInfoFrom(vm));
    }
  }
  return [...out.values()];
}
