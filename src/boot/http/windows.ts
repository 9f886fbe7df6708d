import { createHash } from 'node:crypto';
import type { NodeTask } from '../../store/index.js';
import { WINDOWS_VERSIONS, type WindowsArch, type WindowsFirmware, type WindowsInstallValues, type WindowsVersion } from '../../templates/windows/index.js';
import { isAnswerToken, mediaPath, newAnswerToken } from './answers.js';

/**
 * The node task that installs Windows from a cataloged ISO: wimboot boots the ISO's own
 * WinPE, install.cmd maps the ISO over SMB and runs setup.exe with the node's answer file.
 */
// A type alias so it is assignable to the open NodeTask shape.
export type WindowsInstallTask = {
  readonly kind: 'windows-install';
  readonly isoId: number;
  readonly token: string;
  readonly version: WindowsVersion;
  readonly arch: WindowsArch;
  /** install.wim image: index, or name as the catalog lists it. */
  readonly image: { readonly index: number } | { readonly name: string };
  /** Name of the secret holding the Administrator password (never the password itself). */
  readonly adminPasswordSecret: string;
  /** Provisioner sequence to run after setup (its engine starts at first logon). */
  readonly sequence?: string;
  /** Optional settings: computerName, timeZone, uiLanguage, inputLocale, systemLocale, userLocale, productKey, organization, owner, bypassWin11 ("true"). */
  readonly values?: Readonly<Record<string, string>>;
};

/** Files wimboot needs from the ISO, per firmware, and the names it must see them under. */
export const WINPE_FILES: Readonly<Record<WindowsFirmware, ReadonlyArray<{ readonly path: string; readonly name: string }>>> = {
  bios: [
    { path: 'bootmgr', name: 'bootmgr' },
    { path: 'boot/bcd', name: 'BCD' },
    { path: 'boot/boot.sdi', name: 'boot.sdi' },
    { path: 'sources/boot.wim', name: 'boot.wim' },
  ],
  uefi: [
    { path: 'efi/boot/bootx64.efi', name: 'bootx64.efi' },
    { path: 'efi/microsoft/boot/bcd', name: 'BCD' },
    { path: 'boot/boot.sdi', name: 'boot.sdi' },
    { path: 'sources/boot.wim', name: 'boot.wim' },
  ],
};

/** Files vizor injects into WinPE's X:\Windows\System32 through wimboot. */
export const INJECTED_FILES = ['winpeshl.ini', 'install.cmd', 'autounattend.xml'] as const;
export type InjectedFile = (typeof INJECTED_FILES)[number];

const VALUE_KEYS = new Set(['computerName', 'timeZone', 'uiLanguage', 'inputLocale', 'systemLocale', 'userLocale', 'productKey', 'organization', 'owner', 'bypassWin11']);
const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Builds a windows-install task; returns the first problem instead when something is wrong. */
export function makeWindowsInstallTask(o: {
  isoId: number; version: string; arch: string; image: { index: number } | { name: string };
  adminPasswordSecret: string; values?: Record<string, string>; token?: string; sequence?: string;
}): WindowsInstallTask | { problem: string } {
  if (o.sequence !== undefined && !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(o.sequence)) return { problem: 'sequence must be a sequence name (lower-case letters, digits, . _ -)' };
  if (!Number.isSafeInteger(o.isoId) || o.isoId <= 0) return { problem: `ISO id must be a positive integer, got ${o.isoId}` };
  const info = (WINDOWS_VERSIONS as Record<string, { archs: readonly string[] }>)[o.version];
  if (!info) return { problem: `version must be one of ${Object.keys(WINDOWS_VERSIONS).join(', ')}; got ${JSON.stringify(o.version)}` };
  if (!info.archs.includes(o.arch)) return { problem: `${o.version} has no ${JSON.stringify(o.arch)} release (use ${info.archs.join(' or ')})` };
  const image = o.image as { index?: unknown; name?: unknown };
  if ('index' in image ? !(Number.isInteger(image.index) && (image.index as number) >= 1 && (image.index as number) <= 999) : !(typeof image.name === 'string' && image.name.length > 0 && image.name.length <= 200)) {
    return { problem: 'image must be an index from 1 to 999 or a name of 1-200 characters' };
  }
  if (!SECRET_NAME.test(o.adminPasswordSecret ?? '')) return { problem: 'adminPasswordSecret must name a secret' };
  for (const [k, v] of Object.entries(o.values ?? {})) {
    if (!VALUE_KEYS.has(k)) return { problem: `unknown Windows value ${JSON.stringify(k)} (known: ${[...VALUE_KEYS].join(', ')})` };
    if (typeof v !== 'string' || v.length > 256 || /[\u0000-\u001f\u007f]/.test(v)) return { problem: `value ${k} must be one line of at most 256 characters` };
  }
  const token = o.token ?? newAnswerToken();
  if (!isAnswerToken(token)) return { problem: 'token is not valid' };
  return {
    kind: 'windows-install', isoId: o.isoId, token, version: o.version as WindowsVersion, arch: o.arch as WindowsArch,
    image: 'index' in image ? { index: image.index as number } : { name: image.name as string },
    adminPasswordSecret: o.adminPasswordSecret,
    ...(o.sequence ? { sequence: o.sequence } : {}),
    ...(o.values && Object.keys(o.values).length ? { values: { ...o.values } } : {}),
  };
}

