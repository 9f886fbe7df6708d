import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import type { Logger } from '../log/index.js';
import { authorise } from './auth.js';
import { createContext, type ApiContext, type ApiDeps } from './context.js';
import {
  BadJsonError, BodyTooLargeError, MethodNotAllowedError, NoRouteError, ResponseSchemaError, translateError, UnsupportedMediaTypeError,
  ValidationError, type FieldIssue,
} from './errors.js';
import type { ApiRoute, RouteGroup } from './route.js';
import type { TokenInfo } from './tokens-store.js';

/** Validates one part of a request; every issue names its field. */
function validate(schema: z.ZodType | undefined, value: unknown, where: FieldIssue['in']): unknown {
  if (!schema) return where === 'body' ? undefined : {};
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new ValidationError(r.error.issues.map((i) => {
    const path = i.path.map(String);
    // A strict object names the stray keys in the issue, not in its path.
    if (i.code === 'unrecognized_keys') return { in: where, field: [...path, i.keys[0] ?? ''].join('.'), message: 'unknown field' };
    return { in: where, field: path.join('.') || (where === 'body' ? '(body)' : '(query)'), message: i.message };
  }));
}

/** In tests: a success body must be exactly what its schema describes (no extra keys, no missing ones). */
function checkResponse(r: ApiRoute, result: unknown): void {
  const plain: unknown = JSON.parse(JSON.stringify(result ?? null));
  const parsed = r.response!.safeParse(plain);
  if (!parsed.success) throw new ResponseSchemaError(`${r.id}: response does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(parsed.data)), plain)) throw new ResponseSchemaError(`${r.id}: response has fields its schema does not declare`);
}

const hasBody = (req: Request) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** Authorises before the body is even parsed: without a token, nothing else is answered. */
function guard(r: ApiRoute, ctx: ApiContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.locals.token = authorise(req, r.scope, ctx.tokens);
    next();
  };
}

function handle(r: ApiRoute, ctx: ApiContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const token = (res.locals.token ?? null) as TokenInfo | null;
    if (r.body && req.body === undefined && hasBody(req)) throw new UnsupportedMediaTypeError('send the request body as application/json');
    const params = validate(r.params, req.params, 'path');
    const query = validate(r.query, req.query, 'query');
    const body = r.body ? validate(r.body, req.body ?? {}, 'body') : undefined;
    const result = await r.handler({ params, query, body, ctx, token });
    if (!r.response) {
      res.status(204).end();
      return;
    }
    if (ctx.responseCheck === 'throw') checkResponse(r, result);
    if (r.location) res.location(r.location(result));
    res.status(r.status ?? 200).json(result);
  };
}

/** body-parser failures as the API's own errors. */
function bodyParserError(err: unknown): unknown {
  const type = (err as { type?: unknown }).type;
  if (type === 'entity.too.large') return new BodyTooLargeError('the request body is too large');
  if (type === 'entity.parse.failed') return new BadJsonError('the request body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return new UnsupportedMediaTypeError('send the request body as UTF-8 JSON');
  return err;
}

/** The one place errors become HTTP answers: status from the code table, `{error: {code, message}}`. */
function errorBoundary(log: Logger) {
  return (raw: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const err = bodyParserError(raw);
    const t = translateError(err);
    // Method and path only: headers (Authorization) and bodies (passwords) are never logged.
    if (t.logged) log.error({ err, method: req.method, path: req.path }, 'API request failed');
    if (res.headersSent) return;
    res.status(t.status).set(t.headers).json(t.body);
  };
}

/** Builds the express router for a route table (see index.ts `apiRouter`). */
export function createApiRouter(deps: ApiDeps, groups: readonly RouteGroup[]): Router {
  const ctx = createContext(deps, groups);
  const router = express.Router();
  const json = express.json({ limit: deps.bodyLimit ?? '256kb' });
  router.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  const methods = new Map<string, string[]>();
  for (const g of groups) {
    for (const r of g.routes) {
      router[r.method](r.path, guard(r, ctx), json, handle(r, ctx));
      methods.set(r.path, [...(methods.get(r.path) ?? []), r.method.toUpperCase()]);
    }
  }
  for (const [path, allowed] of methods) {
    router.all(path, (req) => {
      throw new MethodNotAllowedError(req.method, allowed);
    });
  }
  // Unknown endpoints under /api/v1 need a token too: paths are not enumerable without one.
  router.use('/api/v1', (req) => {
    authorise(req, 'read', ctx.tokens);
    throw new NoRouteError(req.method, req.originalUrl.split('?')[0]!);
  });
  router.use('/api', (req) => {
    throw new NoRouteError(req.method, req.originalUrl.split('?')[0]!);
  });
  router.use(errorBoundary(deps.log));
  return router;
}
