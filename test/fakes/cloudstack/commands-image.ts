// Image and metadata commands of the fake: ISO registration and deletion, templates from a
// ROOT volume, template permissions, resource tags, and VM snapshots.
import { bootGuest, haltGuest, isoJson, templateJson, vmJson, vmSnapshotJson, type FakeCtx, type Handler } from './context.js';
import { ApiErrorCode, CsApiError, entity, flag, invalid, listBody, mapParam, param, requireParams, type Params } from './protocol.js';
import { ACCOUNT, csDate, newId, type CsIso, type CsTemplate, type CsVmSnapshot } from './state.js';

const registerIso: Handler = (p, ctx, cmd) => {
  requireParams(cmd, p, ['name', 'url', 'zoneid']);
  const zoneParam = param(p, 'zoneid')!;
  // zoneid=-1 registers the ISO in every zone; the fake has one copy in the first zone
  const zone = zoneParam === '-1' ? ctx.inv.zones[0]! : entity(cmd, p, 'zoneid', (id) => ctx.inv.zones.find((z) => z.id === id));
  const url = param(p, 'url')!;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) throw invalid(`Unsupported scheme for url: ${url}`);
  if (!/\.iso(\.(zip|bz2|gz))?$/i.test(parsed.pathname)) throw invalid(`Please specify a valid URL. URL:${url} is an invalid for ISO format`);
  const bootable = flag(p, 'bootable', true);
  const ostypeid = param(p, 'ostypeid');
  if (bootable && !ostypeid) throw invalid('Please provide a valid OS type (ostypeid) for a bootable ISO');
  if (ostypeid) entity(cmd, p, 'ostypeid', (id) => ctx.inv.osTypes.find((o) => o.id === id));
  const iso: CsIso = {
    id: newId(), name: param(p, 'name')!, displaytext: param(p, 'displaytext') ?? param(p, 'name')!, ostypeid: ostypeid ?? ctx.inv.osTypes[0]!.id,
    zoneid: zone.id, isready: false, status: '', bootable, ispublic: flag(p, 'ispublic'), url, created: csDate(), account: ACCOUNT,
    readyAfterPolls: ctx.settings.isoReadyPolls,
  };
  ctx.inv.isos.set(iso.id, iso);
  return listBody('iso', [isoJson(ctx.inv, iso)]);
};

const deleteIso: Handler = (p, ctx, cmd) => {
  const iso = entity(cmd, p, 'id', (id) => ctx.inv.isos.get(id));
  return {
    jobid: ctx.jobs.submit({
      command: cmd,
      run: () => {
        const user = [...ctx.inv.vms.values()].find((vm) => vm.isoid === iso.id);
        if (user) throw new CsApiError(ApiErrorCode.Internal, `Unable to delete ISO ${iso.name}: it is attached to VM ${user.name}`);
        ctx.inv.isos.delete(iso.id);
        ctx.inv.tags = ctx.inv.tags.filter((t) => t.resourceid !== iso.id);
        return { success: true };
      },
    }),
  };
};

const createTemplate: Handler = (p, ctx, cmd) => {
  requireParams(cmd, p, ['name', 'ostypeid']);
  const os = entity(cmd, p, 'ostypeid', (id) => ctx.inv.osTypes.find((o) => o.id === id));
  if (param(p, 'volumeid') === undefined && param(p, 'snapshotid') === undefined) throw invalid('Failed to create template: either volumeid or snapshotid is required');
  const volume = entity(cmd, p, 'volumeid', (id) => ctx.inv.volumes.get(id));
  const vm = volume.virtualmachineid ? ctx.inv.vms.get(volume.virtualmachineid) : undefined;
  if (vm && vm.state !== 'Stopped') throw invalid(`VM ${vm.name} must be stopped to create a template from its volume ${volume.id}`);
  const template: CsTemplate = {
    id: newId(), name: param(p, 'name')!, displaytext: param(p, 'displaytext') ?? param(p, 'name')!, ostypeid: os.id, zoneid: volume.zoneid,
    isready: false, ispublic: flag(p, 'ispublic'), isfeatured: flag(p, 'isfeatured'), status: 'Creating', templatetype: 'USER',
    format: 'QCOW2', hypervisor: vm?.hypervisor ?? ctx.settings.hypervisor, created: csDate(), size: volume.size,
    passwordenabled: flag(p, 'passwordenabled'), account: ACCOUNT,
  };
  ctx.inv.templates.set(template.id, template);
  const jobid = ctx.jobs.submit({
    command: cmd, vmId: vm?.id,
    run: () => {
      template.isready = true;
      template.status = 'Download Complete';
      return { template: templateJson(ctx.inv, template) };
    },
    onFail: () => void ctx.inv.templates.delete(template.id),
  });
  return { id: template.id, jobid };
};

const updateTemplatePermissions: Handler = (p, ctx, cmd) => {
  const template = entity(cmd, p, 'id', (id) => ctx.inv.templates.get(id) ?? ctx.inv.isos.get(id));
  if (param(p, 'ispublic') !== undefined) template.ispublic = flag(p, 'ispublic');
  if (param(p, 'isfeatured') !== undefined && 'isfeatured' in template) template.isfeatured = flag(p, 'isfeatured');
  return { success: true };
};

const deleteTemplate: Handler = (p, ctx, cmd) => {
  const template = entity(cmd, p, 'id', (id) => ctx.inv.templates.get(id));
  return {
    jobid: ctx.jobs.submit({
      command: cmd,
      run: () => {
        ctx.inv.templates.delete(template.id);
        ctx.inv.tags = ctx.inv.tags.filter((t) => t.resourceid !== template.id);
        return { success: true };
      },
    }),
  };
};

