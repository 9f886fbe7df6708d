import { randomBytes } from 'node:crypto';
import type { NodeRow, NodeTask } from '../../store/index.js';

/** Which installer a Linux ISO carries: Debian's d-i (preseed) or Anaconda (kickstart). */
export type LinuxFamily = 'debian' | 'rhel';

/** The node task that installs Linux from a cataloged ISO with a per-node answer file. */
// A type alias, not an interface, so that it is assignable to the open NodeTask shape.
export type LinuxInstallTask = {
  readonly kind: 'linux-install';
  readonly isoId: number;
  readonly family: LinuxFamily;
  /** Secret part of the answer-file URLs; generated when the task is set. */
  readonly token: string;
  /** Template values (hostname, password hashes, mirror...); checked by `checkAnswerValues`. */
  readonly values?: Readonly<Record<string, string>>;
  /** Extra kernel arguments, e.g. `console=ttyS0,115200n8`; iPXE-safe characters only. */
  readonly kernelArgs?: string;
};

/** Kernel and initrd paths inside an ISO, as the catalog found them. */
export interface LinuxTreePaths {
  readonly distro: string;
  readonly kernelPath: string | null;
  readonly initrdPath: string | null;
}

const TOKEN = /^[A-Za-z0-9_-]{22,64}$/;
const VALUE_KEY = /^[a-z][a-z0-9_]{0,39}$/;
/** Control characters end a preseed/kickstart line or hide one; a value never needs them. */
const UNSAFE_VALUE = /[\u0000-\u001f\u007f\u2028\u2029]/;
const KERNEL_ARGS = /^[A-Za-z0-9 ._:/=,@+-]{0,400}$/;

/** A fresh answer-file token: 144 random bits, URL-safe. */
export function newAnswerToken(): string {
  return randomBytes(18).toString('base64url');
}

/** True when `token` has the shape of one `newAnswerToken` makes. */
export function isAnswerToken(token: unknown): token is string {
  return typeof token === 'string' && TOKEN.test(token);
}

/** The installer family of a catalog distro name, or null when vizor cannot answer it. */
export function linuxFamilyOf(distro: string): LinuxFamily | null {
  const d = distro.toLowerCase();
  if (/^(debian|ubuntu|devuan|kali)/.test(d)) return 'debian';
  if (/^(rhel|red-?hat|centos|rocky|alma|fedora|oracle|ol$|scientific|eurolinux|circle|navy)/.test(d)) return 'rhel';
  return null;
}

/**
 * Checks answer-file values: keys are lower-case identifiers and values one line of text
 * without control characters, so no value can start a new preseed directive or kickstart
 * command. Returns the first problem, or null.
 */
export function checkAnswerValues(values: Record<string, unknown>): string | null {
  for (const [k, v] of Object.entries(values)) {
    if (!VALUE_KEY.test(k)) return `value name ${JSON.stringify(k.slice(0, 40))} must be lower-case letters, digits and _`;
    if (typeof v !== 'string') return `value ${k} must be a string`;
    if (v.length > 1024) return `value ${k} is longer than 1024 characters`;
    if (UNSAFE_VALUE.test(v)) return `value ${k} must be one line without control characters`;
  }
  return null;
}

/** Checks extra kernel arguments; returns a problem or null. */
export function checkKernelArgs(args: string): string | null {
  return KERNEL_ARGS.test(args) ? null : `kernel arguments may only hold letters, digits, spaces and ._:/=,@+- (at most 400): ${JSON.stringify(args.slice(0, 60))}`;
}

/** Builds a linux-install task, validating everything that later reaches a script or answer file. */
export function makeLinuxInstallTask(o: { isoId: number; family: LinuxFamily; values?: Record<string, string>; kernelArgs?: string; token?: string }): LinuxInstallTask | { problem: string } {
  if (!Number.isSafeInteger(o.isoId) || o.isoId <= 0) return { problem: `ISO id must be a positive integer, got ${o.isoId}` };
  if (o.family !== 'debian' && o.family !== 'rhel') return { problem: `family must be debian or rhel, got ${JSON.stringify(o.family)}` };
  const problem = checkAnswerValues(o.values ?? {}) ?? (o.kernelArgs ? checkKernelArgs(o.kernelArgs) : null);
  if (problem) return { problem };
  const token = o.token ?? newAnswerToken();
  if (!isAnswerToken(token)) return { problem: 'token is not valid' };
  return {
    kind: 'linux-install', isoId: o.isoId, family: o.family, token,
    ...(o.values && Object.keys(o.values).length ? { values: { ...o.values } } : {}),
    ...(o.kernelArgs ? { kernelArgs: o.kernelArgs } : {}),
  };
}

/** The task as a LinuxInstallTask when it is a well-formed one, else null. */
export function asLinuxInstall(task: NodeTask): LinuxInstallTask | null {
  if (task.kind !== 'linux-install') return null;
  const t = task as Partial<LinuxInstallTask>;
  const made = makeLinuxInstallTask({ isoId: t.isoId as number, family: t.family as LinuxFamily, values: t.values as Record<string, string> | undefined, kernelArgs: t.kernelArgs, token: t.token });
  return 'problem' in made ? null : made;
}

