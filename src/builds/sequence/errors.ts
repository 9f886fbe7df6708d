import { VizorError } from '../../errors.js';

/** A sequence file is not valid YAML or breaks the format; `problems` lists every finding. */
export class SequenceFormatError extends VizorError {
  readonly code = 'SEQUENCE_FORMAT' as const;
  constructor(readonly source: string, readonly problems: readonly string[], options?: { cause?: unknown }) {
    super(`sequence ${source}: ${problems.join('; ')}`, options);
  }
}

/** A sequence cannot be rendered for a build: bad or missing `with` values, unknown variables. */
export class SequenceRenderError extends VizorError {
  readonly code = 'SEQUENCE_RENDER' as const;
  constructor(readonly problems: readonly string[], options?: { cause?: unknown }) {
    super(`cannot render sequence: ${problems.join('; ')}`, options);
  }
}

/** A value handed to the sequence API is unusable (a callback base URL, a token, a file). */
export class SequenceArgumentError extends VizorError {
  readonly code = 'SEQUENCE_ARGUMENT' as const;
}