/** The task as a WindowsInstallTask when it is a well-formed one, else null. */
export function asWindowsInstall(task: NodeTask): WindowsInstallTask | null {
  if (task.kind !== 'windows-install') return null;
  const t = task as Partial<WindowsInstallTask>;
  const made = makeWindowsInstallTask({ isoId: t.isoId as number, version: t.version as string, arch: t.arch as string, image: t.image as { index: number }, adminPasswordSecret: t.adminPasswordSecret as string, values: t.values as Record<string, string> | undefined, token: t.token, ...(t.sequence ? { sequence: t.sequence } : {}) });
  return 'problem' in made ? null : made;
}

/** The SMB names of a task: its own account, the ISO's read-only share and its writable status share. */
export function windowsShareNames(task: Pick<WindowsInstallTask, 'token' | 'isoId'>): { account: string; mediaShare: string; statusShare: string; passwordSecret: string } {
  // Derived from the token, so they are stable across restarts yet reveal nothing of it.
  const id = createHash('sha256').update(`vizor-smb:${task.token}`).digest('hex').slice(0, 12);
  return { ...accountShareNames(`vzb-${id}`), mediaShare: `iso${task.isoId}` };
}

/** What belongs to one build account (`vzb-<id>`): its status share and the secret holding its password. */
export function accountShareNames(account: string): { account: string; statusShare: string; passwordSecret: string } {
  return { account, statusShare: `st-${account.replace(/^vzb-/, '')}`, passwordSecret: `smb-account:${account}` };
}

/** One file iPXE loads for wimboot: where from and under which name. */
export interface WimbootFile {
  readonly url: string;
  readonly name: string;
}

/** The iPXE template context of a windows-install task, both firmware forms. */
export interface WindowsBootPlan {
  readonly wimbootUrl: string;
  readonly bios: readonly WimbootFile[];
  readonly uefi: readonly WimbootFile[];
}

/**
 * Plans the wimboot script: the ISO's own boot files (paths as found on the ISO, so the
 * case-insensitive lookup is done once, here) and the injected answer files.
 * `found(firmware)` gives the on-ISO path of each WINPE_FILES entry or null when absent.
 */
export function planWindowsBoot(task: WindowsInstallTask, base: string, found: Record<WindowsFirmware, readonly (string | null)[]>): WindowsBootPlan | { problem: string } {
  const media = `${base}/media/${task.isoId}`;
  const plan = {} as Record<WindowsFirmware, WimbootFile[]>;
  for (const fw of ['bios', 'uefi'] as const) {
    const paths = found[fw];
    const missing = WINPE_FILES[fw].filter((_, i) => !paths[i]).map((f) => f.path);
    if (missing.length) return { problem: `ISO ${task.isoId} lacks ${missing.join(', ')} (${fw}): not a bootable Windows install medium` };
    plan[fw] = [
      ...INJECTED_FILES.map((name) => ({ url: `${base}/answers/${task.token}/win/${fw}/${name}`, name })),
      ...WINPE_FILES[fw].map((f, i) => ({ url: `${media}/${mediaPath(paths[i]!)}`, name: f.name })),
    ];
  }
  return { wimbootUrl: `${base}/boot/wimboot`, bios: plan.bios, uefi: plan.uefi };
}

/** The autounattend values of a task for one node and firmware. */
export function windowsInstallValues(task: WindowsInstallTask, firmware: WindowsFirmware, computerName: string, adminPassword: string, firstLogon: readonly string[] = []): WindowsInstallValues {
  const v = task.values ?? {};
  const ui = v.uiLanguage ?? 'en-US';
  return {
    version: task.version, arch: task.arch, firmware, image: task.image,
    locale: { uiLanguage: ui, inputLocale: v.inputLocale ?? ui, systemLocale: v.systemLocale ?? ui, userLocale: v.userLocale ?? ui },
    timeZone: v.timeZone ?? 'UTC', computerName: v.computerName ?? computerName, adminPassword,
    localAccounts: [], firstLogonCommands: [...firstLogon],
    // FirstLogonCommands run only after a logon: log on once by itself when there are any.
    ...(firstLogon.length ? { autoLogon: { username: 'Administrator', logonCount: 1 } } : {}),
    // install.cmd partitions with diskpart before setup.exe runs.
    partitioning: 'existing',
    ...(v.productKey ? { productKey: v.productKey } : {}),
    ...(v.organization ? { organization: v.organization } : {}),
    ...(v.owner ? { owner: v.owner } : {}),
    ...(v.bypassWin11 === 'true' ? { bypassWin11Requirements: true } : {}),
  };
}

/** A NetBIOS name for a node without one: `VZ` and the last 12 hex digits of its MAC. */
export function defaultComputerName(name: string | null, mac: string): string {
  const clean = (name ?? '').replace(/[^A-Za-z0-9-]/g, '').replace(/^-+|-+$/g, '').slice(0, 15);
  return clean && !/^[0-9]+$/.test(clean) ? clean : `VZ-${mac.replace(/:/g, '').slice(-12).toUpperCase()}`.slice(0, 15);
}
