import type { PowerState, SnapshotInfo } from '../hypervisors/index.js';
import type { PlannedVm } from './config/index.js';
import { bounded, roomVmsOn, type RoomContext, type VmResult } from './context.js';
import { removePayload } from './payload.js';

/** What `room show|plan` says of each planned VM. */
export interface RoomVmStatus {
  readonly name: string;
  readonly hostname: string;
  readonly ip: string | null;
  readonly exists: boolean;
  readonly id: string | null;
  readonly power: PowerState | null;
  readonly snapshots: readonly string[];
  /** The snapshot a reset would use, or why none can be. */
  readonly resetTo: string | null;
  readonly resetProblem: string | null;
  readonly rollout: { readonly step: string; readonly state: string; readonly error: string | null } | null;
  readonly report: Record<string, unknown> | null;
}

/** The snapshot a reset reverts to: the configured name (with `${time}` as a wildcard), exactly one. */
export function resetSnapshot(vm: PlannedVm, snapshots: readonly SnapshotInfo[]): { snapshot: SnapshotInfo } | { problem: string } {
  if (!vm.snapshot) return { problem: 'no snapshot configured for this VM' };
  const pattern = new RegExp(`^${vm.snapshot.name.split('${time}').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const hits = snapshots.filter((s) => pattern.test(s.name));
  if (hits.length === 0) return { problem: `no snapshot named like "${vm.snapshot.name}"` };
  if (hits.length > 1) return { problem: `${hits.length} snapshots match "${vm.snapshot.name}": ${hits.map((h) => h.name).join(', ')}` };
  return { snapshot: hits[0]! };
}

/** Each planned VM with what the platform has. */
export async function roomStatus(ctx: RoomContext, plan: readonly PlannedVm[]): Promise<RoomVmStatus[]> {
  const out: RoomVmStatus[] = [];
  for (const hv of new Set(plan.map((v) => v.hypervisor!))) {
    const d = await ctx.driver(hv);
    const present = await roomVmsOn(d, plan[0]!.room);
    for (const vm of plan.filter((v) => v.hypervisor === hv)) {
      const info = present.get(vm.name.toLowerCase());
      const snaps = info ? await d.listSnapshots(info.id).catch(() => []) : [];
      const reset = info ? resetSnapshot(vm, snaps) : { problem: 'VM does not exist' };
      const row = ctx.store.rooms.vm(vm.room, vm.name);
      out.push({
        name: vm.name, hostname: vm.hostname, ip: vm.ip, exists: Boolean(info), id: info?.id ?? null, power: info?.power ?? null,
        snapshots: snaps.map((s) => s.name), resetTo: 'snapshot' in reset ? reset.snapshot.name : null, resetProblem: 'problem' in reset ? reset.problem : null,
        rollout: row ? { step: row.step, state: row.state, error: row.error } : null, report: (row?.detail.report as Record<string, unknown> | undefined) ?? null,
      });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs `act` on each planned VM that exists on its platform with this room's tag. */
async function eachExisting(ctx: RoomContext, plan: readonly PlannedVm[], act: (vm: PlannedVm, id: string) => Promise<VmResult>): Promise<VmResult[]> {
  const present = new Map<string, Map<string, { id: string }>>();
  for (const hv of new Set(plan.map((v) => v.hypervisor!))) present.set(hv, await roomVmsOn(await ctx.driver(hv), plan[0]!.room));
  return bounded(plan, ctx.concurrency ?? 4, async (vm) => {
    const info = present.get(vm.hypervisor!)!.get(vm.name.toLowerCase());
    if (!info) return { name: vm.name, ok: true, action: 'absent' };
    try {
      return await act(vm, info.id);
    } catch (err) {
      return { name: vm.name, ok: false, action: 'failed', error: (err as Error).message };
    }
  });
}

/** Deletes the room's VMs (only those carrying its tag), their payloads and DHCP reservations. */
export function deleteRoomVms(ctx: RoomContext, plan: readonly PlannedVm[]): Promise<VmResult[]> {
  return eachExisting(ctx, plan, async (vm, id) => {
    const d = await ctx.driver(vm.hypervisor!);
    await d.destroy(id);
    const row = ctx.store.rooms.vm(vm.room, vm.name);
    await removePayload(row?.detail.payloadPath as string | undefined);
    if (row?.mac && ctx.store.dhcp.reservation(row.mac)?.owner === `room:${vm.room}`) ctx.store.dhcp.unreserve(row.mac);
    ctx.store.rooms.remove(vm.room, vm.name);
    ctx.store.instances.setState(vm.hypervisor!, id, 'destroyed');
    return { name: vm.name, ok: true, action: 'deleted', detail: { id } };
  });
}

/** Reverts each VM to its reset snapshot, then applies the start policy (always / if it was running / never). */
export function resetRoomVms(ctx: RoomContext, plan: readonly PlannedVm[]): Promise<VmResult[]> {
  return eachExisting(ctx, plan, async (vm, id) => {
    const d = await ctx.driver(vm.hypervisor!);
    const before = await d.getVm(id);
    const pick = resetSnapshot(vm, await d.listSnapshots(id));
    if ('problem' in pick) return { name: vm.name, ok: false, action: 'not reset', error: pick.problem };
    if (before.power !== 'halted') {
      await d.stop(id);
      await d.waitForPower(id, 'halted', { timeoutMs: ctx.powerTimeoutMs ?? 600_000 });
    }
    await d.revert(id, pick.snapshot.id);
    const policy = vm.reset.start;
    const start = policy === 'always' || (policy === 'if-running' && before.power === 'running');
    if (start) await d.start(id);
    return { name: vm.name, ok: true, action: `reverted to ${pick.snapshot.name}${start ? ', started' : ''}` };
  });
}

/** Starts or shuts down (guest shutdown, then power off after the timeout) the room's VMs. */
export function powerRoomVms(ctx: RoomContext, plan: readonly PlannedVm[], verb: 'start' | 'shutdown'): Promise<VmResult[]> {
  return eachExisting(ctx, plan, async (vm, id) => {
    const d = await ctx.driver(vm.hypervisor!);
    if (verb === 'start') {
      await d.start(id);
      return { name: vm.name, ok: true, action: 'started' };
    }
    await d.shutdown(id);
    try {
      await d.waitForPower(id, 'halted', { timeoutMs: ctx.powerTimeoutMs ?? 600_000 });
      return { name: vm.name, ok: true, action: 'shut down' };
    } catch {
      await d.stop(id);
      return { name: vm.name, ok: true, action: 'powered off (guest did not shut down in time)' };
    }
  });
}
