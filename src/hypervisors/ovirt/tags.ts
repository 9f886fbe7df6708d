/**
 * vizor marks what it creates with real oVirt tags (`/tags`, `/vms/{id}/tags`,
 * `/templates/{id}/tags`): one tag per (role, owner), visible and searchable in the
 * administration portal. The tag name is short and search-safe; its description carries
 * the exact role and owner, so nothing depends on parsing a mangled name.
 */
import { createHash } from 'node:crypto';
import { HvNotFoundError, HvStateError } from '../errors.js';
import type { VizorTag } from '../types.js';
import { ignoreNotFound, type OvirtContext } from './context.js';
import { attr, child, members, ref, text, type XmlNode } from './xml.js';

const PREFIX = 'vizor-';
const ROLES: readonly VizorTag['role'][] = ['build', 'room', 'template'];

/** An engine tag that carries a vizor tag. */
export interface OvirtTag {
  readonly id: string;
  readonly name: string;
  readonly tag: VizorTag;
}

/** The tag name: `vizor-<role>-<owner slug>-<hash>`, only [a-z0-9-] so `tag=` search needs no quoting. */
export function tagName(tag: VizorTag): string {
  const slug = tag.owner.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24);
  const hash = createHash('sha256').update(`${tag.role}\n${tag.owner}`).digest('hex').slice(0, 10);
  return `${PREFIX}${tag.role}-${slug ? `${slug}-` : ''}${hash}`;
}

/** The tag description: `vizor:<role>:<owner>`, owner verbatim. */
export function tagDescription(tag: VizorTag): string {
  return `vizor:${tag.role}:${tag.owner}`;
}

/** Reads a vizor tag from an engine tag's name and description; null for foreign tags. */
export function parseTag(name: string | undefined, description: string | undefined): VizorTag | null {
  if (!name?.startsWith(PREFIX) || !description) return null;
  const m = /^vizor:([a-z]+):(.+)$/s.exec(description);
  if (!m) return null;
  const tag = { role: m[1] as VizorTag['role'], owner: m[2]! };
  // A hand-made tag that only looks like ours must not make vizor claim (and delete) a VM.
  return ROLES.includes(tag.role) && tagName(tag) === name ? tag : null;
}

/** The vizor tags among `<tags>` of an entity fetched with `follow=tags`, or a `/tags` list. */
export function vizorTags(tags: readonly XmlNode[]): OvirtTag[] {
  const out: OvirtTag[] = [];
  for (const t of tags) {
    const tag = parseTag(text(t, 'name'), text(t, 'description'));
    const id = attr(t, 'id');
    if (tag && id) out.push({ id, name: text(t, 'name')!, tag });
  }
  return out;
}

/** The vizor tag of a VM or template fetched with `follow=tags`. */
export function vizorTagOf(entity: XmlNode): VizorTag | null {
  return vizorTags(members(entity, 'tags', 'tag'))[0]?.tag ?? null;
}

/** Every vizor tag defined on the engine. */
export async function listVizorTags(ctx: OvirtContext): Promise<OvirtTag[]> {
  return vizorTags(members(await ctx.client.get('/tags'), 'tags', 'tag'));
}

/** The tag's id, creating the tag when it does not exist yet. */
export async function ensureTag(ctx: OvirtContext, tag: VizorTag): Promise<string> {
  const name = tagName(tag);
  const find = async (): Promise<string | undefined> => (await listVizorTags(ctx)).find((t) => t.name === name)?.id;
  const existing = await find();
  if (existing) return existing;
  try {
    const created = await ctx.client.post('/tags', 'tag', { name, description: tagDescription(tag) });
    const id = attr(child(created, 'tag'), 'id');
    if (id) return id;
  } catch (err) {
    // Another vizor worker created it first.
    if (!(err instanceof HvStateError)) throw err;
  }
  const again = await find();
  if (!again) throw new HvNotFoundError(`ovirt: tag ${name} could not be created`, { platform: 'ovirt' });
  return again;
}

/** Assigns vizor's tag to a VM or template. */
export async function assignTag(ctx: OvirtContext, collection: 'vms' | 'templates', id: string, tag: VizorTag): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const tagId = await ensureTag(ctx, tag);
    try {
      await ctx.client.post(`/${collection}/${id}/tags`, 'tag', ref(tagId));
      return;
    } catch (err) {
      if (err instanceof HvStateError && /already/i.test(err.platformMessage ?? '')) return;
      // The tag was removed as unused between lookup and assignment: make it again, once.
      if (!(err instanceof HvNotFoundError) || attempt > 0 || (await isMissing(ctx, `/${collection}/${id}`))) throw err;
    }
  }
}

async function isMissing(ctx: OvirtContext, path: string): Promise<boolean> {
  return !(await ignoreNotFound(() => ctx.client.get(path)));
}

/**
 * Templates carrying a tag. Only the VM search is relied on for `tag=`; a site has few
 * templates, so they are listed with their tags (`follow`) and filtered here.
 */
export async function templatesWithTag(ctx: OvirtContext, tagId: string, follow = 'tags'): Promise<XmlNode[]> {
  const all = members(await ctx.client.get('/templates', { follow }), 'templates', 'template');
  return all.filter((tpl) => members(tpl, 'tags', 'tag').some((x) => attr(x, 'id') === tagId));
}

/** Deletes tags no VM (or template, for template tags) carries any more. */
export async function dropUnusedTags(ctx: OvirtContext, tags: readonly OvirtTag[]): Promise<void> {
  for (const t of tags) {
    // For VM tags, max=1: one carrier is enough to keep the tag.
    const inUse =
      t.tag.role === 'template'
        ? (await templatesWithTag(ctx, t.id)).length > 0
        : members(await ctx.client.get('/vms', { search: `tag=${t.name}`, max: '1' }), 'vms', 'vm').length > 0;
    if (!inUse) await ignoreNotFound(() => ctx.client.delete(`/tags/${t.id}`));
  }
}
