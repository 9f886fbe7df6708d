import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { checkAnswerValues, linuxFamilyOf, newAnswerToken, makeWindowsInstallTask } from '../boot/index.js';
import type { Store } from '../store/index.js';
import { BuildInvalidError } from './errors.js';
import { sequenceFile } from './sequences.js';
import { DEFAULT_STAGE_TIMEOUTS, STAGES, type BuildFamily, type Stage } from './stages.js';

/** A hardware profile: what a build VM looks like and where it goes. */
export const profileSpecSchema = z
  .object({
    vcpus: z.number().int().min(1).max(256).default(2),
    memoryMiB: z.number().int().min(256).max(4 * 1024 * 1024).default(4096),
    diskGiB: z.number().int().min(1).max(65536).default(40),
    network: z.string().min(1),
    firmware: z.enum(['bios', 'uefi']).default('uefi'),
    /** Platform placement: zone/offering, SR, cluster/vNIC profile... */
    placement: z.record(z.string(), z.string()).default({}),
    osType: z.string().min(1).optional(),
    /** Answer-file values this profile sets (merged after the image's, before a values file). */
    values: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type ProfileSpec = z.infer<typeof profileSpecSchema>;

/** Template variables each installer family declares; anything else is a typo. */
export const DECLARED_VARIABLES: Readonly<Record<BuildFamily, readonly string[]>> = {
  debian: ['hostname', 'domain', 'locale', 'keyboard', 'timezone', 'username', 'user_fullname', 'root_password_hash', 'user_password_hash', 'disk', 'mirror_host', 'mirror_dir', 'suite'],
  rhel: ['hostname', 'domain', 'locale', 'keyboard', 'timezone', 'username', 'user_fullname', 'root_password_hash', 'user_password_hash', 'disk'],
  windows: ['computerName', 'timeZone', 'uiLanguage', 'inputLocale', 'systemLocale', 'userLocale', 'productKey', 'organization', 'owner', 'bypassWin11', 'release', 'arch'],
};

/** What `vizor build start` asks for. */
export interface BuildRequest {
  readonly isoId: number;
  readonly profile: string;
  /** Windows: install.wim image by index or name. */
  readonly image?: { index: number } | { name: string };
  /** Layers in merge order after the site defaults and the image: profile values are added here. */
  readonly valuesFile?: Record<string, string>;
  readonly set?: Record<string, string>;
  readonly siteDefaults?: Record<string, string>;
  readonly sequence?: string;
  readonly templateName?: string;
  readonly publish?: boolean;
  readonly keep?: boolean;
  /** Secret name of the Windows Administrator password. */
  readonly adminPasswordSecret?: string;
  readonly timeouts?: Partial<Record<Stage, number>>;
}

/** The validated build, as stored in the builds table's spec column. */
export interface BuildSpec {
  readonly values: Record<string, string>;
  readonly image: { index: number } | { name: string } | null;
  readonly release: string | null;
  readonly arch: string | null;
  readonly sequence: string | null;
  readonly templateName: string;
  readonly publish: boolean;
  readonly keep: boolean;
  readonly adminPasswordSecret: string | null;
  readonly container: ProfileSpec & { readonly name: string };
  readonly timeouts: Record<Stage, number>;
}

/** A new build id: `b` and 10 hex digits. */
export function newBuildId(): string {
  return `b${randomBytes(5).toString('hex')}`;
}

/** The release id of a Windows edition the catalog found (best effort; `--set release=` overrides). */
function windowsRelease(name: string | null, build: number | null): string | null {
  const n = (name ?? '').toLowerCase();
  for (const y of ['2025', '2022', '2019', '2016']) if (n.includes(`server ${y}`)) return `server-${y}`;
  if (n.includes('server 2012 r2')) return 'server-2012r2';
  if (n.includes('windows 11') || (build ?? 0) >= 22000) return 'windows-11';
  if (n.includes('windows 10')) return 'windows-10';
  if (n.includes('windows 8.1')) return 'windows-8.1';
  if (n.includes('windows 7')) return 'windows-7';
  return null;
}

/**
 * Validates a build request against the catalog, the profile and the answer-file variables,
 * merging values in the documented order: site defaults ← image ← profile ← values file ←
 * --set. Throws BuildInvalidError listing every problem, before anything is created.
 */
export function planBuild(store: Store, req: BuildRequest): { id: string; token: string; hypervisor: string; family: BuildFamily; spec: BuildSpec } {
  const problems: string[] = [];
  const iso = store.query.getIso(String(req.isoId));
  if (iso.missing) problems.push(`ISO ${req.isoId} is missing from its source`);
  const profileRow = store.profiles.get(req.profile);
  const profile = profileSpecSchema.parse(profileRow.spec);
  let family: BuildFamily | null = null;
  const imageValues: Record<string, string> = {};
  let image: BuildSpec['image'] = null;
  if (iso.linux) {
    family = linuxFamilyOf(iso.linux.distro);
    if (!family) problems.push(`ISO ${req.isoId} holds ${iso.linux.distro}, whose installer vizor cannot answer`);
    if (!iso.linux.kernelPath || !iso.linux.initrdPath) problems.push(`ISO ${req.isoId} has no kernel/initrd the catalog found`);
  } else if (iso.editionList.length > 0) {
    family = 'windows';
    image = req.image ?? { index: iso.editionList[0]!.index };
    const edition = 'index' in image ? iso.editionList.find((e) => e.index === (image as { index: number }).index) : iso.editionList.find((e) => e.name === (image as { name: string }).name);
    if (!edition) problems.push(`ISO ${req.isoId} has no image ${JSON.stringify(image)}: it has ${iso.editionList.map((e) => `${e.index} (${e.name ?? '?'})`).join(', ')}`);
    else {
      const release = windowsRelease(edition.name, edition.build);
      if (release) imageValues.release = release;
      if (edition.arch) imageValues.arch = edition.arch === 'x64' ? 'amd64' : edition.arch;
      const lang = edition.defaultLanguage ?? edition.languages[0];
      if (lang) imageValues.uiLanguage = lang;
    }
  } else problems.push(`ISO ${req.isoId} is neither a Linux installer nor a Windows install medium`);
  if (!family) throw new BuildInvalidError(problems.join('; '));

  const values = { ...req.siteDefaults, ...imageValues, ...profile.values, ...req.valuesFile, ...req.set };
  const declared = DECLARED_VARIABLES[family];
  for (const key of Object.keys(values)) {
    if (!declared.includes(key)) problems.push(`unknown value "${key}" for a ${family} build (declared: ${declared.join(', ')})`);
  }
  const id = newBuildId();
  const token = newAnswerToken();
  if (family === 'windows') {
    if (!req.adminPasswordSecret) problems.push('a Windows build needs the Administrator password (--admin-password-stdin or --admin-password-file)');
    const { release, arch, ...rest } = values;
    const check = makeWindowsInstallTask({ isoId: req.isoId, version: release ?? '', arch: arch ?? 'amd64', image: image ?? { index: 1 }, adminPasswordSecret: req.adminPasswordSecret ?? 'x', values: rest, token });
    if ('problem' in check) problems.push(check.problem);
  } else {
    const p = checkAnswerValues(values);
    if (p) problems.push(p);
  }
  if (req.sequence) {
    if (family !== 'windows') problems.push(`--sequence is for Windows builds; ISO ${req.isoId} is ${family}`);
    else {
      try {
        sequenceFile(req.sequence);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
  }
  const timeouts = { ...DEFAULT_STAGE_TIMEOUTS, ...req.timeouts };
  for (const [k, v] of Object.entries(timeouts)) {
    if (!(STAGES as readonly string[]).includes(k) || !Number.isFinite(v) || v < 0) problems.push(`bad timeout ${k}=${v}: give a stage (${STAGES.slice(1).join(", ")}) and seconds >= 0`);
  }
  const templateName = req.templateName ?? `vizor-${iso.path.replace(/^.*\//, '').replace(/\.iso$/i, '')}-${id}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,79}$/.test(templateName)) problems.push(`template name ${JSON.stringify(templateName)} must be 1-80 letters, digits, spaces and ._()-`);
  if (problems.length) throw new BuildInvalidError(problems.join('; '));
  return {
    id, token, hypervisor: profileRow.hypervisor, family,
    spec: {
      values, image, release: values.release ?? null, arch: values.arch ?? null, sequence: req.sequence ?? null, templateName,
      publish: req.publish ?? false, keep: req.keep ?? false, adminPasswordSecret: req.adminPasswordSecret ?? null,
      container: { ...profile, name: `vizor-build-${id}` }, timeouts,
    },
  };
}
