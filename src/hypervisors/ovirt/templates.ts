/**
 * Templates. oVirt makes a template as a copy of a VM (`POST /templates` with `<vm id>`)
 * and keeps the VM; vizor's interface says the VM id stops being a VM, so once the
 * template is ready the source VM is removed. Publishing grants the Everyone group
 * UserTemplateBasedVm on the template.
 */
import { HvRequestError, HvStateError } from '../errors.js';
import type { TemplateInfo } from '../types.js';
import { getOrNull, ignoreNotFound, waitGone, waitSettled, type OvirtContext } from './context.js';
import { clearPayloads, ejectIso, roleRef } from './devices.js';
import { destroy } from './power.js';
import { everyoneGroupId, resolveRole } from './resolve.js';
import { assignTag, dropUnusedTags, vizorTags } from './tags.js';
import { fetchVm } from './vms.js';
import { attr, child, members, ref, text } from './xml.js';

/** The role that lets a user create VMs from a template. */
export const PUBLISH_ROLE = 'UserTemplateBasedVm';

const tplPath = (id: string): string => `/templates/${encodeURIComponent(id)}`;

/** Turns a halted VM into a template named `name`; CDs ejected, payloads cleared, VM removed. */
export async function convertToTemplate(ctx: OvirtContext, vmId: string, name: string): Promise<TemplateInfo> {
  const vm = await fetchVm(ctx, vmId);
  const status = text(vm, 'status');
  if (status !== 'down') {
    throw new HvStateError(`ovirt: VM ${vmId} must be down to become a template (it is ${status})`, { platform: 'ovirt', platformCode: status });
  }
  await ejectIso(ctx, vmId);
  // A payload may hold an answer file with secrets: it must not live on in the template.
  if (members(vm, 'payloads', 'payload').length > 0) await clearPayloads(ctx, vmId);
  const made = child(await ctx.client.post('/templates', 'template', { name, vm: ref(vmId) }), 'template');
  const id = attr(made, 'id');
  if (!id) throw new HvRequestError('ovirt: POST /templates answered without a template id', { platform: 'ovirt' });
  await waitSettled(ctx, `template ${name} from VM ${vmId}`, tplPath(id), 'template', 'status', ['locked']);
  const owner = vizorTags(members(vm, 'tags', 'tag'))[0]?.tag.owner;
  if (owner !== undefined) await assignTag(ctx, 'templates', id, { role: 'template', owner });
  await destroy(ctx, vmId);
  return { id, name: text(made, 'name') ?? name, published: false };
}

/** Grants (or revokes) UserTemplateBasedVm for Everyone on the template. */
export async function publishTemplate(ctx: OvirtContext, templateId: string, published: boolean): Promise<void> {
  const everyone = await everyoneGroupId(ctx);
  const role = await resolveRole(ctx, PUBLISH_ROLE);
  const perms = members(await ctx.client.get(`${tplPath(templateId)}/permissions`), 'permissions', 'permission');
  const mine = perms.filter((p) => attr(child(p, 'group'), 'id') === everyone && attr(child(p, 'role'), 'id') === role.id);
  if (published && mine.length === 0) {
    await ctx.client.post(`${tplPath(templateId)}/permissions`, 'permission', { role: roleRef(PUBLISH_ROLE), group: ref(everyone) });
  }
  if (!published) {
    for (const p of mine) await ignoreNotFound(() => ctx.client.delete(`${tplPath(templateId)}/permissions/${attr(p, 'id')}`));
  }
}

/** Removes a template; a template that is already gone is fine. */
export async function deleteTemplate(ctx: OvirtContext, templateId: string): Promise<void> {
  const tpl = await getOrNull(ctx, tplPath(templateId), 'template', { follow: 'tags' });
  if (tpl === null) return;
  const tags = vizorTags(members(tpl, 'tags', 'tag'));
  if (!(await ignoreNotFound(() => ctx.client.delete(tplPath(templateId))))) return;
  await waitGone(ctx, `template ${templateId} to be removed`, tplPath(templateId), 'template');
  await dropUnusedTags(ctx, tags);
}
