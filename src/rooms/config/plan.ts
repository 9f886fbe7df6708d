import { dirname } from 'node:path';
import { RoomConfigError, RoomExpressionError, type RoomProblem } from './errors.js';
import { evaluateFormula } from './formula.js';
import { expandIds, idWidth } from './ids.js';
import { mergeLevels, originPath, settingsOf, type MergedSettings, type SettingOrigin } from './inherit.js';
import { formatIpv4, parseIpv4 } from './ipv4.js';
import { DEFAULT_NAME_PATTERN, padId, substitute } from './names.js';
import { resolveGroup, type ResolvedGroup } from './resolve.js';
import type { RoomConfig, RoomSettings } from './schema.js';
import { lineOf } from './source.js';
import type { DhcpPool, PlannedVm } from './types.js';
import { validateRoomOffline } from './validate.js';

/** Placeholders the rollout fills in snapshot names and descriptions (not known offline). */
const RUNTIME_SNAPSHOT_VARS = ['time'];

interface GroupIds {
  readonly index: number;
  readonly ids: number[];
}

function collectIds(room: RoomConfig, problems: RoomProblem[]): GroupIds[] {
  const owner = new Map<number, number>();
  return room.groups.map((g, index) => {
    const { ids, problems: bad } = expandIds(g.ids);
    for (const p of bad) problems.push({ kind: 'schema', path: `groups[${index}].ids[${p.index}]`, message: p.message, room: room.room });
    const unique: number[] = [];
    for (const id of ids) {
      const other = owner.get(id);
      if (other === undefined) {
        owner.set(id, index);
        unique.push(id);
      } else {
        const where = other === index ? 'twice in this group' : `also in group "${room.groups[other]!.name}"`;
        problems.push({ kind: 'duplicate-id', path: `groups[${index}].ids`, message: `id ${id} is listed ${where}`, room: room.room });
      }
    }
    return { index, ids: unique };
  });
}

function siteLevels(room: RoomConfig, site: RoomSettings | undefined, problems: RoomProblem[]): { origin: SettingOrigin; settings: RoomSettings }[] {
  const levels: { origin: SettingOrigin; settings: RoomSettings }[] = [];
  if (site) levels.push({ origin: 'site', settings: site });
  if (typeof room.site === 'string') {
    problems.push({ kind: 'schema', path: 'site', message: `site defaults "${room.site}" were not loaded (load the room with loadRoomFile)`, room: room.room });
  } else if (room.site) levels.push({ origin: 'site', settings: room.site });
  return levels;
}

/** Base id of each `first` address: the lowest id among the VMs that use that address. */
function firstBases(groups: { ids: number[]; resolved: ResolvedGroup }[]): Map<string, number> {
  const bases = new Map<string, number>();
  for (const g of groups) {
    if (!g.resolved.mode || !('first' in g.resolved.mode)) continue;
    const key = g.resolved.mode.first;
    for (const id of g.ids) bases.set(key, Math.min(bases.get(key) ?? id, id));
  }
  return bases;
}

function addressOf(r: ResolvedGroup, id: number, bases: Map<string, number>): string | null {
  if (!r.mode) return null;
  if ('formula' in r.mode) return evaluateFormula(r.mode.formula, id);
  const n = parseIpv4(r.mode.first)! + (id - bases.get(r.mode.first)!);
  if (n > 0xffffffff) throw new RoomExpressionError('addressing.first', r.mode.first, `id ${id} would need an address past 255.255.255.255`);
  return formatIpv4(n);
}

/**
 * Computes every VM of a room without checking it: inheritance, ids, names, addresses,
 * and the merged blocks. Returns problems that prevent computing (usb unset, bad ids,
 * incomplete blocks, formulas giving no address) beside the VMs, sorted by id.
 */
export function computeRoomPlan(room: RoomConfig, site?: RoomSettings): { vms: PlannedVm[]; problems: RoomProblem[] } {
  const problems: RoomProblem[] = [];
  const base = [...siteLevels(room, site, problems), { origin: 'room' as const, settings: settingsOf(room) }];
  const roomDir = room.source ? dirname(room.source.file) : null;
  const groupIds = collectIds(room, problems);
  const width = idWidth(groupIds.flatMap((g) => g.ids));
  const groups = groupIds.map((g) => {
    const merged = mergeLevels([...base, { origin: 'group', settings: settingsOf(room.groups[g.index]!) }]);
    return { ...g, merged, resolved: resolveGroup(merged, g.index, roomDir, problems, room.room) };
  });
  const bases = firstBases(groups);
  const vms: PlannedVm[] = [];
  for (const g of groups) {
    for (const id of g.ids) {
      const vm = planVm(room, g, id, width, bases, (p) => problems.push(p));
      if (vm) vms.push(vm);
    }
  }
  vms.sort((a, b) => a.id - b.id);
  // Groups inheriting the same incomplete block would each report it: keep one.
  const seen = new Set<string>();
  return { vms, problems: problems.filter((p) => !seen.has(`${p.path}|${p.message}`) && seen.add(`${p.path}|${p.message}`)) };
}

