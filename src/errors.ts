/**
 * The root of every error vizor throws on purpose. Each subclass carries a stable,
 * literal `code` that the CLI maps to exit codes and the API to HTTP statuses.
 */
export abstract class VizorError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True when `err` is a VizorError with the given code. */
export function hasCode(err: unknown, code: string): boolean {
  return err instanceof VizorError && err.code === code;
}
