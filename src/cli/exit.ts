import { VizorError } from '../errors.js';

/** Process exit codes; stable, documented in USAGE.md. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  NotFound: 3,
  Config: 4,
  BadMedia: 5,
  Io: 6,
  Store: 7,
  /** A hypervisor platform refused or failed a call. */
  Platform: 8,
} as const;

const BY_CODE: Readonly<Record<string, number>> = {
  MEDIA_NOT_FOUND: ExitCode.NotFound,
  CONFIG_INVALID: ExitCode.Config,
  CONFIG_FILE: ExitCode.Config,
  MEDIA_CORRUPT: ExitCode.BadMedia,
  MEDIA_UNSUPPORTED: ExitCode.BadMedia,
  MEDIA_LIMIT: ExitCode.BadMedia,
  MEDIA_NO_FILESYSTEM: ExitCode.BadMedia,
  MEDIA_IO: ExitCode.Io,
  CLI_USAGE: ExitCode.Usage,
  SOURCE_URL: ExitCode.Usage,
  NOT_FOUND: ExitCode.NotFound,
  ALREADY_EXISTS: ExitCode.Failure,
  STORE_CORRUPT: ExitCode.Store,
  STORE_TOO_NEW: ExitCode.Store,
  STORE_OPEN: ExitCode.Store,
  SECRET_KEY: ExitCode.Config,
  SECRET_DECRYPT: ExitCode.Config,
  SOURCE_UNAVAILABLE: ExitCode.Io,
  HV_NOT_FOUND: ExitCode.NotFound,
  HV_CONFIG: ExitCode.Config,
  HV_AUTH: ExitCode.Platform,
  HV_STATE: ExitCode.Platform,
  HV_TRANSIENT: ExitCode.Platform,
  HV_JOB_FAILED: ExitCode.Platform,
  HV_TIMEOUT: ExitCode.Platform,
  HV_UNSUPPORTED: ExitCode.Platform,
  HV_REQUEST: ExitCode.Platform,
  ROOM_CONFIG_INVALID: ExitCode.Config,
  ROOM_NOT_FOUND: ExitCode.NotFound,
  ROOM_LOCKED: ExitCode.Failure,
};

/** Maps an error code to the process exit code. */
export function exitCodeFor(code: string): number {
  return BY_CODE[code] ?? ExitCode.Failure;
}

/** A command was called with arguments that do not fit. */
export class UsageError extends VizorError {
  readonly code = 'CLI_USAGE' as const;
  constructor(message: string, readonly command: string) {
    super(message);
  }
}

/**
 * Prints one clear line for an error (with a hint for usage errors), or a JSON error
 * object under --json, and returns the exit code to use.
 */
export function reportError(err: unknown, json: boolean, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (err instanceof VizorError) {
    if (json) write(`${JSON.stringify({ error: { code: err.code, message: err.message } })}\n`);
    else {
      write(`vizor: ${err.message}\n`);
      if (err instanceof UsageError) write(`see 'vizor ${err.command} --help'\n`);
    }
    return exitCodeFor(err.code);
  }
  const message = err instanceof Error ? err.message : String(err);
  if (json) write(`${JSON.stringify({ error: { code: 'INTERNAL', message } })}\n`);
  else write(`vizor: internal error: ${message}\n`);
  if (process.env.VIZOR_DEBUG && err instanceof Error && err.stack) write(`${err.stack}\n`);
  return ExitCode.Failure;
}
