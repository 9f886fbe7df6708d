import { VizorError } from '../errors.js';
import type { PlatformKind } from './types.js';

/** Facts about a platform failure: the platform's own error code and text. */
export interface PlatformFailure {
  readonly platform: PlatformKind;
  /** The platform's code (XAPI error name, CloudStack errorcode/cserrorcode, oVirt HTTP status/fault reason). */
  readonly platformCode?: string;
  readonly platformMessage?: string;
  readonly cause?: unknown;
}

/** Base of every driver error. */
export abstract class HypervisorError extends VizorError {
  readonly platform: PlatformKind;
  readonly platformCode: string | undefined;
  readonly platformMessage: string | undefined;
  /** True when retrying the same call may succeed (busy, network, 5xx). */
  readonly transient: boolean = false;

  constructor(message: string, failure: PlatformFailure) {
    super(message, failure.cause === undefined ? undefined : { cause: failure.cause });
    this.platform = failure.platform;
    this.platformCode = failure.platformCode;
    this.platformMessage = failure.platformMessage;
  }
}

/** Credentials refused or session expired beyond re-login. */
export class HvAuthError extends HypervisorError {
  readonly code = 'HV_AUTH' as const;
}
/** A VM, template, network, ISO ... does not exist. */
export class HvNotFoundError extends HypervisorError {
  readonly code = 'HV_NOT_FOUND' as const;
}
/** The object is in the wrong state for the call (running VM, locked image). */
export class HvStateError extends HypervisorError {
  readonly code = 'HV_STATE' as const;
}
/** The platform is busy or unreachable; retried with backoff before surfacing. */
export class HvTransientError extends HypervisorError {
  readonly code = 'HV_TRANSIENT' as const;
  override readonly transient = true;
}
/** An async job or task ended in failure. */
export class HvJobFailedError extends HypervisorError {
  readonly code = 'HV_JOB_FAILED' as const;
}
/** Waiting for a state or a job took longer than allowed. */
export class HvTimeoutError extends HypervisorError {
  readonly code = 'HV_TIMEOUT' as const;
}
/** The platform cannot do this (e.g. floppy payloads on CloudStack). */
export class HvUnsupportedError extends HypervisorError {
  readonly code = 'HV_UNSUPPORTED' as const;
}
/** The platform refused the request as invalid (bad parameter, constraint violation). */
export class HvRequestError extends HypervisorError {
  readonly code = 'HV_REQUEST' as const;
}
/** Driver configuration is wrong (no URL, bad bridge, missing firmware file). */
export class HvConfigError extends HypervisorError {
  readonly code = 'HV_CONFIG' as const;
}
