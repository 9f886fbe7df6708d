import { VizorError } from '../errors.js';

/** No usable API token: missing, malformed, unknown, revoked or expired (one message for all, no oracle). */
export class UnauthorizedError extends VizorError {
  readonly code = 'UNAUTHORIZED' as const;
  constructor() {
    super('missing or invalid API token: send Authorization: Bearer <token> (create one with vizor token create)');
  }
}

/** The token is valid but its scope does not allow the call. */
export class ForbiddenError extends VizorError {
  readonly code = 'FORBIDDEN' as const;
  constructor(scope: string, needed: string) {
    super(`this token has scope ${scope}; the call needs scope ${needed}`);
  }
}

/** One field that failed validation, with why. */
export interface FieldIssue {
  readonly in: 'path' | 'query' | 'body';
  readonly field: string;
  readonly message: string;
}

/** A request's parameters or body failed validation; `field` names the first bad one. */
export class ValidationError extends VizorError {
  readonly code = 'VALIDATION' as const;
  readonly field: string;
  constructor(readonly issues: readonly FieldIssue[]) {
    const first = issues[0] ?? { in: 'body', field: '(body)', message: 'invalid' };
    super(issues.map((i) => `${i.in === 'body' ? '' : `${i.in} `}${i.field}: ${i.message}`).join('; '));
    this.field = first.field;
  }

  /** A single-field validation error. */
  static of(where: FieldIssue['in'], field: string, message: string): ValidationError {
    return new ValidationError([{ in: where, field, message }]);
  }
}

/** The request body is not well-formed JSON. */
export class BadJsonError extends VizorError {
  readonly code = 'BAD_JSON' as const;
}

/** The request body exceeds the size limit. */
export class BodyTooLargeError extends VizorError {
  readonly code = 'BODY_TOO_LARGE' as const;
}

/** A body was sent with a content type other than application/json. */
export class UnsupportedMediaTypeError extends VizorError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE' as const;
}

/** No endpoint at that path. */
export class NoRouteError extends VizorError {
  readonly code = 'NOT_FOUND' as const;
  constructor(method: string, path: string) {
    super(`no such endpoint: ${method} ${path}`);
  }
}

/** The path exists but not with that method. */
export class MethodNotAllowedError extends VizorError {
  readonly code = 'METHOD_NOT_ALLOWED' as const;
  constructor(method: string, readonly allowed: readonly string[]) {
    super(`${method} is not allowed here; use ${allowed.join(', ')}`);
  }
}

/** A catalog scan is already running in this vizor. */
export class ScanRunningError extends VizorError {
  readonly code = 'SCAN_RUNNING' as const;
  constructor(runId: number) {
    super(`catalog scan ${runId} is still running; follow it at /api/v1/catalog/scans/${runId}`);
  }
}

/** Something the call needs is missing on the vizor host (wimboot for Windows installs ...). */
export class PreconditionError extends VizorError {
  readonly code = 'PRECONDITION' as const;
}

/** A handler returned something its declared response schema does not describe (a bug in vizor). */
export class ResponseSchemaError extends VizorError {
  readonly code = 'API_RESPONSE' as const;
}

/**
 * HTTP status of every error code the API knows. Anything not listed is a 500; errors that
 * are not VizorErrors become a generic 500 and are logged (their text may say too much).
 */
export const HTTP_STATUS: Readonly<Record<string, number>> = {
  VALIDATION: 400,
  BAD_JSON: 400,
  CLI_USAGE: 400,
  SOURCE_URL: 400,
  BUILD_INVALID: 400,
  ROOM_CONFIG_INVALID: 400,
  ROOM_EXPRESSION: 400,
  ROOM_CONFIRM: 400,
  ROOM_SECRET: 400,
  ROOM_TEMPLATE: 400,
  ROOM_NOT_FOUND: 404,
  ROOM_LOCKED: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  MEDIA_NOT_FOUND: 404,
  // The platform says the VM or template does not exist: the resource asked for is absent.
  HV_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  ALREADY_EXISTS: 409,
  BUILD_STATE: 409,
  HV_STATE: 409,
  SCAN_RUNNING: 409,
  PRECONDITION: 409,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MEDIA_CORRUPT: 422,
  MEDIA_UNSUPPORTED: 422,
  MEDIA_LIMIT: 422,
  MEDIA_NO_FILESYSTEM: 422,
  HV_AUTH: 502,
  HV_CONFIG: 502,
  HV_TRANSIENT: 502,
  HV_JOB_FAILED: 502,
  HV_TIMEOUT: 502,
  HV_UNSUPPORTED: 502,
  HV_REQUEST: 502,
  SOURCE_UNAVAILABLE: 502,
  MEDIA_IO: 502,
  CONFIG_INVALID: 500,
  CONFIG_FILE: 500,
  SECRET_KEY: 500,
  SECRET_DECRYPT: 500,
  STORE_CORRUPT: 500,
  STORE_OPEN: 500,
  STORE_TOO_NEW: 500,
};

/** The JSON error body every failing API call returns. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string; readonly issues?: readonly FieldIssue[] };
}

/**
 * Translates any thrown value into status, body and headers: the one place errors become
 * HTTP. `logged` is true when the caller must log the error (a 5xx: a bug or a broken host).
 */
export function translateError(err: unknown): { status: number; body: ApiErrorBody; headers: Record<string, string>; logged: boolean } {
  if (!(err instanceof VizorError)) {
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error (logged on the vizor host)' } }, headers: {}, logged: true };
  }
  const status = HTTP_STATUS[err.code] ?? 500;
  const headers: Record<string, string> = {};
  if (err instanceof UnauthorizedError) headers['WWW-Authenticate'] = 'Bearer realm="vizor"';
  if (err instanceof MethodNotAllowedError) headers.Allow = err.allowed.join(', ');
  const extra = err instanceof ValidationError ? { field: err.field, issues: err.issues } : {};
  return { status, body: { error: { code: err.code, message: err.message, ...extra } }, headers, logged: status >= 500 };
}
