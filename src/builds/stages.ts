/**
 * A build's stages in order. The stored `stage` is the last one reached; the runner's
 * job is to reach the next. Linux builds skip the Windows-only sequence and seal stages.
 */
export const STAGES = ['created', 'container', 'booting', 'installer', 'setup-done', 'sequence', 'sealed', 'powered-off', 'template', 'published'] as const;
export type Stage = (typeof STAGES)[number];

/** Installer family of a build. */
export type BuildFamily = 'windows' | 'debian' | 'rhel';

/** Default time allowed to reach each stage, in seconds (overridable per build). */
export const DEFAULT_STAGE_TIMEOUTS: Readonly<Record<Stage, number>> = {
  created: 0,
  container: 900,
  booting: 600,
  installer: 1800,
  'setup-done': 4 * 3600,
  sequence: 6 * 3600,
  sealed: 3600,
  'powered-off': 1800,
  template: 3600,
  published: 900,
};

/** Whether a build of `family` goes through `stage`. */
export function stageApplies(stage: Stage, family: BuildFamily, publish: boolean): boolean {
  if ((stage === 'sequence' || stage === 'sealed') && family !== 'windows') return false;
  if (stage === 'published' && !publish) return false;
  return true;
}

/** The stage to reach after `current`, or null when the build is complete. */
export function nextStage(current: string, family: BuildFamily, publish: boolean): Stage | null {
  const i = STAGES.indexOf(current as Stage);
  if (i < 0) throw new Error(`unknown build stage ${JSON.stringify(current)}`);
  for (let j = i + 1; j < STAGES.length; j++) if (stageApplies(STAGES[j]!, family, publish)) return STAGES[j]!;
  return null;
}

/** The stages a build of `family` passes, in order (for progress display). */
export function stagesOf(family: BuildFamily, publish: boolean): Stage[] {
  return STAGES.filter((s) => stageApplies(s, family, publish));
}
