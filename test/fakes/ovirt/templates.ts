/**
 * /templates: templates made from a down VM (template `locked` → `ok`, the VM
 * `image_locked` meanwhile and kept afterwards, as the engine does), listing with
 * `follow`, disk attachments and NICs, and removal (refused while thin VMs use it).
 */
import { randomUUID } from 'node:crypto';
import { copyConfig } from './config.js';
import { conflict, Fault, incomplete, notFound, type Engine, type FakeRequest, type Reply, type Route } from './engine.js';
import { refTo, templateXml } from './render.js';
import { BLANK_ID, type FakeTemplate } from './store.js';
import { el, idOf, str } from './xml.js';
import { followOf } from './vms.js';

function templateOf(engine: Engine, id: string): FakeTemplate {
  const t = engine.store.templates.get(id);
  if (!t) throw notFound(id);
  return t;
}

function addTemplate(engine: Engine, req: FakeRequest): Reply {
  const { store } = engine;
  const body = el(req.body, 'template');
  const name = str(body, 'name');
  const vmId = idOf(el(body, 'vm'));
  if (!body || !name) throw incomplete('Template', 'name');
  if (!vmId) throw incomplete('Template', 'vm.id');
  const vm = engine.vm(vmId);
  engine.assertUnlocked(vm, 'add Template from');
  if (vm.status !== 'down') throw conflict('add', 'Template', 'VM is not down.');
  if ([...store.templates.values()].some((t) => t.name === name)) throw conflict('add', 'Template', 'The Template name is already in use.');
  const diskIds = vm.attachments.map((a) => {
    const src = store.disks.get(a.diskId)!;
    const id = randomUUID();
    store.disks.set(id, { ...src, id, status: 'locked' });
    return id;
  });
  const config = copyConfig(vm.config);
  const description = str(body, 'description');
  config.description = description ?? '';
  const t: FakeTemplate = {
    id: randomUUID(), name, status: 'locked', config, clusterId: vm.clusterId,
    nics: vm.nics.map((n) => ({ name: n.name, interface: n.interface, profileId: n.profileId })),
    diskIds, tagIds: new Set(), permissions: [], createdAt: new Date(),
  };
  store.templates.set(t.id, t);
  vm.status = 'image_locked';
  const fails = engine.jobFails('template');
  engine.step(() => {
    if (store.vms.get(vm.id) === vm) vm.status = 'down';
    if (fails) {
      for (const d of diskIds) store.disks.delete(d);
      store.templates.delete(t.id);
      return;
    }
    for (const d of diskIds) store.disks.get(d)!.status = 'ok';
    t.status = 'ok';
  });
  return { status: 201, root: 'template', body: templateXml(store, t) };
}

function deleteTemplate(engine: Engine, req: FakeRequest): Reply {
  const t = templateOf(engine, req.params[0]!);
  if (t.id === BLANK_ID) throw conflict('remove', 'Template', 'The Blank template cannot be removed.');
  if (t.status === 'locked') throw new Fault(409, 'Operation Failed', '[Cannot remove Template. Template is locked. Please try again in a few minutes.]');
  const users = [...engine.store.vms.values()].filter((v) => v.templateId === t.id && v.thin).map((v) => v.name);
  if (users.length) throw conflict('remove', 'Template', `Template is being used by the following VMs: ${users.join(', ')}.`);
  t.status = 'locked';
  engine.step(() => {
    for (const d of t.diskIds) engine.store.disks.delete(d);
    engine.store.templates.delete(t.id);
  });
  return {};
}

/** The template routes. */
export function templateRoutes(engine: Engine): Route[] {
  const one = '^/templates/([^/]+)';
  return [
    {
      method: 'GET',
      pattern: /^\/templates$/,
      handle: (req) => {
        const follow = followOf(req);
        return { root: 'templates', body: { template: [...engine.store.templates.values()].map((t) => templateXml(engine.store, t, follow)) } };
      },
    },
    { method: 'POST', pattern: /^\/templates$/, handle: (req) => addTemplate(engine, req) },
    { method: 'GET', pattern: new RegExp(`${one}$`), handle: (req) => ({ root: 'template', body: templateXml(engine.store, templateOf(engine, req.params[0]!), followOf(req)) }) },
    { method: 'DELETE', pattern: new RegExp(`${one}$`), handle: (req) => deleteTemplate(engine, req) },
    {
      method: 'GET',
      pattern: new RegExp(`${one}/diskattachments$`),
      handle: (req) => {
        const t = templateOf(engine, req.params[0]!);
        return {
          root: 'disk_attachments',
          body: { disk_attachment: t.diskIds.map((d, i) => ({ '@_href': `/ovirt-engine/api/templates/${t.id}/diskattachments/${d}`, '@_id': d, bootable: i === 0, interface: 'virtio_scsi', disk: refTo('disks', d), template: refTo('templates', t.id) })) },
        };
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${one}/nics$`),
      handle: (req) => {
        const t = templateOf(engine, req.params[0]!);
        const xml = templateXml(engine.store, t, new Set(['nics']));
        return { root: 'nics', body: xml.nics };
      },
    },
  ];
}
