import type { z } from 'zod';
import type { ApiContext } from './context.js';
import type { TokenInfo } from './tokens-store.js';

/** Who may call a route: anyone, any valid token, or an admin-scope token. */
export type RouteScope = 'public' | 'read' | 'admin';

/** HTTP methods the API uses. */
export type RouteMethod = 'get' | 'post' | 'put' | 'delete';

/** What a handler receives: validated input, the shared context and the caller's token. */
export interface HandlerInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly ctx: ApiContext;
  /** The token that authorised the call (null on public routes). */
  readonly token: TokenInfo | null;
}

/** A route as written in a resource module; its schemas type the handler. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  /** Unique operation id (the OpenAPI operationId). */
  readonly id: string;
  readonly method: RouteMethod;
  /** Express-style absolute path: `/api/v1/sources/:name`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly scope: RouteScope;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  /** The success body; absent means 204 No Content. */
  readonly response?: R;
  /** Success status; default 200 (201 for creates is set here). */
  readonly status?: 200 | 201 | 202 | 204;
  /** A Location header for 201/202 answers, from the result. */
  readonly location?: (result: z.output<R>) => string;
  readonly handler: (input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<z.input<R>> | z.input<R>;
}

/** A route with its types erased: what the router and the OpenAPI generator walk over. */
export interface ApiRoute {
  readonly id: string;
  readonly method: RouteMethod;
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly scope: RouteScope;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  readonly response?: z.ZodType;
  readonly status?: 200 | 201 | 202 | 204;
  readonly location?: (result: unknown) => string;
  readonly handler: (input: HandlerInput<unknown, unknown, unknown>) => unknown;
}

/** One resource's routes, tagged for the document; rooms and others mount the same way. */
export interface RouteGroup {
  readonly tag: string;
  readonly description: string;
  readonly routes: readonly ApiRoute[];
}

/** Declares a route; the schemas type its handler, then the types are erased for the table. */
export function defineRoute<P extends z.ZodType = z.ZodType<Record<string, never>>, Q extends z.ZodType = z.ZodType<Record<string, never>>, B extends z.ZodType = z.ZodType<undefined>, R extends z.ZodType = z.ZodType<void>>(
  spec: RouteSpec<P, Q, B, R>,
): ApiRoute {
  return spec as unknown as ApiRoute;
}

/** The OpenAPI spelling of an express path: `/sources/:name` → `/sources/{name}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}
