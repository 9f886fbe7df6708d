import { z } from 'zod';
import { NotFoundError, normaliseMac } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { ValidationError } from '../errors.js';
import { nodeEvents } from '../events.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { pollQuery } from '../schemas/common.js';
import { nodeCreate, nodeDetail, nodeEventView, nodeView, taskInput, toNodeEventView, toNodeView } from '../schemas/machines.js';
import { nodeTaskFrom } from './node-tasks.js';

const refParam = z.object({ ref: z.string().min(1).meta({ description: 'MAC address or node name' }) });

/** The MAC a ref names: a registered node's (by name or MAC), or any well-formed MAC. */
function macOf(ctx: ApiContext, ref: string): string {
  const byName = ctx.store.nodes.list().find((n) => n.name === ref);
  const mac = byName?.mac ?? normaliseMac(ref);
  if (!mac) throw new NotFoundError('node', ref);
  return mac;
}

/** `/api/v1/nodes`: what `vizor node` does, plus incremental boot timelines. */
export const nodeRoutes: RouteGroup = {
  tag: 'nodes',
  description: 'Machines vizor boots, by MAC address, and their boot timelines.',
  routes: [
    defineRoute({
      id: 'listNodes', method: 'get', path: '/api/v1/nodes', summary: 'List registered machines', scope: 'read',
      response: z.array(nodeView),
      handler: ({ ctx }) => ctx.store.nodes.list().map(toNodeView),
    }),
    defineRoute({
      id: 'addNode', method: 'post', path: '/api/v1/nodes', summary: 'Register a machine', scope: 'admin',
      body: nodeCreate, response: nodeView, status: 201,
      location: (n) => `/api/v1/nodes/${encodeURIComponent(n.mac)}`,
      handler: ({ ctx, body }) => {
        const mac = normaliseMac(body.mac);
        if (!mac) throw ValidationError.of('body', 'mac', `not a MAC address: "${body.mac}"`);
        const task = body.task ? nodeTaskFrom(ctx, mac, body.task) : { kind: 'default' };
        return toNodeView(ctx.store.nodes.add({ mac, name: body.name ?? null, task }));
      },
    }),
    defineRoute({
      id: 'getNode', method: 'get', path: '/api/v1/nodes/:ref', summary: 'A machine (registered or only seen) and its DHCP lease', scope: 'read',
      params: refParam, response: nodeDetail,
      handler: ({ ctx, params }) => {
        const mac = macOf(ctx, params.ref);
        const node = ctx.store.nodes.find(mac);
        return { mac, node: node ? toNodeView(node) : null, lease: ctx.store.dhcp.lease(mac) };
      },
    }),
    defineRoute({
      id: 'listNodeEvents', method: 'get', path: '/api/v1/nodes/:ref/events', summary: 'A machine’s boot timeline; poll with after=<last id>', scope: 'read',
      params: refParam, query: pollQuery, response: z.array(nodeEventView),
      handler: ({ ctx, params, query }) => nodeEvents(ctx.store.db, macOf(ctx, params.ref), query.after, query.limit ?? 200).map(toNodeEventView),
    }),
    defineRoute({
      id: 'setNodeTask', method: 'put', path: '/api/v1/nodes/:ref/task', summary: 'Set what a machine boots into next', scope: 'admin',
      params: refParam, body: z.strictObject({ task: taskInput }), response: nodeView,
      handler: ({ ctx, params, body }) => {
        const mac = ctx.store.nodes.get(params.ref).mac;
        return toNodeView(ctx.store.nodes.setTask(mac, nodeTaskFrom(ctx, mac, body.task)));
      },
    }),
    defineRoute({
      id: 'removeNode', method: 'delete', path: '/api/v1/nodes/:ref', summary: 'Forget a machine and its events', scope: 'admin',
      params: refParam, status: 204,
      handler: ({ ctx, params }) => ctx.store.nodes.remove(params.ref),
    }),
  ],
};
