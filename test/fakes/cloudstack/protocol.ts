// Wire conventions of the CloudStack API the fake reproduces: the `<command>response`
// wrapper, omitted empty fields and lists, ExceptionResponse bodies, map parameters, and
// ParamProcessWorker's errors for missing and unknown parameters.

/** An error answered as CloudStack's ExceptionResponse with HTTP status = errorcode. */
export class CsApiError extends Error {
  constructor(
    readonly errorcode: number,
    readonly errortext: string,
    /** CSExceptionErrorCode: 4350 InvalidParameterValueException, 9999 a bare ServerApiException; undefined omits it. */
    readonly cserrorcode?: number,
  ) {
    super(errortext);
  }
}

/** ApiErrorCode values the fake uses. */
export const ApiErrorCode = { Unauthorized: 401, ApiLimitExceeded: 429, MalformedParameter: 430, ParamError: 431, Internal: 530 } as const;

/** The text ApiServlet answers a failed signature check with. */
export const UNAUTHORIZED_TEXT = 'unable to verify user credentials and/or request signature';

/** The JSON top key of a command's response: lower-case command name + "response". */
export const responseName = (command: string): string => `${command.toLowerCase()}response`;

/** Drops what CloudStack's JSON serializer leaves out: undefined/null fields and empty lists. */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v) && v.length === 0) continue;
      out[k] = compact(v);
    }
    return out;
  }
  return value;
}

/** A list response: `{count, <key>: [...]}`, or `{}` when empty (CloudStack omits both). */
export function listBody(key: string, items: readonly unknown[]): Record<string, unknown> {
  return items.length === 0 ? {} : { count: items.length, [key]: items };
}

/** The ExceptionResponse body for an error (its uuidList is sent even when empty). */
export function errorBody(name: string, errorcode: number, errortext: string, cserrorcode?: number): Record<string, unknown> {
  return { [name]: { uuidList: [], errorcode, ...(cserrorcode === undefined ? {} : { cserrorcode }), errortext } };
}

/** Parameters of one request, by name (the first value of each, as verifyRequest reads them). */
export type Params = ReadonlyMap<string, string>;

/** The command's name without its "Cmd", as ParamProcessWorker names it in messages. */
const cmdLabel = (command: string): string => command.toLowerCase();

/** Throws 431 "due to missing parameter" for the first required parameter that is absent. */
export function requireParams(command: string, params: Params, names: readonly string[]): void {
  for (const name of names) {
    if (!params.has(name) && ![...params.keys()].some((k) => k.toLowerCase() === name || k.toLowerCase().startsWith(`${name}[`))) {
      throw new CsApiError(ApiErrorCode.ParamError, `Unable to execute API command ${cmdLabel(command)} due to missing parameter ${name}`, 9999);
    }
  }
}

/** A parameter by its lower-case name, matched case-insensitively as CloudStack's dispatcher does. */
export function param(params: Params, name: string): string | undefined {
  if (params.has(name)) return params.get(name);
  for (const [k, v] of params) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** A boolean parameter (CloudStack's Boolean.valueOf: only "true", any case, is true). */
export function flag(params: Params, name: string, dflt = false): boolean {
  const v = param(params, name);
  return v === undefined ? dflt : v.toLowerCase() === 'true';
}

/**
 * Looks up an entity by a UUID parameter; an unknown value gets ParamProcessWorker's
 * "entity does not exist" 431 (cserrorcode 9999, as real servers answer it).
 */
export function entity<T>(command: string, params: Params, name: string, lookup: (id: string) => T | undefined): T {
  const id = param(params, name);
  if (id === undefined) requireParams(command, params, [name]);
  const found = lookup(id!);
  if (found === undefined) {
    throw new CsApiError(
      ApiErrorCode.ParamError,
      `Unable to execute API command ${cmdLabel(command)} due to invalid value. Invalid parameter ${name} value=${id} due to incorrect long value format, or entity does not exist or due to incorrect parameter annotation for the field in api cmd class.`,
      9999,
    );
  }
  return found;
}

/** Reads a map parameter such as `tags[0].key=a&tags[0].value=b` into index-ordered records. */
export function mapParam(params: Params, name: string): Record<string, string>[] {
  const rows = new Map<number, Record<string, string>>();
  const re = new RegExp(`^${name}\\[(\\d+)\\]\\.(.+)$`, 'i');
  for (const [k, v] of params) {
    const m = re.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    const row = rows.get(i) ?? {};
    row[m[2]!] = v;
    rows.set(i, row);
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/** An InvalidParameterValueException answered as 431 with cserrorcode 4350. */
export const invalid = (text: string): CsApiError => new CsApiError(ApiErrorCode.ParamError, text, 4350);
