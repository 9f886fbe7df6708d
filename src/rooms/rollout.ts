import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { HypervisorDriver, VmInfo } from '../hypervisors/index.js';
import { HvNotFoundError, HvUnsupportedError } from '../hypervisors/index.js';
import type { PlannedVm } from './config/index.js';
import { bounded, ownerOf, roomVmsOn, type RoomContext, type VmResult } from './context.js';
import { payloadFiles, removePayload, writePayloadImage } from './payload.js';

/** Rollout steps in order; the stored step is the last one finished. */
export const ROLLOUT_STEPS = ['none', 'cloned', 'payload', 'booted', 'specialized', 'finished'] as const;
type Step = (typeof ROLLOUT_STEPS)[number];
const after = (a: string, b: Step) => ROLLOUT_STEPS.indexOf(a as Step) >= ROLLOUT_STEPS.indexOf(b);

/** The platform id of a room VM's template: a template vizor made (by name or id), else the platform's own id. */
export function templateId(ctx: Pick<RoomContext, 'store'>, vm: PlannedVm): string {
  const ref = vm.template!;
  try {
    const t = ctx.store.templates.get(ref);
    if (t.hypervisor === vm.hypervisor) return t.platformId;
  } catch {
    // not one vizor made: the platform's id or name
  }
  return ref;
}

/** One VM through clone → payload → boot → specialize (power off) → post-processing. */
async function rolloutVm(ctx: RoomContext, d: HypervisorDriver, vm: PlannedVm, runId: string, existing: VmInfo | undefined): Promise<VmResult> {
  const room = vm.room;
  let row = ctx.store.rooms.vm(room, vm.name);
  if (row?.state === 'done' && existing) return { name: vm.name, ok: true, action: 'exists' };
  const put = (step: Step, extra: { platformId?: string; mac?: string; detail?: Record<string, unknown>; state?: 'working' | 'done' } = {}) => {
    row = ctx.store.rooms.put({ room, name: vm.name, hypervisor: vm.hypervisor!, runId: row?.runId ?? runId, step, state: extra.state ?? 'working', ...extra, detail: { ...(row?.detail ?? {}), ...extra.detail } });
  };
  if (!row || (row.state === 'done' && !existing)) {
    // A VM rolled out before and gone since starts over: nothing of the old one (token, report) carries over.
    if (row) ctx.store.rooms.remove(room, vm.name);
    row = ctx.store.rooms.put({ room, name: vm.name, hypervisor: vm.hypervisor!, runId, step: 'none', state: 'working', platformId: null, mac: null, detail: {} });
  }
  // Adopt a VM with this room's tag and name (a crash between clone and bookkeeping).
  let info = existing;
  if (!info && row.platformId) info = await d.getVm(row.platformId).catch((e) => (e instanceof HvNotFoundError ? undefined : Promise.reject(e)));
  if (!info) {
    put('none');
    info = await d.clone({
      name: vm.name, templateId: templateId(ctx, vm), tag: { role: 'room', owner: ownerOf(room, row.runId) },
      ...(vm.vcpus ? { vcpus: vm.vcpus } : {}), ...(vm.memoryMiB ? { memoryMiB: vm.memoryMiB } : {}),
      ...(typeof vm.placement.network === 'string' ? { network: vm.placement.network } : {}),
      placement: Object.fromEntries(Object.entries(vm.placement).map(([k, v]) => [k, String(v)])),
      ...(vm.mac ? { mac: vm.mac } : {}), ...(vm.description ? { description: vm.description } : {}),
    });
  }
  const mac = info.macs[0] ?? '';
  if (!after(row.step, 'cloned')) {
    put('cloned', { platformId: info.id, mac });
    ctx.store.instances.upsert({ name: vm.name, hypervisor: vm.hypervisor!, platformId: info.id, role: 'room', owner: ownerOf(room, row.runId), source: { template: vm.template, room }, state: 'cloned' });
    if (vm.dhcpReserve && vm.ip && mac && !ctx.store.dhcp.reservation(mac)) ctx.store.dhcp.reserve({ mac, ip: vm.ip, hostname: vm.hostname, owner: `room:${room}` });
  }
  if (!after(row.step, 'payload')) {
    const token = randomBytes(12).toString('base64url');
    const report = ctx.reportBase ? `${ctx.reportBase}/callbacks/room/${token}` : null;
    const files = await payloadFiles(vm, mac, ctx.secret, report, token, new Date().toISOString());
    let kind: 'floppy' | 'iso' = 'floppy';
    let path = await writePayloadImage(ctx.payloadDir, vm.name, files, kind);
    let attached;
    try {
      attached = await d.attachPayload(info.id, { kind, path, name: `vizor-payload-${vm.name}`, files: files.files });
    } catch (err) {
      if (!(err instanceof HvUnsupportedError)) throw err;
      // No floppies here: the same files on a small ISO.
      await removePayload(path);
      kind = 'iso';
      path = await writePayloadImage(ctx.payloadDir, vm.name, files, kind);
      // The ISO keeps its (unguessable) file name on the platform: it is how vizor serves it.
      attached = await d.attachPayload(info.id, { kind, path, name: basename(path), files: files.files });
    }
    put('payload', { detail: { token, payload: attached, payloadPath: path } });
  }
  if (!after(row.step, 'booted')) {
    await d.setBootOrder(info.id, ['disk']).catch((e) => (e instanceof HvUnsupportedError ? undefined : Promise.reject(e)));
    await d.start(info.id);
    put('booted');
  }
  if (!after(row.step, 'specialized')) {
    await d.waitForPower(info.id, 'halted', { timeoutMs: ctx.powerOffTimeoutMs ?? 3_600_000 });
    put('specialized');
  }
  // Post-processing: the payload (it may hold the domain password) goes first.
  const detail = row.detail as { payload?: { kind: 'floppy' | 'iso'; id: string }; payloadPath?: string };
  if (detail.payload) await d.detachPayload(info.id, detail.payload).catch((e) => (e instanceof HvNotFoundError ? undefined : Promise.reject(e)));
  await removePayload(detail.payloadPath);
  const options = { usb: vm.usb, stateless: vm.stateless, ...(vm.osType ? { osType: vm.osType } : {}) };
  await d.setVmOptions(info.id, options).catch((e) => (e instanceof HvUnsupportedError ? ctx.log.warn({ vm: vm.name, err: e.message }, 'platform cannot set these VM options') : Promise.reject(e)));
  if (vm.thinClient) {
    const principal = vm.thinClient.user ? { kind: 'user' as const, id: vm.thinClient.user } : { kind: 'group' as const, id: vm.thinClient.group! };
    await d.grant(info.id, { principal, role: vm.thinClient.role });
  }
  let snapshot: string | null = null;
  if (vm.snapshot && !vm.stateless) {
    const name = vm.snapshot.name.replace('${time}', new Date().toISOString());
    const have = await d.listSnapshots(info.id);
    snapshot = (have.find((s) => s.name === name) ?? (await d.snapshot(info.id, name, vm.snapshot.description.replace('${time}', new Date().toISOString())))).id;
  }
  if (vm.startAfterRollout) await d.start(info.id);
  put('finished', { state: 'done', detail: { payload: undefined, payloadPath: undefined, snapshot } });
  ctx.store.instances.setState(vm.hypervisor!, info.id, vm.startAfterRollout ? 'running' : 'halted');
  return { name: vm.name, ok: true, action: existing ? 'resumed' : 'rolled out', detail: { id: info.id, mac, snapshot } };
}

