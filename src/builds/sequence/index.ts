export { SequenceArgumentError, SequenceFormatError, SequenceRenderError } from './errors.js';
export {
  BUILTIN_NAMES,
  SEQUENCE_NAME,
  SEQUENCE_STAGE,
  checkSequence,
  loadSequenceFile,
  parseSequenceFile,
  sequenceFileSchema,
  type BuiltinName,
  type SequenceFile,
  type SequenceTask,
} from './format.js';
export { loadBuiltinScripts, type BuiltinScript, type BuiltinScripts } from './builtins.js';
export { DOCUMENT_FORMAT, scrubSecrets, secretValues, sequenceDocumentSchema, type DocumentTask, type SequenceDocument } from './document.js';
export { SECRET_KEY, renderSequence, type SequenceValues } from './render.js';
export { EVENT_BODY_LIMIT, parseSequenceEvent, sequenceEventSchema, type SequenceEvent } from './event.js';
export { sequenceStateSchema, type SequenceState } from './state.js';
export { COMMAND_LINE_LIMIT, ENGINE_FILE, engineDir, engineScript, firstLogonCommand } from './engine.js';
export { sequenceRoutes, type SequenceRoutesOptions, type SequenceTarget } from './routes.js';
