import { VizorError } from '../errors.js';

/** A build request is invalid: bad values, unknown profile, an ISO vizor cannot install. */
export class BuildInvalidError extends VizorError {
  readonly code = 'BUILD_INVALID' as const;
}

/** A build cannot do what was asked in its current state (cancel a finished build, retry a running one). */
export class BuildStateError extends VizorError {
  readonly code = 'BUILD_STATE' as const;
}
