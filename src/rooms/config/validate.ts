import type { RoomProblem, RoomProblemKind } from './errors.js';
import { broadcastOf, hasReservedEnds, inSubnet, parseIpv4, parseSubnet } from './ipv4.js';
import { computerNameProblem } from './names.js';
import type { DhcpPool, PlannedVm } from './types.js';

/** Options for validateRoomOffline. */
export interface OfflineValidationOptions {
  /** vizor's (or the site's) DHCP pool: static addresses must stay out of it. */
  readonly dhcpPool?: DhcpPool;
}

function isNested(plan: readonly PlannedVm[] | readonly (readonly PlannedVm[])[]): plan is readonly (readonly PlannedVm[])[] {
  return plan.length > 0 && Array.isArray(plan[0]);
}

const label = (vm: PlannedVm): string => `${vm.name} (room ${vm.room}, id ${vm.id})`;

/**
 * Checks planned VMs without any platform: unique names, addresses and MACs (across all
 * rooms given), valid computer names, addresses inside their subnet, not the network,
 * broadcast or gateway address, outside the DHCP pool, and a template and hypervisor set.
 * Returns every problem, ordered by room, id and check; an empty list means the plan is fine.
 */
export function validateRoomOffline(
  plan: readonly PlannedVm[] | readonly (readonly PlannedVm[])[],
  opts: OfflineValidationOptions = {},
): RoomProblem[] {
  const vms = (isNested(plan) ? plan.flat() : [...(plan as readonly PlannedVm[])]).sort(
    (a, b) => (a.room < b.room ? -1 : a.room > b.room ? 1 : a.id - b.id),
  );
  const problems: RoomProblem[] = [];
  const once = new Set<string>();
  const add = (kind: RoomProblemKind, vm: PlannedVm, path: string, message: string, dedupe = false): void => {
    const key = `${kind}|${vm.room}|${path}`;
    if (dedupe && once.has(key)) return;
    once.add(key);
    problems.push({ kind, path, message, room: vm.room, vm: vm.name, ...(vm.source.file ? { file: vm.source.file } : {}) });
  };
  const pool = poolRange(opts.dhcpPool);
  const names = new Map<string, PlannedVm>();
  const addresses = new Map<number, PlannedVm>();
  const macs = new Map<string, PlannedVm>();

  for (const vm of vms) {
    const p = vm.source.paths;
    if (!vm.hypervisor) add('missing-hypervisor', vm, p.hypervisor, `no hypervisor set for group "${vm.group}": name a vizor hypervisor entry`, true);
    if (!vm.template) add('missing-template', vm, p.template, `no template set for group "${vm.group}": give a template name or id`, true);

    const bad = computerNameProblem(vm.hostname);
    if (bad) add(bad.kind, vm, p.name, `computer name of VM ${label(vm)} ${bad.reason}`);
    const key = vm.name.toLowerCase();
    const sameName = names.get(key);
    if (sameName) add('duplicate-name', vm, p.name, `VM name ${vm.name} (room ${vm.room}, id ${vm.id}) is also used by ${label(sameName)}`);
    else names.set(key, vm);

    if (vm.mac) {
      const sameMac = macs.get(vm.mac);
      if (sameMac) add('duplicate-mac', vm, p.mac, `MAC ${vm.mac} of ${label(vm)} is also given to ${label(sameMac)}`);
      else macs.set(vm.mac, vm);
    }
    if (vm.ip) checkAddress(vm, pool, addresses, add);
  }
  return problems;
}

function poolRange(pool: DhcpPool | undefined): { start: number; end: number; text: string } | null {
  if (!pool) return null;
  const start = parseIpv4(pool.start);
  const end = parseIpv4(pool.end);
  if (start === null || end === null) return null;
  return { start: Math.min(start, end), end: Math.max(start, end), text: `${pool.start}-${pool.end}` };
}

type Add = (kind: RoomProblemKind, vm: PlannedVm, path: string, message: string, dedupe?: boolean) => void;

function checkAddress(vm: PlannedVm, pool: ReturnType<typeof poolRange>, addresses: Map<number, PlannedVm>, add: Add): void {
  const path = vm.source.paths.addressing;
  const ip = parseIpv4(vm.ip!)!;
  const subnet = vm.subnet ? parseSubnet(vm.subnet) : null;
  if (subnet && typeof subnet !== 'string') {
    if (!inSubnet(ip, subnet)) add('address-outside-subnet', vm, path, `address ${vm.ip} of ${label(vm)} is outside its subnet ${subnet.text}`);
    else if (hasReservedEnds(subnet) && ip === subnet.network) add('network-address', vm, path, `address ${vm.ip} of ${label(vm)} is the network address of ${subnet.text}`);
    else if (hasReservedEnds(subnet) && ip === broadcastOf(subnet)) add('broadcast-address', vm, path, `address ${vm.ip} of ${label(vm)} is the broadcast address of ${subnet.text}`);
    const gw = vm.gateway ? parseIpv4(vm.gateway) : null;
    if (gw !== null && !inSubnet(gw, subnet)) add('gateway-outside-subnet', vm, path, `gateway ${vm.gateway} of group "${vm.group}" is outside its subnet ${subnet.text}`, true);
  }
  if (vm.gateway && parseIpv4(vm.gateway) === ip) add('address-is-gateway', vm, path, `address ${vm.ip} of ${label(vm)} is the gateway's`);
  if (pool && ip >= pool.start && ip <= pool.end) add('address-in-dhcp-pool', vm, path, `address ${vm.ip} of ${label(vm)} is inside the DHCP pool ${pool.text}`);
  const same = addresses.get(ip);
  if (same) add('duplicate-address', vm, path, `address ${vm.ip} of ${label(vm)} is also given to ${label(same)}`);
  else addresses.set(ip, vm);
}
