import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { flagOn, queryFlag } from '../schemas/common.js';
import { instanceView, refreshView, templateView, toInstanceView, toTemplateView } from '../schemas/builds.js';

const refParam = z.object({ ref: z.string().min(1).meta({ description: 'template id, or name when unique' }) });

function publishRoute(published: boolean) {
  const verb = published ? 'publish' : 'unpublish';
  return defineRoute({
    id: `${verb}Template`, method: 'post', path: `/api/v1/templates/:ref/${verb}`, summary: `${published ? 'Publish' : 'Unpublish'} a template on its platform`, scope: 'admin',
    params: refParam, response: templateView,
    handler: async ({ ctx, params }) => {
      const t = ctx.store.templates.get(params.ref);
      await (await ctx.driver(t.hypervisor)).publishTemplate(t.platformId, published);
      ctx.store.templates.setPublished(t.id, published);
      return toTemplateView(ctx.store.templates.get(String(t.id)));
    },
  });
}

/** Marks templates and instances as their platforms list them (vizor's tag only). */
async function refresh(ctx: ApiContext): Promise<z.input<typeof refreshView>> {
  const out = { templates: { present: 0, missing: 0 }, instances: { present: 0, missing: 0 } };
  const hvs = new Set([...ctx.store.templates.list().map((t) => t.hypervisor), ...ctx.store.instances.list().map((i) => i.hypervisor)]);
  for (const hv of hvs) {
    const seen = new Map((await (await ctx.driver(hv)).listVms()).map((v) => [v.id, v]));
    for (const t of ctx.store.templates.list().filter((x) => x.hypervisor === hv)) {
      const ok = seen.get(t.platformId)?.isTemplate === true;
      ctx.store.templates.setState(t.id, ok ? 'present' : 'missing');
      out.templates[ok ? 'present' : 'missing']++;
    }
    for (const i of ctx.store.instances.list().filter((x) => x.hypervisor === hv && x.state !== 'destroyed')) {
      const vm = seen.get(i.platformId);
      ctx.store.instances.setState(hv, i.platformId, vm ? (vm.isTemplate ? 'templated' : vm.power) : 'gone');
      out.instances[vm ? 'present' : 'missing']++;
    }
  }
  return out;
}

/** `/api/v1/templates` and `/api/v1/instances`: what `vizor template` and `vizor instance` do. */
export const madeRoutes: RouteGroup = {
  tag: 'templates',
  description: 'Templates vizor made and the VMs builds and rooms created.',
  routes: [
    defineRoute({
      id: 'listTemplates', method: 'get', path: '/api/v1/templates', summary: 'List templates', scope: 'read',
      query: z.object({ all: queryFlag.meta({ description: 'include deleted ones' }) }), response: z.array(templateView),
      handler: ({ ctx, query }) => ctx.store.templates.list(flagOn(query.all)).map(toTemplateView),
    }),
    defineRoute({
      id: 'getTemplate', method: 'get', path: '/api/v1/templates/:ref', summary: 'Show a template', scope: 'read',
      params: refParam, response: templateView,
      handler: ({ ctx, params }) => toTemplateView(ctx.store.templates.get(params.ref)),
    }),
    publishRoute(true),
    publishRoute(false),
    defineRoute({
      id: 'deleteTemplate', method: 'delete', path: '/api/v1/templates/:ref', summary: 'Delete a template from its platform', scope: 'admin',
      params: refParam, status: 204,
      handler: async ({ ctx, params }) => {
        const t = ctx.store.templates.get(params.ref);
        await (await ctx.driver(t.hypervisor)).deleteTemplate(t.platformId).catch((err: unknown) => ((err as { code?: string }).code === 'HV_NOT_FOUND' ? undefined : Promise.reject(err)));
        ctx.store.templates.setState(t.id, 'deleted');
      },
    }),
    defineRoute({
      id: 'listInstances', method: 'get', path: '/api/v1/instances', summary: 'List VMs builds and rooms created', scope: 'read',
      query: z.object({ owner: z.string().min(1).optional(), role: z.enum(['build', 'room']).optional() }), response: z.array(instanceView),
      handler: ({ ctx, query }) => ctx.store.instances.list({ ...(query.owner ? { owner: query.owner } : {}), ...(query.role ? { role: query.role } : {}) }).map(toInstanceView),
    }),
    defineRoute({
      id: 'getInstance', method: 'get', path: '/api/v1/instances/:id', summary: 'Show an instance', scope: 'read',
      params: z.object({ id: z.coerce.number().int().min(1) }), response: instanceView,
      handler: ({ ctx, params }) => toInstanceView(ctx.store.instances.get(params.id)),
    }),
    defineRoute({
      id: 'refreshInventory', method: 'post', path: '/api/v1/inventory/refresh', summary: 'Mark templates and instances present or missing as their platforms see them', scope: 'admin',
      response: refreshView,
      handler: ({ ctx }) => refresh(ctx),
    }),
  ],
};