/** Payload images a killed rollout wrote but never recorded: nothing will use them, and they hold secrets. */
async function removeOrphanPayloads(ctx: RoomContext, room: string | undefined): Promise<void> {
  if (!room) return;
  const known = new Set(ctx.store.rooms.vms(room).map((r) => r.detail.payloadPath).filter(Boolean));
  const files = await readdir(ctx.payloadDir).catch(() => [] as string[]);
  for (const f of files) {
    const path = join(ctx.payloadDir, f);
    if (!known.has(path)) await rm(path, { recursive: true, force: true });
  }
}

/**
 * Rolls out a room: every planned VM (or `only` those) with bounded concurrency. Each VM's
 * progress is stored after every step, so running rollout again after an interruption
 * resumes each VM where it stopped; a VM that fails is reported and does not stop the
 * others, and the next rollout retries only it.
 */
export async function rolloutRoom(ctx: RoomContext, plan: readonly PlannedVm[], opts: { only?: readonly string[] } = {}): Promise<VmResult[]> {
  const vms = plan.filter((v) => !opts.only || opts.only.includes(v.name));
  const runId = `r${Date.now().toString(36)}`;
  await removeOrphanPayloads(ctx, vms[0]?.room);
  const byHv = new Map<string, Map<string, VmInfo>>();
  for (const hv of new Set(vms.map((v) => v.hypervisor!))) byHv.set(hv, await roomVmsOn(await ctx.driver(hv), vms[0]!.room));
  return bounded(vms, ctx.concurrency ?? 4, async (vm) => {
    try {
      const d = await ctx.driver(vm.hypervisor!);
      return await rolloutVm(ctx, d, vm, runId, byHv.get(vm.hypervisor!)!.get(vm.name.toLowerCase()));
    } catch (err) {
      const message = (err as Error).message;
      const row = ctx.store.rooms.vm(vm.room, vm.name);
      if (row) ctx.store.rooms.put({ room: vm.room, name: vm.name, hypervisor: row.hypervisor, runId: row.runId, step: row.step, state: 'failed', error: message });
      ctx.log.error({ room: vm.room, vm: vm.name, step: row?.step, err: message }, 'room VM failed');
      return { name: vm.name, ok: false, action: `failed after ${row?.step ?? 'none'}`, error: message };
    }
  });
}
