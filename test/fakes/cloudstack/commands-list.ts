// Read-only commands of the fake: discovery lists, VM/volume/snapshot/tag lists, capabilities
// and queryAsyncJobResult. Filters follow the real commands' parameters.
import { isoJson, matchesTagFilter, templateJson, vmJson, vmSnapshotJson, volumeJson, type FakeCtx, type Handler } from './context.js';
import { entity, listBody, param, requireParams, type Params } from './protocol.js';

/** Applies `page`/`pagesize` (1-based pages) the way CloudStack's list commands do. */
function page<T>(items: T[], params: Params): T[] {
  const size = Number(param(params, 'pagesize') ?? 0);
  if (!size) return items;
  const p = Math.max(1, Number(param(params, 'page') ?? 1));
  return items.slice((p - 1) * size, p * size);
}

/** Filters by the `id` and `name` parameters when given. */
function byIdName<T extends { id: string; name: string }>(items: T[], params: Params): T[] {
  const id = param(params, 'id');
  const name = param(params, 'name');
  return items.filter((x) => (id === undefined || x.id === id) && (name === undefined || x.name === name));
}

/** Checks a zoneid parameter refers to a zone (an unknown one is the usual 431). */
function zoneFilter(command: string, params: Params, ctx: FakeCtx): string | undefined {
  if (param(params, 'zoneid') === undefined) return undefined;
  return entity(command, params, 'zoneid', (id) => ctx.inv.zones.find((z) => z.id === id)).id;
}

const listZones: Handler = (p, ctx) => listBody('zone', byIdName(ctx.inv.zones, p));
const listServiceOfferings: Handler = (p, ctx) => listBody('serviceoffering', byIdName(ctx.inv.serviceOfferings, p));
const listDiskOfferings: Handler = (p, ctx) => listBody('diskoffering', byIdName(ctx.inv.diskOfferings, p));
const listAccounts: Handler = (p, ctx) => listBody('account', byIdName(ctx.inv.accounts, p));

const listOsTypes: Handler = (p, ctx) => {
  const id = param(p, 'id');
  const description = param(p, 'description');
  return listBody('ostype', ctx.inv.osTypes.filter((o) => (id === undefined || o.id === id) && (description === undefined || o.description === description)));
};

const listNetworks: Handler = (p, ctx, cmd) => {
  const zoneid = zoneFilter(cmd, p, ctx);
  const id = param(p, 'id');
  const keyword = param(p, 'keyword')?.toLowerCase();
  return listBody('network', page(ctx.inv.networks.filter((n) =>
    (zoneid === undefined || n.zoneid === zoneid) && (id === undefined || n.id === id) && (keyword === undefined || n.name.toLowerCase().includes(keyword))), p));
};

const listTemplates: Handler = (p, ctx, cmd) => {
  requireParams(cmd, p, ['templatefilter']);
  const zoneid = zoneFilter(cmd, p, ctx);
  const filter = param(p, 'templatefilter')!;
  const items = byIdName([...ctx.inv.templates.values()], p).filter((t) =>
    (zoneid === undefined || t.zoneid === zoneid) && (filter !== 'self' || t.account !== 'system') && matchesTagFilter(ctx.inv, t.id, p));
  return listBody('template', page(items, p).map((t) => templateJson(ctx.inv, t)));
};

const listIsos: Handler = (p, ctx, cmd) => {
  const zoneid = zoneFilter(cmd, p, ctx);
  const filter = param(p, 'isofilter') ?? 'selfexecutable';
  const ready = param(p, 'isready');
  // every listing moves registered ISOs on towards ready, like a download progressing
  for (const iso of ctx.inv.isos.values()) {
    if (iso.isready || iso.downloadFails) continue;
    if (iso.readyAfterPolls > 0) {
      iso.readyAfterPolls--;
      iso.status = `${100 - iso.readyAfterPolls * 10}% Downloaded`;
    } else {
      iso.isready = true;
      iso.status = 'Successfully Installed';
    }
  }
  const items = byIdName([...ctx.inv.isos.values()], p).filter((i) =>
    (zoneid === undefined || i.zoneid === zoneid) && (ready === undefined || String(i.isready) === ready) &&
    (filter !== 'self' || i.account !== 'system') && matchesTagFilter(ctx.inv, i.id, p));
  return listBody('iso', page(items, p).map((i) => isoJson(ctx.inv, i)));
};