/** Resource types the fake tags, by CloudStack's names (matched case-insensitively). */
const TAGGABLE: Record<string, (ctx: FakeCtx, id: string) => boolean> = {
  uservm: (ctx, id) => ctx.inv.vms.has(id),
  template: (ctx, id) => ctx.inv.templates.has(id),
  iso: (ctx, id) => ctx.inv.isos.has(id),
};

function tagTargets(p: Params, ctx: FakeCtx, cmd: string): { type: string; ids: string[] } {
  requireParams(cmd, p, ['resourceids', 'resourcetype']);
  const type = param(p, 'resourcetype')!;
  const exists = TAGGABLE[type.toLowerCase()];
  if (!exists) throw invalid(`Invalid resource type ${type}`);
  const ids = param(p, 'resourceids')!.split(',').filter(Boolean);
  for (const id of ids) if (!exists(ctx, id)) throw invalid(`Unable to find resource by id ${id} and type ${type}`);
  return { type, ids };
}

const createTags: Handler = (p, ctx, cmd) => {
  const { type, ids } = tagTargets(p, ctx, cmd);
  requireParams(cmd, p, ['tags']);
  const tags = mapParam(p, 'tags');
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: type.toLowerCase() === 'uservm' ? ids[0] : undefined,
      run: () => {
        for (const id of ids) {
          for (const t of tags) {
            if (!t.key || t.value === undefined) throw new CsApiError(ApiErrorCode.ParamError, 'Every tag needs a key and a value');
            if (ctx.inv.tags.some((x) => x.resourceid === id && x.key === t.key)) throw new CsApiError(ApiErrorCode.Internal, `tag ${t.key} already on ${type} with id ${id}`);
          }
        }
        for (const id of ids) for (const t of tags) ctx.inv.tags.push({ key: t.key!, value: t.value!, resourcetype: type, resourceid: id });
        return { success: true };
      },
    }),
  };
};

const deleteTags: Handler = (p, ctx, cmd) => {
  const { ids } = tagTargets(p, ctx, cmd);
  const keys = mapParam(p, 'tags').map((t) => t.key);
  return {
    jobid: ctx.jobs.submit({
      command: cmd,
      run: () => {
        ctx.inv.tags = ctx.inv.tags.filter((t) => !(ids.includes(t.resourceid) && (keys.length === 0 || keys.includes(t.key))));
        return { success: true };
      },
    }),
  };
};

const createVMSnapshot: Handler = (p, ctx, cmd) => {
  const vm = entity(cmd, p, 'virtualmachineid', (id) => ctx.inv.vms.get(id));
  if (vm.state !== 'Running' && vm.state !== 'Stopped') throw invalid(`Creating VM snapshot failed due to VM ${vm.name} is not in Running or Stopped state`);
  const memory = flag(p, 'snapshotmemory');
  if (memory && vm.state !== 'Running') throw invalid('Can not snapshot memory when VM is not in Running state');
  const snap: CsVmSnapshot = {
    // `name` is the display name the caller gave; CloudStack generates the internal name
    id: newId(), name: `i-${vm.name}_VS_${Date.now()}`, displayname: param(p, 'name') ?? vm.name,
    description: param(p, 'description') ?? '', virtualmachineid: vm.id, type: memory ? 'DiskAndMemory' : 'Disk',
    state: 'Allocated', current: false, created: csDate(),
  };
  ctx.inv.vmSnapshots.set(snap.id, snap);
  const jobid = ctx.jobs.submit({
    command: cmd, vmId: vm.id,
    run: () => {
      for (const s of ctx.inv.vmSnapshots.values()) if (s.virtualmachineid === vm.id) s.current = false;
      snap.state = 'Ready';
      snap.current = true;
      return { vmsnapshot: vmSnapshotJson(snap) };
    },
    onFail: () => void ctx.inv.vmSnapshots.delete(snap.id),
  });
  return { id: snap.id, jobid };
};

const revertToVMSnapshot: Handler = (p, ctx, cmd) => {
  const snap = entity(cmd, p, 'vmsnapshotid', (id) => ctx.inv.vmSnapshots.get(id));
  const vm = ctx.inv.vms.get(snap.virtualmachineid)!;
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: vm.id,
      run: () => {
        if (snap.type === 'Disk' && vm.state !== 'Stopped') {
          throw new CsApiError(ApiErrorCode.Internal, 'VM Snapshot reverting failed due to vm is not in the state of Stopped.');
        }
        for (const s of ctx.inv.vmSnapshots.values()) if (s.virtualmachineid === vm.id) s.current = s.id === snap.id;
        // a disk-and-memory snapshot resumes the VM as it was; a disk-only one leaves it stopped
        if (snap.type === 'DiskAndMemory') bootGuest(ctx, vm);
        else haltGuest(ctx, vm);
        return { virtualmachine: vmJson(ctx.inv, vm) };
      },
    }),
  };
};

const deleteVMSnapshot: Handler = (p, ctx, cmd) => {
  const snap = entity(cmd, p, 'vmsnapshotid', (id) => ctx.inv.vmSnapshots.get(id));
  return {
    jobid: ctx.jobs.submit({
      command: cmd, vmId: snap.virtualmachineid,
      run: () => {
        ctx.inv.vmSnapshots.delete(snap.id);
        return { success: true };
      },
    }),
  };
};

/** The image and metadata commands by name. */
export const IMAGE_COMMANDS: Record<string, Handler> = {
  registerIso, deleteIso, createTemplate, updateTemplatePermissions, deleteTemplate, createTags, deleteTags,
  createVMSnapshot, revertToVMSnapshot, deleteVMSnapshot,
};
