import { normaliseMac, type NodeRow } from '../../store/index.js';
import { asLinuxInstall, planLinuxBoot, type LinuxTreePaths } from './answers.js';
import { asWindowsInstall, planWindowsBoot } from './windows.js';
import type { WindowsFirmware } from '../../templates/windows/index.js';
import { validHost } from './request.js';

/** What iPXE tells vizor about itself when it fetches its script. */
export interface IpxeQuery {
  readonly mac: string;
  readonly uuid: string | null;
  readonly buildarch: string | null;
  readonly platform: string | null;
}

/** The query could not be used. */
export interface QueryProblem {
  readonly problem: string;
}

const TOKEN = /^[A-Za-z0-9_-]{1,32}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function one(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return null;
}

/** Validates `/boot/ipxe` query parameters; everything that reaches a script is checked here. */
export function parseIpxeQuery(q: Record<string, unknown>): IpxeQuery | QueryProblem {
  const rawMac = one(q.mac);
  const mac = rawMac ? normaliseMac(rawMac) : null;
  if (!mac) return { problem: `mac must be a MAC address, got ${JSON.stringify(rawMac ?? '')}` };
  const pick = (name: string, re: RegExp): string | null | QueryProblem => {
    const v = one(q[name]);
    if (v === null || v === '') return null;
    return re.test(v) ? v : { problem: `${name} is not valid: ${JSON.stringify(v.slice(0, 40))}` };
  };
  const uuid = pick('uuid', UUID);
  const buildarch = pick('buildarch', TOKEN);
  const platform = pick('platform', TOKEN);
  for (const v of [uuid, buildarch, platform]) if (v && typeof v === 'object') return v;
  return { mac, uuid: uuid as string | null, buildarch: buildarch as string | null, platform: platform as string | null };
}

/** The default for machines vizor does not know, from configuration. */
export type DefaultTask = 'local' | 'menu' | 'register';

/** Which template answers a node and with what values. */
export interface ScriptPlan {
  readonly template: string;
  readonly task: string;
  readonly context: Record<string, unknown>;
}

/** Looks up the kernel and initrd of a cataloged ISO; null when it is not a Linux installer. */
export type LinuxTreeLookup = (isoId: number) => LinuxTreePaths | null;

/**
 * Decides a node's iPXE script from its task (or the configured default when the node
 * is unknown or has the default task). `linuxTree` serves linux-install tasks; without
 * it they wait like any task this build cannot serve.
 */
export function planScript(node: NodeRow | null, q: IpxeQuery, defaultTask: DefaultTask, scriptUrl: string, linuxTree?: LinuxTreeLookup, windows?: WindowsBootFacts): ScriptPlan {
  const task = !node || node.task.kind === 'default' ? defaultTask : node.task.kind;
  const base = { mac: q.mac, name: node?.name ?? null, scriptUrl, retrySeconds: 10, timeoutMs: 5000 };
  switch (task) {
    case 'local':
      return { template: 'ipxe/local.ipxe.njk', task, context: base };
    case 'menu':
      return { template: 'ipxe/menu.ipxe.njk', task, context: base };
    case 'register':
      return { template: 'ipxe/register.ipxe.njk', task, context: base };
    case 'script':
      return { template: 'ipxe/script.ipxe.njk', task, context: { ...base, script: String((node!.task as { script?: unknown }).script ?? '') } };
    case 'linux-install': {
      const linux = node && linuxTree ? asLinuxInstall(node.task) : null;
      if (!linux) break;
      const boot = planLinuxBoot(linux, linuxTree!(linux.isoId), new URL(scriptUrl).origin, node!.name ?? `node-${q.mac.replace(/:/g, '')}`);
      // An ISO that is gone or not bootable: wait and ask again, saying why.
      if ('problem' in boot) return { template: 'ipxe/register.ipxe.njk', task: `unavailable:${task}`, context: { ...base, problem: boot.problem } };
      return { template: 'ipxe/linux-install.ipxe.njk', task, context: { ...base, ...boot, isoId: linux.isoId, family: linux.family } };
    }
    case 'windows-install': {
      const win = node && windows ? asWindowsInstall(node.task) : null;
      if (!win) break;
      const problem = windows!.problem ?? null;
      const boot = problem ? { problem } : planWindowsBoot(win, new URL(scriptUrl).origin, windows!.found);
      if ('problem' in boot) return { template: 'ipxe/register.ipxe.njk', task: `unavailable:${task}`, context: { ...base, problem: boot.problem } };
      return { template: 'ipxe/windows-install.ipxe.njk', task, context: { ...base, ...boot, isoId: win.isoId } };
    }
    default:
      break;
  }
  // A task this build cannot serve yet: wait and ask again rather than boot something wrong.
  return { template: 'ipxe/register.ipxe.njk', task: `unsupported:${task}`, context: base };
}

/**
 * What the router learned about a windows-install node's ISO before planning: the on-ISO
 * path of each WINPE_FILES entry per firmware, or a problem (wimboot or the ISO missing).
 */
export interface WindowsBootFacts {
  readonly found: Record<WindowsFirmware, readonly (string | null)[]>;
  readonly problem?: string;
}

/** The URL iPXE uses to ask again, built from the Host it used (validated) and the checked query. */
export function scriptUrlFor(host: string, q: IpxeQuery): string | null {
  if (!validHost(host)) return null;
  const params = new URLSearchParams({ mac: q.mac });
  if (q.uuid) params.set('uuid', q.uuid);
  if (q.buildarch) params.set('buildarch', q.buildarch);
  if (q.platform) params.set('platform', q.platform);
  return `http://${host}/boot/ipxe?${params.toString()}`;
}