/** The answer file a family's installer fetches. */
export function answerFileName(family: LinuxFamily): 'preseed.cfg' | 'kickstart.cfg' {
  return family === 'debian' ? 'preseed.cfg' : 'kickstart.cfg';
}

/** A path inside an ISO as a URL path below `/media/<id>/` (each segment encoded). */
export function mediaPath(path: string): string {
  return path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
}

/**
 * The iPXE template context of a linux-install task: kernel and initrd URLs under the
 * media route, and the kernel command line that points the installer at its answer file.
 * `base` is `http://<host the node used>`. Returns a problem when the ISO cannot be booted.
 */
export function planLinuxBoot(task: LinuxInstallTask, tree: LinuxTreePaths | null, base: string, hostname: string): { kernelUrl: string; initrdUrl: string; args: string; answerUrl: string } | { problem: string } {
  if (!tree) return { problem: `ISO ${task.isoId} is not a cataloged Linux installer` };
  if (!tree.kernelPath || !tree.initrdPath) return { problem: `ISO ${task.isoId} has no kernel/initrd the catalog could find` };
  const media = `${base}/media/${task.isoId}`;
  const answerUrl = `${base}/answers/${task.token}/${answerFileName(task.family)}`;
  // `initrd=initrd` names the initrd for EFI-stub kernels; BIOS kernels ignore it.
  const common = ['initrd=initrd'];
  const host = hostname.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 63);
  const args = task.family === 'debian'
    ? [...common, 'auto=true', 'priority=critical', `url=${answerUrl}`, 'interface=auto', 'netcfg/choose_interface=auto',
      `hostname=${host}`, 'domain=local', 'locale=en_US.UTF-8', 'keymap=us', 'language=en', 'country=US']
    : [...common, `inst.ks=${answerUrl}`, `inst.repo=${media}/`, 'ip=dhcp'];
  if (task.kernelArgs) args.push(task.kernelArgs);
  return { kernelUrl: `${media}/${mediaPath(tree.kernelPath)}`, initrdUrl: `${media}/${mediaPath(tree.initrdPath)}`, args: args.join(' '), answerUrl };
}

/** The node whose task (as `parse` reads it) holds `token`, or null. */
export function nodeForToken<T extends { readonly token: string }>(nodes: readonly NodeRow[], token: string, parse: (task: NodeTask) => T | null): { node: NodeRow; task: T } | null {
  if (!isAnswerToken(token)) return null;
  for (const node of nodes) {
    const task = parse(node.task);
    if (task && task.token === token) return { node, task };
  }
  return null;
}

/**
 * Decides whether an answer request is served: the token must belong to a node's task of
 * the kind `parse` accepts, and when the requesting address is known to belong to a MAC it
 * must be that node's MAC.
 */
export function authoriseTask<T extends { readonly token: string }>(nodes: readonly NodeRow[], token: string, peerMac: string | null, parse: (task: NodeTask) => T | null): { node: NodeRow; task: T } | { refused: 'unknown-token' | 'mac-mismatch' } {
  const hit = nodeForToken(nodes, token, parse);
  if (!hit) return { refused: 'unknown-token' };
  if (peerMac && peerMac !== hit.node.mac) return { refused: 'mac-mismatch' };
  return hit;
}

/** authoriseTask for linux-install tasks. */
export function authoriseAnswer(nodes: readonly NodeRow[], token: string, peerMac: string | null): { node: NodeRow; task: LinuxInstallTask } | { refused: 'unknown-token' | 'mac-mismatch' } {
  return authoriseTask(nodes, token, peerMac, asLinuxInstall);
}

/**
 * The answer-file template context: defaults first, the task's values over them. The
 * default mirror is the ISO itself under `/media/<id>`, with the suite named after the
 * ISO's codename when the catalog knows it.
 */
export function answerContext(node: NodeRow, task: LinuxInstallTask, base: string, codename: string | null = null): Record<string, unknown> {
  const hostname = (task.values?.hostname ?? node.name ?? `node-${node.mac.replace(/:/g, '')}`).replace(/[^A-Za-z0-9-]/g, '-').slice(0, 63);
  const v = {
    locale: 'en_US.UTF-8', keyboard: 'us', timezone: 'UTC', domain: 'local',
    mirror_host: base.replace(/^http:\/\//, ''), mirror_dir: `/media/${task.isoId}`,
    suite: codename && /^[a-z][a-z0-9-]{1,30}$/i.test(codename) ? codename.toLowerCase() : 'stable',
    username: 'vizor', user_fullname: 'vizor', root_password_hash: '', user_password_hash: '', disk: '',
    ...task.values,
  };
  return { v, hostname, mac: node.mac, isoId: task.isoId, base, media: `${base}/media/${task.isoId}`, doneUrl: `${base}/answers/${task.token}/done`, stageUrl: `${base}/answers/${task.token}/stage` };
}
