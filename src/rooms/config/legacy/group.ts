import { evaluateExpression } from '../expr.js';
import { LegacyImportError, RoomExpressionError } from '../errors.js';
import { evaluateFormula } from '../formula.js';
import { parseLegacyIds } from '../ids.js';
import { subnetOf, parseIpv4 } from '../ipv4.js';
import { valueText, type IniSection, type IniValue } from './ini.js';
import type { UnmappedItem } from './mako.js';

/** A legacy group converted to vizor settings (plain data, ready for YAML). */
export interface MappedGroup {
  readonly name: string;
  readonly ids: number[];
  readonly settings: Record<string, unknown>;
  /** The Mako template file the group used, if any. */
  readonly templateFile: string | null;
}

/** Collects what a conversion could not map, and informational notes. */
export interface ImportLog {
  readonly unmapped: UnmappedItem[];
  readonly notes: string[];
}

/** Keys vizor has no use for, with the reason shown to the user. */
const DROPPED: Readonly<Record<string, string>> = {
  workaround_os: 'oVirt 3.x sysprep-floppy workaround; vizor delivers its payload without it',
  workaround_timezone: 'oVirt 3.x sysprep-floppy workaround; vizor delivers its payload without it',
  reset_to_snapshot_regex: 'vizor resets to the snapshot it took at rollout (snapshot.name); no regex is needed',
};

/** string.Template names in snapshot descriptions → vizor's snapshot placeholders. */
const SNAPSHOT_VARS: Readonly<Record<string, string>> = {
  ip: 'ip', netmask_as_suffix: 'prefix', scripttime: 'time', ComputerName: 'hostname', rhev_vm_name: 'name', roomname: 'room', id: 'id',
};

/** Legacy role every thin-client user got; vizor makes it configurable. */
export const LEGACY_TC_ROLE = 'UserRoleWithReconnect';

function fail(where: string, v: IniValue | undefined, message: string, cause?: unknown): never {
  throw new LegacyImportError(`${where}: ${message}`, v?.line, cause ? { cause } : undefined);
}

function integer(where: string, key: string, v: IniValue): number {
  const t = valueText(v).trim();
  if (!/^-?\d{1,9}$/.test(t)) fail(where, v, `${key} = ${JSON.stringify(t)} must be a whole number`);
  return Number(t);
}

/** Replaces string.Template placeholders (`$x` and `${x}`) using `map`; returns the names it could not map. */
function convertTemplateString(text: string, map: Readonly<Record<string, string>>): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const out = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))|\$\$/g, (whole, a?: string, b?: string) => {
    if (whole === '$$') return '$';
    const name = (a ?? b)!;
    const to = map[name];
    if (to === undefined) {
      unknown.push(name);
      return name;
    }
    return `\${${to}}`;
  });
  return { text: out, unknown };
}

function addressing(where: string, get: (k: string) => IniValue | undefined, ids: number[], log: ImportLog): Record<string, unknown> | null {
  const ipv = get('ip_addresses');
  if (!ipv) {
    log.notes.push(`${where}: no ip_addresses, so these VMs get their addresses by DHCP`);
    return null;
  }
  const suffix = get('ip_addresses_suffix') ? integer(where, 'ip_addresses_suffix', get('ip_addresses_suffix')!) : 1;
  const offset = suffix - 1;
  const expr = offset > 0 ? `id+${offset}` : offset < 0 ? `id-${-offset}` : 'id';
  const formula = valueText(ipv).replace(/\$\{suffix\}|\$suffix\b/g, `{${expr}}`);
  const out: Record<string, unknown> = {};
  const minId = Math.min(...ids);
  let first: string;
  try {
    first = evaluateFormula(formula, minId);
  } catch (err) {
    if (!(err instanceof RoomExpressionError)) throw err;
    return fail(where, ipv, `ip_addresses = ${JSON.stringify(valueText(ipv))} does not give addresses: ${err.reason}`, err);
  }
  const nm = get('netmask_suffix');
  const prefix = nm ? integer(where, 'netmask_suffix', nm) : 24;
  if (prefix < 0 || prefix > 32) fail(where, nm, `netmask_suffix ${prefix} is not a prefix length (0-32)`);
  if (!nm) log.notes.push(`${where}: no netmask_suffix; assumed /24`);
  out.subnet = subnetOf(parseIpv4(first)!, prefix).text;
  const gw = get('default_gateway');
  if (gw) out.gateway = valueText(gw).trim();
  out.formula = formula;
  return out;
}

/**
 * Converts one `[[group]]` of a legacy room into vizor settings. Expressions (`ids`,
 * `memory`) go through the safe expression parser; anything malformed throws
 * LegacyImportError naming the section, key and line.
 */
