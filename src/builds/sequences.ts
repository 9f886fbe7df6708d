import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSequenceFile, renderSequence, type SequenceDocument } from './sequence/index.js';
import { BuildInvalidError } from './errors.js';
import type { BuildRow } from '../store/index.js';

/** Sequences shipped with vizor. */
export const SHIPPED_SEQUENCES = fileURLToPath(new URL('../../../sequences/', import.meta.url));
/** The admin's own sequences; a name there wins over a shipped one. */
export const SITE_SEQUENCES = '/etc/vizor/sequences';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The file of sequence `name`, or BuildInvalidError naming where it was looked for. */
export function sequenceFile(name: string, dirs: readonly string[] = [SITE_SEQUENCES, SHIPPED_SEQUENCES]): string {
  if (!NAME.test(name)) throw new BuildInvalidError(`sequence name ${JSON.stringify(name)} must be lower-case letters, digits, . _ -`);
  for (const d of dirs) {
    for (const ext of ['.yaml', '.yml']) {
      const p = join(d, `${name}${ext}`);
      if (existsSync(p)) return p;
    }
  }
  throw new BuildInvalidError(`no sequence "${name}" in ${dirs.join(' or ')}`);
}

/** The rendered sequence of a Windows build, with the build's regional values for the locale task. */
export function buildSequenceDocument(build: BuildRow, dirs?: readonly string[]): SequenceDocument | null {
  const spec = build.spec as { sequence?: string | null; values?: Record<string, string> };
  if (build.family !== 'windows' || !spec.sequence) return null;
  const v = spec.values ?? {};
  const ui = v.uiLanguage ?? 'en-US';
  return renderSequence(loadSequenceFile(sequenceFile(spec.sequence, dirs)), {
    with: { locale: { systemLocale: v.systemLocale ?? ui, userLanguages: [ui], culture: v.userLocale ?? ui, timeZone: v.timeZone ?? 'UTC' } },
    vars: Object.fromEntries(Object.entries(v).filter(([k]) => /^[A-Za-z][A-Za-z0-9_]*$/.test(k))),
  });
}
