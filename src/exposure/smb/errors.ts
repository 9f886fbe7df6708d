import { VizorError } from '../../errors.js';

/** vizor's own smbd could not be started, reloaded or stopped. */
export class SmbServerError extends VizorError {
  readonly code = 'SMB_SERVER' as const;
}

/** A per-build SMB account could not be created or removed. */
export class SmbAccountError extends VizorError {
  readonly code = 'SMB_ACCOUNT' as const;
}
