import { openApiDocument } from '../openapi.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { jsonObject } from '../schemas/common.js';

/** `/api/openapi.json`: the document, generated from the same route table (public). */
export const metaRoutes: RouteGroup = {
  tag: 'meta',
  description: 'This API’s own description.',
  routes: [
    defineRoute({
      id: 'getOpenApi', method: 'get', path: '/api/openapi.json', summary: 'The OpenAPI 3.1 document of this API', scope: 'public',
      response: jsonObject,
      handler: ({ ctx }) => openApiDocument(ctx.routeGroups),
    }),
  ],
};
