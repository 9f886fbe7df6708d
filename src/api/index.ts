import type { Router } from 'express';
import type { ApiDeps } from './context.js';
import { openApiDocument as documentOf } from './openapi.js';
import type { RouteGroup } from './route.js';
import { createApiRouter } from './router.js';
import { API_ROUTE_GROUPS } from './routes/index.js';

export type { ApiDeps, ApiContext } from './context.js';
export { ScanJobs, type ScanProgress, type ScanJobsOptions } from './scans.js';
export { TokenStore, TOKEN_NAME, type TokenInfo, type TokenScope } from './tokens-store.js';
export { HTTP_STATUS, translateError, type ApiErrorBody } from './errors.js';
export { defineRoute, openApiPath, type ApiRoute, type RouteGroup, type RouteScope } from './route.js';
export { API_ROUTE_GROUPS } from './routes/index.js';
export { API_VERSION } from './openapi.js';
export type * from './views.js';

/**
 * The REST API under /api/v1 (token-authenticated) plus the public /api/openapi.json. Mount
 * it on the HTTP app like the boot and media routers; `groups` defaults to every resource.
 */
export function apiRouter(deps: ApiDeps, groups: readonly RouteGroup[] = API_ROUTE_GROUPS): Router {
  return createApiRouter(deps, groups);
}

/** The OpenAPI 3.1 document of the API, made from the same route table the router serves. */
export function openApiDocument(groups: readonly RouteGroup[] = API_ROUTE_GROUPS): Record<string, unknown> {
  return documentOf(groups);
}
