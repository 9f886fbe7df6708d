import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { openApiPath, type ApiRoute, type RouteGroup } from './route.js';
import { errorBody } from './schemas/common.js';

type Json = Record<string, unknown>;

/** The API's version, as the document states it (the path carries the major: /api/v1). */
export const API_VERSION = '1.0.0';

/** JSON Schemas of the document's components; zod `$defs` are hoisted here under their ids. */
class Components {
  readonly schemas: Record<string, Json> = {};

  /** The JSON Schema of `schema` (request bodies and parameters as input, responses as output). */
  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const json = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, Json>;
    delete json.$defs;
    const names = new Map<string, string>();
    for (const name of Object.keys(defs)) {
      // A schema registered once may convert differently as input (defaults make fields optional).
      const taken = this.schemas[name] && !isDeepStrictEqual(this.schemas[name], rewrite(defs[name], new Map()));
      names.set(name, taken ? `${name}Input` : name);
    }
    for (const [name, def] of Object.entries(defs)) this.schemas[names.get(name)!] = rewrite(def, names) as Json;
    return rewrite(json, names) as Json;
  }
}

/** Points `#/$defs/X` references at the components, renamed where needed. */
function rewrite(v: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => rewrite(x, names));
  if (!v || typeof v !== 'object') return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string' && x.startsWith('#/$defs/')) {
      const name = x.slice('#/$defs/'.length);
      out[k] = `#/components/schemas/${names.get(name) ?? name}`;
    } else out[k] = rewrite(x, names);
  }
  return out;
}

/** Path and query parameters from a route's z.object schemas. */
function parameters(r: ApiRoute, c: Components): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
    if (!schema) continue;
    const obj = c.convert(schema, 'input');
    const required = new Set((obj.required ?? []) as string[]);
    for (const [name, s] of Object.entries((obj.properties ?? {}) as Record<string, Json>)) {
      const { description, ...rest } = s;
      out.push({ name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest });
    }
  }
  return out;
}

const errorRef = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function responses(r: ApiRoute, c: Components): Json {
  const status = String(r.status ?? (r.response ? 200 : 204));
  const out: Json = {
    [status]: r.response ? { description: r.summary, content: { 'application/json': { schema: c.convert(r.response, 'output') } } } : { description: 'done (no content)' },
  };
  if (r.params || r.query || r.body) out['400'] = errorRef('invalid parameters or body (error.field names the first bad field)');
  if (r.scope !== 'public') out['401'] = errorRef('no token, or an unknown, revoked or expired one');
  if (r.scope === 'admin') out['403'] = errorRef('the token has read scope only');
  if (r.params) out['404'] = errorRef('no such resource');
  out.default = errorRef('any other error, with its stable code');
  return out;
}

function operation(r: ApiRoute, tag: string, c: Components): Json {
  const params = parameters(r, c);
  return {
    operationId: r.id,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [tag],
    ...(r.scope === 'public' ? { security: [] } : {}),
    'x-vizor-scope': r.scope,
    ...(params.length ? { parameters: params } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: c.convert(r.body, 'input') } } } } : {}),
    responses: responses(r, c),
  };
}

/**
 * The OpenAPI 3.1 document of a route table. It is made from the very schemas the router
 * validates with, so the two cannot drift apart.
 */
export function openApiDocument(groups: readonly RouteGroup[]): Json {
  const c = new Components();
  c.convert(errorBody, 'output');
  const paths: Record<string, Json> = {};
  for (const g of groups) {
    for (const r of g.routes) (paths[openApiPath(r.path)] ??= {})[r.method] = operation(r, g.tag, c);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'vizor API',
      version: API_VERSION,
      description: 'Everything the vizor CLI does, over HTTP. Send Authorization: Bearer <token> (vizor token create). Errors are {error: {code, message}}.',
    },
    tags: groups.map((g) => ({ name: g.tag, description: g.description })),
    paths,
    components: {
      schemas: c.schemas,
      securitySchemes: { token: { type: 'http', scheme: 'bearer', bearerFormat: 'vzt_<base64url>', description: 'an API token from vizor token create' } },
    },
    security: [{ token: [] }],
  };
}
