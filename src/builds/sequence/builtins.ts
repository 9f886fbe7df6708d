import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defaultTemplatesDir } from '../../templates/index.js';
import { BUILTIN_NAMES, WITH_KEY, type BuiltinName } from './format.js';
import { SequenceArgumentError } from './errors.js';

/** Characters Windows refuses in a path segment, plus quotes and whitespace control characters. */
const PATH_CHARS = String.raw`[^\\/:*?"<>|\x00-\x1f]+`;
const UNC = new RegExp(String.raw`^\\\\${PATH_CHARS}\\${PATH_CHARS}(\\${PATH_CHARS})+$`);
const LOCAL = new RegExp(String.raw`^[A-Za-z]:(\\${PATH_CHARS})+$`);
const windowsPath = (what: string) =>
  z.string().refine((p) => UNC.test(p) || LOCAL.test(p), `${what} must be a UNC path (\\\\server\\share\\...) or a local path (C:\\...)`);
/** BCP 47 tags as Windows writes them: de-DE, sr-Latn-RS, zh-CN. */
const LOCALE = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'must be a language tag such as de-DE');

/** What each built-in accepts in `with`; unknown keys are typos and rejected. */
const WITH_SCHEMAS: Readonly<Record<BuiltinName, z.ZodType<Record<string, unknown>>>> = {
  'pv-tools': z.strictObject({}),
  langpacks: z
    .strictObject({
      packages: z
        .array(windowsPath('a language pack').refine((p) => /\.(cab|msu|esd)$/i.test(p), 'a language pack must be a .cab, .msu or .esd file'))
        .max(64)
        .default([]),
      user: z.string().min(1).max(256).optional(),
      password: z.string().max(256).optional(),
    })
    .refine((w) => w.password === undefined || w.user !== undefined, { message: 'password needs user', path: ['user'] }),
  locale: z.strictObject({
    systemLocale: LOCALE.optional(),
    userLanguages: z.array(LOCALE).max(16).optional(),
    culture: LOCALE.optional(),
    homeLocation: z.int().min(1).max(1_000_000).optional(),
    timeZone: z.string().regex(/^[A-Za-z0-9 .()+_-]{1,64}$/, 'must be a Windows time zone id such as "W. Europe Standard Time"').optional(),
    copyToDefaultUser: z.boolean().optional(),
  }),
  custom: z.record(z.string().regex(WITH_KEY), z.json()),
  sysprep: z
    .strictObject({
      generalize: z.boolean().optional(),
      unattend: windowsPath('unattend').optional(),
      unattendUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    })
    .refine((w) => !(w.unattend && w.unattendUrl), { message: 'give unattend or unattendUrl, not both', path: ['unattendUrl'] }),
};

/** Defaults a built-in gives a task that does not say otherwise. */
const DEFAULTS: Readonly<Record<BuiltinName, { reboot: boolean; timeoutMinutes: number }>> = {
  'pv-tools': { reboot: true, timeoutMinutes: 30 },
  langpacks: { reboot: true, timeoutMinutes: 120 },
  locale: { reboot: true, timeoutMinutes: 15 },
  custom: { reboot: false, timeoutMinutes: 60 },
  sysprep: { reboot: false, timeoutMinutes: 90 },
};

/** The `with` schema of a built-in. */
export function withSchemaOf(uses: BuiltinName): z.ZodType<Record<string, unknown>> {
  return WITH_SCHEMAS[uses];
}

/** A built-in's default reboot flag and timeout. */
export function defaultsOf(uses: BuiltinName): { reboot: boolean; timeoutMinutes: number } {
  return DEFAULTS[uses];
}

/** PowerShell text of one built-in: `lib` is prepended to every phase of its tasks. */
export interface BuiltinScript {
  readonly lib?: string;
  readonly pre?: string;
  readonly script?: string;
}

/** The scripts of every built-in, by name. */
export type BuiltinScripts = Readonly<Record<BuiltinName, BuiltinScript>>;

const cache = new Map<string, BuiltinScripts>();

/**
 * Reads the built-in task scripts from `<templates>/windows/sequence/tasks/`
 * (`<name>.ps1`, `<name>.pre.ps1`, `<name>.lib.ps1`); cached per folder.
 */
export function loadBuiltinScripts(templatesDir = defaultTemplatesDir()): BuiltinScripts {
  const hit = cache.get(templatesDir);
  if (hit) return hit;
  const dir = join(templatesDir, 'windows', 'sequence', 'tasks');
  const read = (file: string): string | undefined => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined);
  const scripts = {} as Record<BuiltinName, BuiltinScript>;
  for (const name of BUILTIN_NAMES) {
    const s: BuiltinScript = { lib: read(`${name}.lib.ps1`), pre: read(`${name}.pre.ps1`), script: read(`${name}.ps1`) };
    if (name !== 'custom' && !s.script) throw new SequenceArgumentError(`built-in task ${name} has no script: ${join(dir, `${name}.ps1`)} is missing`);
    scripts[name] = s;
  }
  cache.set(templatesDir, scripts);
  return scripts;
}
