import { z } from 'zod';

/** An ISO 8601 timestamp as the store writes it. */
export const timestamp = z.string().meta({ format: 'date-time' });

/** A free-form JSON object (task details, event details, platform facts). */
export const jsonObject = z.record(z.string(), z.unknown());

/** Names of sources, hypervisors, profiles, tokens: letters, digits, `.`, `_`, `-`. */
export const resourceName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/i, "use letters, digits, '.', '_' or '-' (up to 63), starting with a letter or digit");

/** A path parameter holding one name or reference. */
export const nameParam = z.object({ name: z.string().min(1) });

/** `key: value` pairs of strings (template values, placement). */
export const stringMap = z.record(z.string(), z.string());

/** A query flag: `true`/`1` or `false`/`0`. */
export const queryFlag = z.enum(['true', 'false', '1', '0']).optional();

/** True when a query flag was set. */
export const flagOn = (v: string | undefined): boolean => v === 'true' || v === '1';

/** Incremental polling: `after` is the last event id seen; `limit` caps the answer. */
export const pollQuery = z.object({
  after: z.coerce.number().int().min(0).optional().meta({ description: 'return only events with a larger id' }),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** The body of every error answer. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'stable error code (NOT_FOUND, VALIDATION, HV_AUTH ...)' }),
      message: z.string(),
      field: z.string().optional().meta({ description: 'VALIDATION: the first invalid field' }),
      issues: z.array(z.object({ in: z.enum(['path', 'query', 'body']), field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** `{removed: name}` style acknowledgements are 204s; actions answer with what they did. */
export const actionResult = z.object({ id: z.string(), done: z.string() }).meta({ id: 'ActionResult' });

/**
 * Removes answer tokens (the secret part of a node's answer and callback URLs) from task
 * objects and event details before they leave the API, at any depth.
 */
export function withoutTokens<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutTokens) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'token') out[k] = withoutTokens(v);
    return out as T;
  }
  return value;
}
