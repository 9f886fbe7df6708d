import { VizorError } from '../errors.js';

/** A file name or volume label cannot be written to the image (bad characters, too long, duplicate). */
export class PayloadNameError extends VizorError {
  readonly code = 'PAYLOAD_NAME' as const;
}

/** The files do not fit the image: too many bytes for the data area or too many root entries. */
export class PayloadTooLargeError extends VizorError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
}

/** Every payload error, for narrowing in callers. */
export type PayloadError = PayloadNameError | PayloadTooLargeError;
