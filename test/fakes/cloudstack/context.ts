// What every command handler of the fake works with, and the JSON presenters shared by the
// list commands and job results (names resolved, tags attached, as CloudStack shows them).
import type { JobEngine } from './jobs.js';
import { mapParam, type Params } from './protocol.js';
import { tagsOf, type CsInventory, type CsIso, type CsTemplate, type CsVm, type CsVmSnapshot, type CsVolume } from './state.js';

/** A scripted guest: how the "operating system" inside a VM behaves. */
export interface GuestScript {
  /** The guest powers itself off this long after it reaches Running (an unattended install finishing). */
  readonly haltAfterMs?: number;
  /** The guest ignores ACPI: a stop without `forced` fails. */
  readonly ignoreAcpi?: boolean;
}

/** Settings of one fake. */
export interface FakeSettings {
  hypervisor: string;
  /** listIsos calls before a registered ISO becomes ready. */
  isoReadyPolls: number;
  /** allow.user.expunge.recover.vm: when false, destroyVirtualMachine expunge=true fails. */
  allowUserExpunge: boolean;
}

/** The state and services handlers share. */
export interface FakeCtx {
  readonly inv: CsInventory;
  readonly jobs: JobEngine;
  readonly settings: FakeSettings;
  /** Guest script for a VM (by id, then by name), or the default. */
  guestOf(vm: CsVm): GuestScript;
  /** Each running guest's halt timer by VM id, cleared when it stops and on close. */
  readonly guestTimers: Map<string, NodeJS.Timeout>;
}

/** A handler answers the body inside `<command>response`; throwing CsApiError answers an error. */
export type Handler = (params: Params, ctx: FakeCtx, command: string) => Record<string, unknown>;

/** Marks a VM running and arms its guest script (a guest that halts itself later). */
export function bootGuest(ctx: FakeCtx, vm: CsVm): void {
  haltGuest(ctx, vm);
  vm.state = 'Running';
  const script = ctx.guestOf(vm);
  if (script.haltAfterMs === undefined) return;
  const t = setTimeout(() => {
    ctx.guestTimers.delete(vm.id);
    if (vm.state === 'Running') vm.state = 'Stopped';
  }, script.haltAfterMs);
  t.unref();
  ctx.guestTimers.set(vm.id, t);
}

/** Marks a VM stopped and disarms its guest. */
export function haltGuest(ctx: FakeCtx, vm: CsVm): void {
  vm.state = 'Stopped';
  clearTimeout(ctx.guestTimers.get(vm.id));
  ctx.guestTimers.delete(vm.id);
}

/** Tags as listed inside resources. */
function tagList(inv: CsInventory, id: string): Record<string, string>[] {
  return tagsOf(inv, id).map((t) => ({ key: t.key, value: t.value, resourcetype: t.resourcetype, resourceid: t.resourceid }));
}

/** True when the resource carries every `tags[n].key/value` filter of the request. */
export function matchesTagFilter(inv: CsInventory, id: string, params: Params): boolean {
  const wanted = mapParam(params, 'tags');
  const have = tagsOf(inv, id);
  return wanted.every((w) => have.some((t) => t.key === w.key && (w.value === undefined || t.value === w.value)));
}

/** listVirtualMachines' view of a VM. */
export function vmJson(inv: CsInventory, vm: CsVm): Record<string, unknown> {
  const iso = vm.isoid ? inv.isos.get(vm.isoid) : undefined;
  const offering = inv.serviceOfferings.find((o) => o.id === vm.serviceofferingid);
  const zone = inv.zones.find((z) => z.id === vm.zoneid);
  return {
    id: vm.id, name: vm.name, displayname: vm.displayname, account: vm.account, domainid: vm.domainid, created: vm.created,
    state: vm.state, haenable: false, zoneid: vm.zoneid, zonename: zone?.name, templateid: vm.templateid,
    isoid: iso?.id, isoname: iso?.name, serviceofferingid: vm.serviceofferingid, serviceofferingname: offering?.name,
    cpunumber: vm.cpunumber, memory: vm.memory, guestosid: vm.guestosid, ostypeid: vm.guestosid, hypervisor: vm.hypervisor,
    boottype: vm.boottype, bootmode: vm.bootmode,
    nic: vm.nic.map((n) => ({ ...n })), tags: tagList(inv, vm.id),
  };
}

/** listTemplates' view of a template. */
export function templateJson(inv: CsInventory, t: CsTemplate): Record<string, unknown> {
  const zone = inv.zones.find((z) => z.id === t.zoneid);
  return { ...t, zonename: zone?.name, tags: tagList(inv, t.id) };
}

/** listIsos' view of an ISO. */
export function isoJson(inv: CsInventory, iso: CsIso): Record<string, unknown> {
  const { readyAfterPolls: _r, downloadFails: _d, ...shown } = iso;
  const zone = inv.zones.find((z) => z.id === iso.zoneid);
  return { ...shown, zonename: zone?.name, tags: tagList(inv, iso.id) };
}

/** listVolumes' view of a volume. */
export function volumeJson(inv: CsInventory, v: CsVolume): Record<string, unknown> {
  const vm = v.virtualmachineid ? inv.vms.get(v.virtualmachineid) : undefined;
  return { ...v, vmname: vm?.name, vmstate: vm?.state };
}

/** listVMSnapshot's view of a VM snapshot. */
export function vmSnapshotJson(s: CsVmSnapshot): Record<string, unknown> {
  return { ...s };
}
