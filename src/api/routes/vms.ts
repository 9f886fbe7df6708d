import { z } from 'zod';
import { HvStateError, type HypervisorDriver, type VmInfo } from '../../hypervisors/index.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { actionResult } from '../schemas/common.js';
import { vmAction, vmDetail, vmView } from '../schemas/machines.js';

const hvParam = z.object({ name: z.string().min(1).meta({ description: 'hypervisor name' }) });
const vmParam = hvParam.extend({ id: z.string().min(1).meta({ description: 'platform id of the VM' }) });

const view = (v: VmInfo) => ({ ...v, macs: [...v.macs], ...(v.details ? { details: { ...v.details } } : {}) });

/** Only vizor's own VMs: one without vizor's tag is refused, whatever its name. */
async function ownVm(d: HypervisorDriver, id: string, verb: string, absentOk: boolean): Promise<VmInfo | null> {
  const info = await d.getVm(id).catch((err: unknown) => (absentOk && (err as { code?: string }).code === 'HV_NOT_FOUND' ? null : Promise.reject(err)));
  if (info && !info.tag) throw new HvStateError(`VM ${id} (${info.name}) was not created by vizor: refusing to ${verb} it`, { platform: d.kind });
  return info;
}

function powerRoute(verb: 'start' | 'stop') {
  return defineRoute({
    id: `${verb}Vm`, method: 'post', path: `/api/v1/hypervisors/:name/vms/:id/${verb}`, scope: 'admin',
    summary: verb === 'start' ? 'Start a VM vizor created' : 'Power a VM vizor created off at once',
    params: vmParam, body: vmAction, response: actionResult,
    handler: async ({ ctx, params, body }) => {
      const d = await ctx.driver(params.name);
      await ownVm(d, params.id, verb, false);
      if (verb === 'start') await d.start(params.id);
      else await d.stop(params.id);
      if (body.waitSeconds) await d.waitForPower(params.id, verb === 'start' ? 'running' : 'halted', { timeoutMs: body.waitSeconds * 1000 });
      return { id: params.id, done: verb };
    },
  });
}

/** `/api/v1/hypervisors/{name}/vms`: what `vizor vm` does, over VMs carrying vizor's tag. */
export const vmRoutes: RouteGroup = {
  tag: 'vms',
  description: 'VMs vizor created on a platform (found by vizor’s tag, never by name).',
  routes: [
    defineRoute({
      id: 'listVms', method: 'get', path: '/api/v1/hypervisors/:name/vms', summary: 'List vizor’s VMs and templates on a platform', scope: 'read',
      params: hvParam, query: z.object({ owner: z.string().min(1).optional().meta({ description: 'a build id or room/run' }) }), response: z.array(vmView),
      handler: async ({ ctx, params, query }) => (await (await ctx.driver(params.name)).listVms(query.owner ? { owner: query.owner } : undefined)).map(view),
    }),
    defineRoute({
      id: 'getVm', method: 'get', path: '/api/v1/hypervisors/:name/vms/:id', summary: 'Show one VM with its snapshots', scope: 'read',
      params: vmParam, response: vmDetail,
      handler: async ({ ctx, params }) => {
        const d = await ctx.driver(params.name);
        const info = await d.getVm(params.id);
        const snapshots = info.isTemplate ? [] : await d.listSnapshots(params.id).catch(() => []);
        return { ...view(info), snapshots: snapshots.map((s) => ({ ...s, createdAt: s.createdAt ? s.createdAt.toISOString() : null })) };
      },
    }),
    powerRoute('start'),
    powerRoute('stop'),
    defineRoute({
      id: 'destroyVm', method: 'delete', path: '/api/v1/hypervisors/:name/vms/:id', summary: 'Destroy a VM vizor created, with its disks and snapshots', scope: 'admin',
      params: vmParam, status: 204,
      handler: async ({ ctx, params }) => {
        const d = await ctx.driver(params.name);
        if (await ownVm(d, params.id, 'destroy', true)) await d.destroy(params.id);
      },
    }),
  ],
};
