import {
  HvAuthError,
  HvConfigError,
  HvJobFailedError,
  HvNotFoundError,
  HvRequestError,
  HvStateError,
  HvTransientError,
  HvUnsupportedError,
  HypervisorError,
  type PlatformFailure,
} from '../errors.js';

type HvErrorClass = new (message: string, failure: PlatformFailure) => HypervisorError;

/** XAPI error codes (the first element of ErrorDescription) and the driver error each becomes. */
export const XAPI_ERROR_CLASSES: Readonly<Record<string, HvErrorClass>> = {
  SESSION_AUTHENTICATION_FAILED: HvAuthError,
  SESSION_INVALID: HvAuthError,
  RBAC_PERMISSION_DENIED: HvAuthError,
  HANDLE_INVALID: HvNotFoundError,
  UUID_INVALID: HvNotFoundError,
  VM_BAD_POWER_STATE: HvStateError,
  VM_IS_TEMPLATE: HvStateError,
  VM_MISSING_PV_DRIVERS: HvStateError,
  VBD_NOT_EMPTY: HvStateError,
  VBD_IS_EMPTY: HvStateError,
  VDI_IN_USE: HvStateError,
  DEVICE_ALREADY_ATTACHED: HvStateError,
  OPERATION_NOT_ALLOWED: HvStateError,
  VM_CANNOT_DELETE_DEFAULT_TEMPLATE: HvStateError,
  OTHER_OPERATION_IN_PROGRESS: HvTransientError,
  HOST_STILL_BOOTING: HvTransientError,
  TOO_BUSY: HvTransientError,
  MESSAGE_METHOD_UNKNOWN: HvUnsupportedError,
  SR_OPERATION_NOT_SUPPORTED: HvUnsupportedError,
};

/** Network failures worth retrying (the host restarted its toolstack, a proxy dropped us...). */
const TRANSIENT_NET = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Failures that mean the driver configuration is wrong, with what to change. */
const CONFIG_NET: Readonly<Record<string, string>> = {
  ENOTFOUND: 'the host name in the URL does not resolve',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the host has a self-signed certificate (set allowUnauthorized to accept it)',
  SELF_SIGNED_CERT_IN_CHAIN: 'the host certificate chain is self-signed (set allowUnauthorized to accept it)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the host certificate cannot be verified (set allowUnauthorized to accept it)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the host certificate does not name this host (set allowUnauthorized to accept it)',
  CERT_HAS_EXPIRED: 'the host certificate has expired',
};

/** Network-level codes that mean "retrying may succeed". */
export const isTransientNetworkCode = (code: string | undefined): boolean => code !== undefined && TRANSIENT_NET.has(code);

/** Of those, the ones where the request may have reached the host (the connection broke mid-call). */
const AMBIGUOUS_NET = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** True when a failed call may still have run on the host. */
export const isAmbiguousNetworkCode = (code: string | undefined): boolean => code !== undefined && AMBIGUOUS_NET.has(code);

/** Where the failure came from: a direct call, or the task of an Async call. */
export interface FailureSite {
  readonly method: string;
  readonly fromTask: boolean;
}

const errCode = (err: unknown): string | undefined => {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
};

/** True for the XapiError shape the client throws (code + params array). */
function isXapiError(err: unknown): err is { code: string; params: readonly unknown[]; task?: unknown } {
  const e = err as { code?: unknown; params?: unknown } | null;
  return typeof e?.code === 'string' && Array.isArray(e.params);
}

/**
 * Turns whatever the xen-api client threw into the driver's typed error, keeping XAPI's
 * code as platformCode and its params as platformMessage. Session refs are never kept
 * (they are bearer credentials), so SESSION_INVALID carries neither params nor cause.
 */
export function mapXapiError(err: unknown, site: FailureSite): HypervisorError {
  if (err instanceof HypervisorError) return err;
  const where = `xenserver: ${site.method}`;
  if (isXapiError(err)) {
    const code = err.code;
    const secret = code === 'SESSION_INVALID';
    const params = secret ? '' : err.params.map(String).join(', ');
    const failure: PlatformFailure = { platform: 'xenserver', platformCode: code, platformMessage: params, ...(secret ? {} : { cause: err }) };
    const cls = XAPI_ERROR_CLASSES[code] ?? (site.fromTask || err.task !== undefined ? HvJobFailedError : HvRequestError);
    const text = params ? `${code}(${params})` : code;
    const what = cls === HvJobFailedError ? 'task failed' : 'failed';
    return new cls(`${where} ${what}: ${text}`, failure);
  }
  const code = errCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const failure: PlatformFailure = { platform: 'xenserver', platformCode: code, platformMessage: message, cause: err };
  if (isTransientNetworkCode(code)) return new HvTransientError(`${where} failed: ${code}: ${message}`, failure);
  // xen-api asserts it has a session while it is still logging in again after
  // SESSION_INVALID: the call is safe to repeat a moment later.
  if (code === 'ERR_ASSERTION') return new HvTransientError(`${where} failed: the client was renewing its session`, failure);
  if (code !== undefined && CONFIG_NET[code]) return new HvConfigError(`${where} failed: ${CONFIG_NET[code]} (${code})`, failure);
  if (site.fromTask) return new HvJobFailedError(`${where} task failed: ${message}`, failure);
  return new HvRequestError(`${where} failed: ${message}`, failure);
}

/** XAPI's VM_BAD_POWER_STATE(vm, expected, actual): the actual state, lower case, if that is the error. */
export function badPowerStateActual(err: unknown): string | undefined {
  if (!(err instanceof HypervisorError) || err.platformCode !== 'VM_BAD_POWER_STATE') return undefined;
  const cause = err.cause as { params?: readonly unknown[] } | undefined;
  const actual = cause?.params?.[2];
  return typeof actual === 'string' ? actual.toLowerCase() : undefined;
}

/** True when `err` is a XAPI error with one of `codes`. */
export const hasXapiCode = (err: unknown, ...codes: string[]): boolean =>
  err instanceof HypervisorError && err.platformCode !== undefined && codes.includes(err.platformCode);