function planVm(
  room: RoomConfig,
  g: { index: number; merged: MergedSettings; resolved: ResolvedGroup },
  id: number,
  width: number,
  bases: Map<string, number>,
  report: (p: RoomProblem) => void,
): PlannedVm | null {
  const s = g.merged.settings;
  const r = g.resolved;
  const group = room.groups[g.index]!.name;
  const at = (key: string): string => (g.merged.origin[key as keyof RoomSettings] ? originPath(g.merged.origin[key as keyof RoomSettings], g.index, key) : `groups[${g.index}]`);
  const name = substitute(s.namePattern ?? DEFAULT_NAME_PATTERN, { room: room.room, id: padId(id, width), group }).text;
  let ip: string | null = null;
  try {
    ip = addressOf(r, id, bases);
  } catch (err) {
    if (!(err instanceof RoomExpressionError)) throw err;
    report({ kind: 'schema', path: `${at('addressing')}.${err.key.split('.')[1]}`, message: err.message, room: room.room, vm: name });
    return null;
  }
  const prefix = r.subnet && ip ? r.subnet.prefix : null;
  const stateless = s.stateless ?? false;
  let snapshot: PlannedVm['snapshot'] = null;
  if (r.snapshot && !stateless) {
    const vars = { room: room.room, id: padId(id, width), name, group, hostname: name, ip: ip ?? '', prefix: prefix === null ? '' : String(prefix) };
    const n = substitute(r.snapshot.name, vars, RUNTIME_SNAPSHOT_VARS);
    const d = substitute(r.snapshot.description, vars, RUNTIME_SNAPSHOT_VARS);
    for (const u of [...n.unknown, ...d.unknown]) {
      report({ kind: 'schema', path: at('snapshot'), message: `unknown placeholder \${${u}} (allowed: room, id, name, group, hostname, ip, prefix, time)`, room: room.room });
    }
    snapshot = { name: n.text, description: d.text };
  }
  return {
    room: room.room,
    name,
    id,
    group,
    hostname: name,
    hypervisor: s.hypervisor ?? null,
    template: s.template ?? null,
    ip,
    subnet: ip && r.subnet ? r.subnet.text : null,
    prefix,
    gateway: ip ? r.gateway : null,
    dns: r.dns,
    mac: s.macs?.[String(id)]?.toLowerCase() ?? null,
    memoryMiB: s.memoryMiB ?? null,
    vcpus: s.vcpus ?? null,
    usb: r.usb,
    stateless,
    startAfterRollout: s.startAfterRollout ?? false,
    placement: s.placement ?? {},
    description: s.description ?? null,
    osType: s.osType ?? null,
    timeZone: s.timeZone ?? null,
    thinClient: r.thinClient,
    snapshot,
    reset: { start: r.reset },
    unattend: r.unattend,
    domain: r.domain,
    dhcpReserve: s.dhcp?.reserve ?? false,
    source: {
      file: room.source?.file ?? null,
      group: `groups[${g.index}]`,
      paths: { name: at('namePattern'), addressing: at('addressing'), template: at('template'), hypervisor: at('hypervisor'), mac: at('macs'), ids: `groups[${g.index}].ids` },
    },
  };
}

/** Adds file and line to problems from the room's source map (nearest enclosing path with a line). */
export function locateProblems(problems: readonly RoomProblem[], source: RoomConfig['source']): RoomProblem[] {
  if (!source) return [...problems];
  return problems.map((p) => {
    return { ...p, file: p.file ?? source.file, ...(p.line === undefined ? lineOf(source.lines, p.path) : {}) };
  });
}

/**
 * Plans a room: every VM with its computed settings, sorted by id. Checks the plan offline
 * (see validateRoomOffline) and throws one RoomConfigError listing every problem.
 */
export function planRoom(room: RoomConfig, site?: RoomSettings, dhcpPool?: DhcpPool): PlannedVm[] {
  const { vms, problems } = computeRoomPlan(room, site);
  problems.push(...validateRoomOffline(vms, dhcpPool ? { dhcpPool } : {}));
  if (problems.length > 0) throw new RoomConfigError(locateProblems(problems, room.source));
  return vms;
}
