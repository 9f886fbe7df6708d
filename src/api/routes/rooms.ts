import { z } from 'zod';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  deleteRoomVms, loadRooms, planRoom, powerRoomVms, resetRoomVms, rolloutRoom, roomStatus, lockRoom, RoomError,
  type RoomContext, type VmResult,
} from '../../rooms/index.js';
import { defineRoute, type RouteGroup } from '../route.js';
import type { ApiContext } from '../context.js';

const roomParam = z.object({ room: z.string().min(1).max(80) });
const actionParam = roomParam.extend({ action: z.enum(['rollout', 'reset', 'start', 'shutdown', 'delete']) });
const actionBody = z.object({ only: z.array(z.string().min(1)).optional(), confirm: z.string().optional() }).strict();

const vmStatus = z.object({
  name: z.string(), hostname: z.string(), ip: z.string().nullable(), exists: z.boolean(), id: z.string().nullable(), power: z.string().nullable(),
  snapshots: z.array(z.string()), resetTo: z.string().nullable(), resetProblem: z.string().nullable(),
  rollout: z.object({ step: z.string(), state: z.string(), error: z.string().nullable() }).nullable(),
  report: z.record(z.string(), z.unknown()).nullable(),
});
const vmResult = z.object({ name: z.string(), ok: z.boolean(), action: z.string(), error: z.string().optional(), detail: z.record(z.string(), z.unknown()).optional() });
const actionView = z.object({ room: z.string(), action: z.string(), state: z.enum(['running', 'done', 'failed']), startedAt: z.string(), finishedAt: z.string().nullable(), results: z.array(vmResult), error: z.string().nullable() });
const roomSummary = z.object({ room: z.string(), file: z.string().nullable(), vms: z.number(), done: z.number(), failed: z.number(), working: z.number(), lastAction: actionView.nullable() });

type ActionView = z.infer<typeof actionView>;
const lastActions = new Map<string, ActionView>();

/** The rooms in the rooms folder; none when the folder does not exist yet. */
function roomsOf(ctx: ApiContext) {
  const dir = ctx.rooms?.dir ?? '/etc/vizor/rooms.d';
  return existsSync(dir) ? loadRooms(dir) : [];
}

function roomByName(ctx: ApiContext, name: string) {
  const hit = roomsOf(ctx).find((r) => r.room === name);
  if (!hit) throw new RoomError('ROOM_NOT_FOUND', `no room "${name}" in ${ctx.rooms?.dir ?? '/etc/vizor/rooms.d'}`);
  return hit;
}

function roomContext(ctx: ApiContext, room: string): RoomContext {
  return {
    store: ctx.store, driver: ctx.driver, secret: (n) => ctx.secrets.get(n), log: ctx.log,
    payloadDir: join(ctx.rooms?.payloadRoot ?? '/var/lib/vizor/payloads', room), reportBase: ctx.rooms?.reportBase ?? null,
  };
}

/** `/api/v1/rooms`: what `vizor room` does for rooms in the rooms folder; actions run in the background. */
export const roomRoutes: RouteGroup = {
  tag: 'rooms',
  description: 'Virtual rooms from /etc/vizor/rooms.d: per-VM state, and rollout/reset/start/shutdown/delete actions.',
  routes: [
    defineRoute({
      id: 'listRooms', method: 'get', path: '/api/v1/rooms', summary: 'List rooms with their rollout state', scope: 'read',
      response: z.array(roomSummary),
      handler: ({ ctx }) => roomsOf(ctx).map((r) => {
        const rows = ctx.store.rooms.vms(r.room);
        const plan = (() => { try { return planRoom(r).length; } catch { return 0; } })();
        return { room: r.room, file: r.source?.file ?? null, vms: plan, done: rows.filter((x) => x.state === 'done').length, failed: rows.filter((x) => x.state === 'failed').length, working: rows.filter((x) => x.state === 'working').length, lastAction: lastActions.get(r.room) ?? null };
      }),
    }),
    defineRoute({
      id: 'getRoom', method: 'get', path: '/api/v1/rooms/:room', summary: 'Each VM: settings, existence, power, snapshots, reset snapshot, rollout step, first-boot report', scope: 'read',
      params: roomParam, response: z.object({ room: z.string(), vms: z.array(vmStatus), lastAction: actionView.nullable() }),
      handler: async ({ ctx, params }) => {
        const plan = planRoom(roomByName(ctx, params.room));
        const vms = (await roomStatus(roomContext(ctx, params.room), plan)).map((v) => ({ ...v, snapshots: [...v.snapshots] }));
        return { room: params.room, vms, lastAction: lastActions.get(params.room) ?? null };
      },
    }),
    defineRoute({
      id: 'roomAction', method: 'post', path: '/api/v1/rooms/:room/actions/:action', summary: 'Start a room action (delete needs confirm = the room name); poll getRoom for progress', scope: 'admin',
      params: actionParam, body: actionBody, response: actionView, status: 202,
      handler: async ({ ctx, params, body }) => {
        const cfg = roomByName(ctx, params.room);
        if (params.action === 'delete' && body.confirm !== params.room) throw new RoomError('ROOM_CONFIRM', `deleting room ${params.room} needs "confirm": "${params.room}"`);
        const plan = planRoom(cfg).filter((v) => !body.only || body.only.includes(v.name));
        const rc = roomContext(ctx, params.room);
        // The lock is taken before answering: a busy room (CLI or API) is a 409 and the running action stays shown.
        const release = lockRoom(ctx.store, params.room, params.action);
        const view: ActionView = { room: params.room, action: params.action, state: 'running', startedAt: new Date().toISOString(), finishedAt: null, results: [], error: null };
        lastActions.set(params.room, view);
        const run = (): Promise<VmResult[]> =>
          params.action === 'rollout' ? rolloutRoom(rc, plan) : params.action === 'reset' ? resetRoomVms(rc, plan) : params.action === 'delete' ? deleteRoomVms(rc, plan) : powerRoomVms(rc, plan, params.action);
        void run().finally(release).then(
          (results) => lastActions.set(params.room, { ...view, state: results.every((r) => r.ok) ? 'done' : 'failed', results, finishedAt: new Date().toISOString() }),
          (err: unknown) => lastActions.set(params.room, { ...view, state: 'failed', error: (err as Error).message, finishedAt: new Date().toISOString() }),
        );
        return view;
      },
    }),
  ],
};
