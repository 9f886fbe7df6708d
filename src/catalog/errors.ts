import { VizorError } from '../errors.js';

/** A source URL cannot be understood. */
export class SourceUrlError extends VizorError {
  readonly code = 'SOURCE_URL' as const;
  constructor(message: string) {
    super(message);
  }
}

/** A source cannot be reached or read as a whole (host down, share missing, no NFS client...). */
export class SourceUnavailableError extends VizorError {
  readonly code = 'SOURCE_UNAVAILABLE' as const;
  constructor(readonly source: string, message: string, options?: { cause?: unknown }) {
    super(`source ${source}: ${message}`, options);
  }
}
