/**
 * /vms: list with `search` and `follow`, add from a template (thin or `clone=true`),
 * update, remove, and the start/shutdown/stop actions with the engine's status transitions:
 * image_locked → down on add, powering_up → up, powering_down → down.
 */
import { randomUUID } from 'node:crypto';
import { applyConfig, copyConfig, readPayloads } from './config.js';
import { conflict, Fault, incomplete, notFound, type Engine, type FakeRequest, type Reply, type Route } from './engine.js';
import { vmXml } from './render.js';
import type { FakeVm } from './store.js';
import { all, el, idOf, str } from './xml.js';

const ACTION_DONE: Reply = { root: 'action', body: { status: 'complete' } };

/** The `follow` query as a set of link names. */
export function followOf(req: FakeRequest): Set<string> {
  return new Set((req.query.get('follow') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** Evaluates the subset of the engine's search language the fake knows: `name=`/`tag=` terms joined by `and`. */
function matcher(engine: Engine, search: string | null): (vm: FakeVm) => boolean {
  if (!search) return () => true;
  const tests = search.split(/\s+and\s+/i).map((term) => {
    const m = /^\s*(name|tag)\s*=\s*"?([^"]*)"?\s*$/i.exec(term);
    if (!m) throw new Fault(400, 'Operation Failed', `Invalid search query: ${search}`);
    const re = new RegExp(`^${m[2]!.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
    return m[1]!.toLowerCase() === 'name'
      ? (vm: FakeVm) => re.test(vm.name)
      : (vm: FakeVm) => [...vm.tagIds].some((id) => re.test(engine.store.tags.get(id)?.name ?? ''));
  });
  return (vm) => tests.every((t) => t(vm));
}

function addVm(engine: Engine, req: FakeRequest): Reply {
  const { store } = engine;
  const body = el(req.body, 'vm');
  if (!body) throw incomplete('Vm', 'name, cluster, template');
  const name = str(body, 'name');
  const clusterRef = el(body, 'cluster');
  const templateRef = el(body, 'template');
  if (!name) throw incomplete('Vm', 'name');
  if (!clusterRef) throw incomplete('Vm', 'cluster.id|name');
  if (!templateRef) throw incomplete('Vm', 'template.id|name');
  const cluster = store.find(store.clusters, { id: idOf(clusterRef), name: str(clusterRef, 'name') });
  if (!cluster) throw notFound(`Cluster: ${idOf(clusterRef) ?? `name=${str(clusterRef, 'name')}`}`);
  const template = store.find(store.templates, { id: idOf(templateRef), name: str(templateRef, 'name') });
  if (!template) throw notFound(`Template: ${idOf(templateRef) ?? `name=${str(templateRef, 'name')}`}`);
  if (template.status === 'locked') throw new Fault(409, 'Operation Failed', '[Cannot add VM. Template is locked. Please try again in a few minutes.]');
  if ([...store.vms.values()].some((v) => v.name === name)) {
    throw conflict('add', 'VM', 'The VM name is already in use, please choose a unique name and try again.');
  }
  const clone = req.query.get('clone') === 'true';
  // `clone=true` may name a target storage domain per template disk.
  const targets = all(el(body, 'disk_attachments'), 'disk_attachment').map((a) => idOf(el(el(el(a, 'disk'), 'storage_domains'), 'storage_domain')));
  for (const sd of targets) if (sd && !store.storageDomains.has(sd)) throw notFound(`StorageDomain: ${sd}`);
  const config = copyConfig(template.config);
  config.description = '';
  applyConfig(config, body);
  const payloads = readPayloads(body) ?? [];
  const vm: FakeVm = {
    id: randomUUID(), name, comment: str(body, 'comment') ?? '', status: 'image_locked', config, clusterId: cluster.id, templateId: template.id,
    thin: !clone && template.diskIds.length > 0,
    nics: template.nics.map((n) => ({ id: randomUUID(), name: n.name, interface: n.interface, profileId: n.profileId, mac: store.nextMac() })),
    attachments: [], cdromFile: null, payloads, tagIds: new Set(), permissions: [],
    snapshots: [{ id: randomUUID(), description: 'Active VM', type: 'active', status: 'ok', date: new Date(), config }],
    createdAt: new Date(),
  };
  template.diskIds.forEach((diskId, i) => {
    const src = store.disks.get(diskId)!;
    const id = randomUUID();
    store.disks.set(id, { ...src, id, name: `${name}_Disk${i + 1}`, storageDomainId: targets[i] ?? src.storageDomainId, status: 'locked' });
    vm.attachments.push({ diskId: id, bootable: i === 0, interface: 'virtio_scsi', active: true });
  });
  store.vms.set(vm.id, vm);
  const fails = engine.jobFails('vm');
  engine.step(() => {
    if (store.vms.get(vm.id) !== vm) return;
    if (fails) return removeVm(engine, vm);
    for (const a of vm.attachments) store.disks.get(a.diskId)!.status = 'ok';
    vm.status = 'down';
  });
  return { status: 201, root: 'vm', body: vmXml(store, vm) };
}

/** Drops a VM with its disks (not ISO disks), as the engine's RemoveVm does. */
export function removeVm(engine: Engine, vm: FakeVm): void {
  for (const a of vm.attachments) engine.store.disks.delete(a.diskId);
  engine.store.vms.delete(vm.id);
}

function updateVm(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  const body = el(req.body, 'vm');
  if (!body) throw incomplete('Vm', 'vm', 'update');
  engine.assertUnlocked(vm, 'update');
  const name = str(body, 'name');
  if (name !== undefined && name !== vm.name && [...engine.store.vms.values()].some((v) => v.name === name)) {
    throw conflict('update', 'VM', 'The VM name is already in use, please choose a unique name and try again.');
  }
  const config = copyConfig(vm.config);
  applyConfig(config, body);
  const payloads = readPayloads(body);
  if (name) vm.name = name;
  const comment = str(body, 'comment');
  if (comment !== undefined) vm.comment = comment;
  vm.config = config;
  if (payloads !== undefined) vm.payloads = payloads;
  return { root: 'vm', body: vmXml(engine.store, vm) };
}

function deleteVm(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  engine.assertUnlocked(vm, 'remove');
  if (vm.status !== 'down') throw conflict('remove', 'VM', 'VM is running.');
  vm.status = 'image_locked';
  engine.step(() => removeVm(engine, vm));
  return {};
}

function start(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  engine.assertUnlocked(vm, 'run');
  if (vm.status !== 'down') throw conflict('run', 'VM', 'VM is running.');
  if (vm.attachments.some((a) => engine.store.disks.get(a.diskId)?.status === 'locked')) {
    throw new Fault(409, 'Operation Failed', '[Cannot run VM: The following disks are locked. Please try again in a few minutes.]');
  }
  vm.status = 'powering_up';
  engine.step(() => {
    if (vm.status !== 'powering_up') return;
    vm.status = 'up';
    engine.guestStarted(vm);
  });
  return ACTION_DONE;
}

function shutdown(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  engine.assertUnlocked(vm, 'shutdown');
  if (vm.status !== 'up' && vm.status !== 'powering_up') throw conflict('shutdown', 'VM', 'VM is not running.');
  vm.status = 'powering_down';
  engine.step(() => {
    if (vm.status === 'powering_down') vm.status = 'down';
  });
  return ACTION_DONE;
}

function stop(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  engine.assertUnlocked(vm, 'stop');
  if (vm.status === 'down') throw conflict('stop', 'VM', 'VM is not running.');
  vm.status = 'down';
  return ACTION_DONE;
}

/** The /vms routes. */
export function vmRoutes(engine: Engine): Route[] {
  const id = '([^/]+)';
  return [
    {
      method: 'GET',
      pattern: /^\/vms$/,
      handle: (req) => {
        const match = matcher(engine, req.query.get('search'));
        const follow = followOf(req);
        const max = Number(req.query.get('max') ?? '-1');
        const found = [...engine.store.vms.values()].filter(match);
        const page = max >= 0 ? found.slice(0, max) : found;
        return { root: 'vms', body: { vm: page.map((vm) => vmXml(engine.store, vm, follow)) } };
      },
    },
    { method: 'POST', pattern: /^\/vms$/, handle: (req) => addVm(engine, req) },
    { method: 'GET', pattern: new RegExp(`^/vms/${id}$`), handle: (req) => ({ root: 'vm', body: vmXml(engine.store, engine.vm(req.params[0]!), followOf(req)) }) },
    { method: 'PUT', pattern: new RegExp(`^/vms/${id}$`), handle: (req) => updateVm(engine, req) },
    { method: 'DELETE', pattern: new RegExp(`^/vms/${id}$`), handle: (req) => deleteVm(engine, req) },
    { method: 'POST', pattern: new RegExp(`^/vms/${id}/start$`), handle: (req) => start(engine, req) },
    { method: 'POST', pattern: new RegExp(`^/vms/${id}/shutdown$`), handle: (req) => shutdown(engine, req) },
    { method: 'POST', pattern: new RegExp(`^/vms/${id}/stop$`), handle: (req) => stop(engine, req) },
  ];
}