const listVirtualMachines: Handler = (p, ctx, cmd) => {
  const zoneid = zoneFilter(cmd, p, ctx);
  if (param(p, 'id') !== undefined) entity(cmd, p, 'id', (id) => ctx.inv.vms.get(id));
  const id = param(p, 'id');
  const name = param(p, 'name');
  const state = param(p, 'state');
  const items = [...ctx.inv.vms.values()].filter((vm) =>
    (id === undefined || vm.id === id) && (name === undefined || vm.name.includes(name)) &&
    (state === undefined || vm.state.toLowerCase() === state.toLowerCase()) && (zoneid === undefined || vm.zoneid === zoneid) &&
    matchesTagFilter(ctx.inv, vm.id, p));
  return listBody('virtualmachine', page(items, p).map((vm) => vmJson(ctx.inv, vm)));
};

const listVolumes: Handler = (p, ctx, cmd) => {
  if (param(p, 'virtualmachineid') !== undefined) entity(cmd, p, 'virtualmachineid', (id) => ctx.inv.vms.get(id));
  const vmId = param(p, 'virtualmachineid');
  const type = param(p, 'type');
  const id = param(p, 'id');
  const items = [...ctx.inv.volumes.values()].filter((v) =>
    (vmId === undefined || v.virtualmachineid === vmId) && (type === undefined || v.type === type.toUpperCase()) && (id === undefined || v.id === id));
  return listBody('volume', page(items, p).map((v) => volumeJson(ctx.inv, v)));
};

const listVMSnapshot: Handler = (p, ctx) => {
  const vmId = param(p, 'virtualmachineid');
  const id = param(p, 'vmsnapshotid');
  const items = [...ctx.inv.vmSnapshots.values()].filter((s) => (vmId === undefined || s.virtualmachineid === vmId) && (id === undefined || s.id === id));
  // the list key really is camel-case here, unlike every other list response
  return listBody('vmSnapshot', page(items, p).map(vmSnapshotJson));
};

const listTags: Handler = (p, ctx) => {
  const f = (n: string): string | undefined => param(p, n);
  const items = ctx.inv.tags.filter((t) =>
    (f('resourcetype') === undefined || t.resourcetype.toLowerCase() === f('resourcetype')!.toLowerCase()) &&
    (f('resourceid') === undefined || t.resourceid === f('resourceid')) && (f('key') === undefined || t.key === f('key')) &&
    (f('value') === undefined || t.value === f('value')));
  return listBody('tag', page(items, p));
};

const listCapabilities: Handler = () => ({
  capability: { cloudstackversion: '4.19.1.0-vizor-fake', apilimitinterval: 1, apilimitmax: 1000, allowuserexpungerecovervm: false, kvmsnapshotenabled: true },
});

const listHypervisors: Handler = (_p, ctx) => listBody('hypervisor', [{ name: ctx.settings.hypervisor }]);

/** Inventory the fake does not model: always an empty list (`{}`), as an account without admin rights sees. */
const empty: Handler = () => ({});

const queryAsyncJobResult: Handler = (p, ctx, cmd) => {
  const jobId = entity(cmd, p, 'jobid', (id) => (ctx.jobs.has(id) ? id : undefined));
  return ctx.jobs.query(jobId);
};

/** The read-only commands by name. */
export const LIST_COMMANDS: Record<string, Handler> = {
  listZones, listServiceOfferings, listDiskOfferings, listOsTypes, listNetworks, listTemplates, listIsos, listVirtualMachines,
  listVolumes, listVMSnapshot, listTags, listCapabilities, listAccounts, listHypervisors, queryAsyncJobResult,
  listHosts: empty, listClusters: empty, listStoragePools: empty, listProjects: empty, listRoles: empty,
};
