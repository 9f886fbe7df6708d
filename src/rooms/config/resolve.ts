import { isAbsolute, resolve as resolvePath } from 'node:path';
import type { RoomProblem } from './errors.js';
import { originPath, type MergedSettings } from './inherit.js';
import { parseSubnet, type Subnet } from './ipv4.js';
import type { PlannedVm, ResetStart } from './types.js';

/** The settings of one group after inheritance, checked for completeness. */
export interface ResolvedGroup {
  usb: boolean;
  thinClient: PlannedVm['thinClient'];
  domain: PlannedVm['domain'];
  unattend: PlannedVm['unattend'];
  snapshot: { name: string; description: string } | null;
  reset: ResetStart;
  subnet: Subnet | null;
  gateway: string | null;
  dns: string[];
  mode: { first: string } | { formula: string } | null;
}

/** Builtin template names have no slash and no extension; anything else is a file path. */
export function isBuiltinTemplate(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9-]*$/.test(name);
}

/**
 * Checks that every block a group ends up with is complete (usb set, domain with user and
 * secret, ...) and normalises it. Problems carry the YAML path of the level that set the block.
 */
export function resolveGroup(m: MergedSettings, gi: number, roomDir: string | null, problems: RoomProblem[], room: string): ResolvedGroup {
  const s = m.settings;
  const at = (key: string): string => originPath(m.origin[key as keyof typeof m.origin], gi, key);
  const missing = (key: string, message: string): void => {
    problems.push({ kind: 'schema', path: m.origin[key as keyof typeof m.origin] ? at(key) : `groups[${gi}]`, message, room });
  };

  if (s.usb === undefined) missing('usb', 'usb is not set for this group (nor in the room or site defaults); it has no default: write usb: true or usb: false');

  let thinClient: PlannedVm['thinClient'] = null;
  if (s.thinClient) {
    const t = s.thinClient;
    if (!t.role) missing('thinClient', 'thinClient needs a role (e.g. UserRoleWithReconnect)');
    if (!t.user && !t.group) missing('thinClient', 'thinClient needs a user or a group');
    if (t.role && (t.user || t.group)) thinClient = { ...(t.user ? { user: t.user } : { group: t.group! }), role: t.role };
  }

  let domain: PlannedVm['domain'] = null;
  if (s.domain) {
    const d = s.domain;
    for (const k of ['name', 'user', 'passwordSecret'] as const) {
      if (!d[k]) missing('domain', `domain needs ${k}${k === 'passwordSecret' ? ' (store the password with vizor secret set <name>)' : ''}`);
    }
    if (d.name && d.user && d.passwordSecret) domain = { name: d.name, ou: d.ou ?? null, user: d.user, passwordSecret: d.passwordSecret };
  }

  let unattend: PlannedVm['unattend'] = null;
  if (s.unattend) {
    const u = s.unattend;
    if (!u.template) missing('unattend', 'unattend needs a template (a path or a builtin name)');
    else {
      const builtin = isBuiltinTemplate(u.template);
      const template = builtin || isAbsolute(u.template) || roomDir === null ? u.template : resolvePath(roomDir, u.template);
      unattend = { template, templateKind: builtin ? 'builtin' : 'file', values: u.values ?? {}, secrets: u.secrets ?? {} };
    }
  }

  let snapshot: ResolvedGroup['snapshot'] = null;
  if (s.snapshot) {
    if (!s.snapshot.name) missing('snapshot', 'snapshot needs a name');
    else snapshot = { name: s.snapshot.name, description: s.snapshot.description ?? '' };
  }

  const a = s.addressing ?? {};
  let subnet: Subnet | null = null;
  if (a.subnet !== undefined) {
    const parsed = parseSubnet(a.subnet);
    if (typeof parsed !== 'string') subnet = parsed;
  }
  const mode = a.first !== undefined ? { first: a.first } : a.formula !== undefined ? { formula: a.formula } : null;
  if (mode && a.subnet === undefined) missing('addressing', 'addressing needs a subnet (e.g. 10.1.2.0/24) when it gives first or formula');

  return {
    usb: s.usb ?? false,
    thinClient,
    domain,
    unattend,
    snapshot,
    reset: s.reset?.start ?? 'never',
    subnet,
    gateway: a.gateway ?? null,
    dns: a.dns ?? [],
    mode,
  };
}