export function mapLegacyGroup(room: string, sec: IniSection, log: ImportLog): MappedGroup {
  const where = `[room ${room}] [[${sec.name}]]`;
  const used = new Set<string>();
  const get = (k: string): IniValue | undefined => {
    used.add(k);
    return sec.values.get(k);
  };
  const text = (k: string): string | undefined => {
    const v = get(k);
    return v === undefined ? undefined : valueText(v).trim();
  };
  const idsv = get('ids');
  if (!idsv) fail(where, undefined, 'ids is missing');
  let ids: number[];
  try {
    ids = parseLegacyIds(valueText(idsv), 'ids');
  } catch (err) {
    if (!(err instanceof RoomExpressionError)) throw err;
    return fail(where, idsv, err.message, err);
  }
  const s: Record<string, unknown> = {};

  const names = text('names');
  if (names !== undefined) {
    const conv = convertTemplateString(names, { roomname: 'room', id: 'id' });
    if (conv.unknown.length) fail(where, get('names'), `names = ${JSON.stringify(names)} uses $${conv.unknown[0]}; vizor name patterns know only \${room} and \${id}`);
    s.namePattern = conv.text;
  }
  const template = text('template_name');
  if (template) s.template = template;
  const placement: Record<string, string> = {};
  if (text('cluster')) placement.cluster = text('cluster')!;
  if (text('network_name')) placement.network = text('network_name')!;
  if (Object.keys(placement).length) s.placement = placement;

  const mem = get('memory');
  if (mem) {
    let bytes: number;
    try {
      const v = evaluateExpression(valueText(mem), { key: 'memory' });
      if (Array.isArray(v)) throw new RoomExpressionError('memory', valueText(mem), 'must be a number of bytes');
      bytes = v;
    } catch (err) {
      if (!(err instanceof RoomExpressionError)) throw err;
      return fail(where, mem, err.message, err);
    }
    if (bytes % 1048576 === 0 && bytes >= 64 * 1048576) s.memoryMiB = bytes / 1048576;
    else log.unmapped.push({ key: `${where}.memory`, value: valueText(mem), reason: 'not a whole number of MiB (at least 64); set memoryMiB by hand' });
  }
  for (const [k, to] of [['description', 'description'], ['os', 'osType'], ['timezone', 'timeZone']] as const) {
    const v = text(k);
    if (v) s[to] = v;
  }
  const usb = text('usb');
  s.usb = usb === 'enabled';
  if (usb !== 'enabled' && usb !== 'disabled') {
    log.notes.push(`${where}: usb = ${JSON.stringify(usb ?? '')} → usb: false (the legacy tool left USB as the template had it; vizor turns it off explicitly)`);
  }
  s.stateless = text('stateless') === 'True';
  s.startAfterRollout = text('rollout_startvm') === 'True';
  const reset = (text('reset_startvm') ?? '').toLowerCase();
  s.reset = { start: reset === 'always' ? 'always' : reset === 'auto' ? 'if-running' : 'never' };
  const tc = text('tc_user');
  if (tc && tc !== 'None') s.thinClient = { user: tc, role: LEGACY_TC_ROLE };

  const snap = text('snapshot_description');
  if (snap) {
    const conv = convertTemplateString(snap, SNAPSHOT_VARS);
    for (const u of conv.unknown) log.unmapped.push({ key: `${where}.snapshot_description`, value: `\${${u}}`, reason: 'no vizor snapshot placeholder for it; written as plain text' });
    s.snapshot = { name: 'rollout', description: conv.text };
  }
  const addr = addressing(where, get, ids, log);
  if (addr) s.addressing = addr;
  for (const k of ['ip_addresses_suffix', 'netmask_suffix', 'default_gateway']) used.add(k);

  const templateFile = text('autounattend_templatefile') ?? null;
  for (const [k, v] of sec.values) {
    if (used.has(k) || k === 'autounattend_templatefile') continue;
    const secret = /passw/i.test(k);
    log.unmapped.push({
      key: `${where}.${k}`,
      value: secret ? '(hidden)' : valueText(v),
      reason: secret ? `secret: store it with vizor secret set ${room}-${k.toLowerCase().replace(/[^a-z0-9]+/g, '-')}` : (DROPPED[k] ?? 'not an amoothei-vm-rollout group setting vizor knows'),
    });
  }
  for (const sub of sec.sections) log.unmapped.push({ key: `${where}.${sub.name}`, value: '', reason: 'nested section inside a group; the legacy tool ignored it' });
  return { name: sec.name, ids, settings: s, templateFile };
}
