/**
 * Maps CloudStack failures to vizor's hypervisor errors. CloudStack answers errors with an
 * HTTP status equal to `errorcode` (ApiErrorCode: 401, 429, 430, 431, 432, 530–537) and an
 * ExceptionResponse `{errorcode, cserrorcode, errortext}`; async jobs fail with
 * `jobstatus: 2`, `jobresultcode: 530` and `jobresult: {errorcode, errortext}`.
 */
import {
  HvAuthError, HvJobFailedError, HvNotFoundError, HvRequestError, HvTransientError, type HypervisorError,
} from '../errors.js';

/** The error fields CloudStack sends back. */
export interface CsFailure {
  readonly errorcode?: number;
  readonly cserrorcode?: number;
  readonly errortext?: string;
}

// "Unable to find ..." from the services; ParamProcessWorker's "entity does not exist" for unknown UUIDs
const NOT_FOUND = /unable to find|entity does not exist|does not exist|could not be found|not found/i;
// Nothing happened: another operation holds the VM (VM work job queue, locks)
const BUSY = /ConcurrentOperationException|another operation is in progress|unable to acquire lock|there is other active|in transition state/i;

/** True when CloudStack's text says the object does not exist. */
export const isNotFoundText = (text: string | undefined): boolean => NOT_FOUND.test(text ?? '');

/** True when CloudStack's text says the object was busy and nothing was done. */
export const isBusyText = (text: string | undefined): boolean => BUSY.test(text ?? '');

/** The platformCode vizor keeps: `errorcode`, or `errorcode/cserrorcode` when CloudStack sent one. */
export function platformCode(f: CsFailure, status?: number): string {
  const code = f.errorcode ?? status;
  return f.cserrorcode !== undefined ? `${code}/${f.cserrorcode}` : String(code ?? 'unknown');
}

/** Maps a failed API call (HTTP status + ExceptionResponse) to an error. */
export function apiError(command: string, status: number, f: CsFailure): HypervisorError {
  const text = f.errortext ?? `HTTP ${status}`;
  const failure = { platform: 'cloudstack' as const, platformCode: platformCode(f, status), platformMessage: text };
  const message = `cloudstack ${command}: ${text} (HTTP ${status})`;
  if (status === 401) return new HvAuthError(`cloudstack ${command}: the API key or request signature was refused (HTTP 401): ${text}`, failure);
  if (status === 531) return new HvAuthError(message, failure);
  if (status === 429 || status === 502 || status === 503 || status === 504) return new HvTransientError(message, failure);
  if (isBusyText(text)) return new HvTransientError(message, failure);
  if (isNotFoundText(text)) return new HvNotFoundError(message, failure);
  return new HvRequestError(message, failure);
}

/** Maps a failed async job. A busy failure is transient (the command can be sent again). */
export function jobError(command: string, jobId: string, resultCode: number | undefined, f: CsFailure): HypervisorError {
  const text = f.errortext ?? 'no reason given';
  const failure = { platform: 'cloudstack' as const, platformCode: platformCode({ ...f, errorcode: f.errorcode ?? resultCode }), platformMessage: text };
  const message = `cloudstack ${command}: job ${jobId} failed: ${text}`;
  if (isBusyText(text)) return new HvTransientError(message, failure);
  return new HvJobFailedError(message, failure);
}

/** Network failures that prove the request never reached the server (safe to send again). */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Maps a transport failure; `sent` tells whether the server may have acted on the request. */
export function transportError(command: string, endpoint: string, err: unknown): { error: HypervisorError; maybeSent: boolean } {
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code ?? (err as Error).name;
  const error = new HvTransientError(`cloudstack ${command}: cannot reach ${endpoint}: ${code}`, {
    platform: 'cloudstack', platformCode: code, platformMessage: (err as Error).message, cause: err,
  });
  return { error, maybeSent: !NEVER_SENT.has(code) };
}
