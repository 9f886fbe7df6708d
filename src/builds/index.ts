export { BuildRunner, type BuildRunnerOptions } from './runner.js';
export { planBuild, profileSpecSchema, newBuildId, DECLARED_VARIABLES, type BuildRequest, type BuildSpec, type ProfileSpec } from './spec.js';
export { STAGES, nextStage, stagesOf, stageApplies, DEFAULT_STAGE_TIMEOUTS, type Stage, type BuildFamily } from './stages.js';
export { BuildInvalidError, BuildStateError } from './errors.js';
export { startBuild, cancelBuild, retryBuild } from './service.js';
export { sequenceFile, buildSequenceDocument, SHIPPED_SEQUENCES, SITE_SEQUENCES } from './sequences.js';
export { sequenceRoutes, firstLogonCommand, type SequenceEvent } from './sequence/index.js';
