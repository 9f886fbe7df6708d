/**
 * Tags (`/tags`, and assigned tags under `/vms/{id}/tags` and `/templates/{id}/tags`) and
 * permissions (`/vms|templates/{id}/permissions`): role by id or name, principal by id.
 */
import { randomUUID } from 'node:crypto';
import { conflict, Fault, incomplete, notFound, type Engine, type FakeRequest, type Reply, type Route } from './engine.js';
import { permissionXml, tagXml } from './render.js';
import { ROOT_TAG_ID, type FakePermission } from './store.js';
import { el, idOf, str } from './xml.js';

interface Holder {
  readonly tagIds: Set<string>;
  permissions: FakePermission[];
}
interface Kind {
  readonly collection: 'vms' | 'templates';
  readonly singular: 'vm' | 'template';
  readonly get: (id: string) => Holder;
  /** Changing a locked VM/template is refused. */
  readonly assertUnlocked: (id: string, action: string) => void;
}

function kinds(engine: Engine): Kind[] {
  return [
    { collection: 'vms', singular: 'vm', get: (id) => engine.vm(id), assertUnlocked: (id, action) => engine.assertUnlocked(engine.vm(id), action) },
    {
      collection: 'templates',
      singular: 'template',
      get: (id) => {
        const t = engine.store.templates.get(id);
        if (!t) throw notFound(id);
        return t;
      },
      assertUnlocked: (id, action) => {
        if (engine.store.templates.get(id)?.status === 'locked') throw new Fault(409, 'Operation Failed', `[Cannot ${action} Template. Template is locked. Please try again in a few minutes.]`);
      },
    },
  ];
}

function addPermission(engine: Engine, k: Kind, req: FakeRequest): Reply {
  const id = req.params[0]!;
  const holder = k.get(id);
  const body = el(req.body, 'permission');
  const roleRef = el(body, 'role');
  if (!body || !roleRef) throw incomplete('Permission', 'role.id|name');
  const role = engine.store.find(engine.store.roles, { id: idOf(roleRef), name: str(roleRef, 'name') });
  if (!role) throw notFound(`Role: ${idOf(roleRef) ?? `name=${str(roleRef, 'name')}`}`);
  const kind = el(body, 'user') ? 'user' : el(body, 'group') ? 'group' : null;
  if (!kind) throw incomplete('Permission', 'user|group.id');
  const pid = idOf(el(body, kind));
  const exists = kind === 'user' ? engine.store.users.has(pid ?? '') : engine.store.groups.has(pid ?? '');
  if (!pid || !exists) throw notFound(`${kind === 'user' ? 'User' : 'Group'}: ${pid ?? '(no id)'}`);
  if (holder.permissions.some((p) => p.roleId === role.id && p.principal.id === pid)) throw conflict('add', 'Permission', 'Permission already exists.');
  const p: FakePermission = { id: randomUUID(), roleId: role.id, principal: { kind, id: pid } };
  holder.permissions.push(p);
  return { status: 201, root: 'permission', body: permissionXml({ collection: k.collection, singular: k.singular, id }, p) };
}

function assignTag(engine: Engine, k: Kind, req: FakeRequest): Reply {
  const id = req.params[0]!;
  const holder = k.get(id);
  const body = el(req.body, 'tag');
  if (!body || (!idOf(body) && !str(body, 'name'))) throw incomplete('Tag', 'id|name');
  const tag = engine.store.find(engine.store.tags, { id: idOf(body), name: str(body, 'name') });
  if (!tag) throw notFound(`Tag: ${idOf(body) ?? `name=${str(body, 'name')}`}`);
  k.assertUnlocked(id, 'attach Tag to');
  if (holder.tagIds.has(tag.id)) throw conflict('attach', 'Tag', 'Tag is already attached.');
  holder.tagIds.add(tag.id);
  return { status: 201, root: 'tag', body: tagXml(tag, { collection: k.collection, singular: k.singular, id }) };
}

function addTag(engine: Engine, req: FakeRequest): Reply {
  const body = el(req.body, 'tag');
  const name = str(body, 'name');
  if (!body || !name) throw incomplete('Tag', 'name');
  if ([...engine.store.tags.values()].some((t) => t.name === name)) throw conflict('add', 'Tag', 'Tag name is already in use.');
  const parent = idOf(el(body, 'parent')) ?? ROOT_TAG_ID;
  if (!engine.store.tags.has(parent)) throw notFound(`Tag: ${parent}`);
  const tag = { id: randomUUID(), name, description: str(body, 'description') ?? '', parentId: parent };
  engine.store.tags.set(tag.id, tag);
  return { status: 201, root: 'tag', body: tagXml(tag) };
}

function deleteTag(engine: Engine, req: FakeRequest): Reply {
  const id = req.params[0]!;
  if (!engine.store.tags.has(id)) throw notFound(id);
  if (id === ROOT_TAG_ID) throw conflict('remove', 'Tag', 'The root tag cannot be removed.');
  engine.store.tags.delete(id);
  for (const holder of [...engine.store.vms.values(), ...engine.store.templates.values()]) holder.tagIds.delete(id);
  return {};
}

/** The tag and permission routes. */
export function assignedRoutes(engine: Engine): Route[] {
  const routes: Route[] = [
    { method: 'GET', pattern: /^\/tags$/, handle: () => ({ root: 'tags', body: { tag: [...engine.store.tags.values()].map((t) => tagXml(t)) } }) },
    { method: 'POST', pattern: /^\/tags$/, handle: (req) => addTag(engine, req) },
    {
      method: 'GET',
      pattern: /^\/tags\/([^/]+)$/,
      handle: (req) => {
        const t = engine.store.tags.get(req.params[0]!);
        if (!t) throw notFound(req.params[0]!);
        return { root: 'tag', body: tagXml(t) };
      },
    },
    { method: 'DELETE', pattern: /^\/tags\/([^/]+)$/, handle: (req) => deleteTag(engine, req) },
  ];
  for (const k of kinds(engine)) {
    const base = `^/${k.collection}/([^/]+)`;
    const owner = (req: FakeRequest) => ({ collection: k.collection, singular: k.singular, id: req.params[0]! });
    routes.push(
      {
        method: 'GET',
        pattern: new RegExp(`${base}/tags$`),
        handle: (req) => ({ root: 'tags', body: { tag: [...k.get(req.params[0]!).tagIds].map((t) => tagXml(engine.store.tags.get(t)!, owner(req))) } }),
      },
      { method: 'POST', pattern: new RegExp(`${base}/tags$`), handle: (req) => assignTag(engine, k, req) },
      {
        method: 'DELETE',
        pattern: new RegExp(`${base}/tags/([^/]+)$`),
        handle: (req) => {
          if (!k.get(req.params[0]!).tagIds.delete(req.params[1]!)) throw notFound(req.params[1]!);
          return {};
        },
      },
      {
        method: 'GET',
        pattern: new RegExp(`${base}/permissions$`),
        handle: (req) => ({ root: 'permissions', body: { permission: k.get(req.params[0]!).permissions.map((p) => permissionXml(owner(req), p)) } }),
      },
      { method: 'POST', pattern: new RegExp(`${base}/permissions$`), handle: (req) => addPermission(engine, k, req) },
      {
        method: 'DELETE',
        pattern: new RegExp(`${base}/permissions/([^/]+)$`),
        handle: (req) => {
          const holder = k.get(req.params[0]!);
          if (!holder.permissions.some((p) => p.id === req.params[1])) throw notFound(req.params[1]!);
          holder.permissions = holder.permissions.filter((p) => p.id !== req.params[1]);
          return {};
        },
      },
    );
  }
  return routes;
}
