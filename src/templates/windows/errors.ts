import { VizorError } from '../../errors.js';

/** An answer file (autounattend.xml, unattend.xml, install.cmd, winpeshl.ini) could not be produced safely. */
export class AnswerFileError extends VizorError {
  readonly code = 'ANSWER_FILE' as const;
  /** The input field or output part that was wrong, e.g. `computerName` or `component`. */
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`answer file: ${field}: ${message}`, options);
    this.field = field;
  }
}
