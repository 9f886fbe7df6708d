import { z } from 'zod';
import { defineRoute, type RouteGroup } from '../route.js';
import { nameParam } from '../schemas/common.js';
import { sourceCreate, sourceDetail, sourceTest, sourceView, toSourceView } from '../schemas/catalog.js';

/** `/api/v1/sources`: what `vizor source` does. */
export const sourceRoutes: RouteGroup = {
  tag: 'sources',
  description: 'Places vizor reads ISOs from: local folders, SMB shares, NFS exports.',
  routes: [
    defineRoute({
      id: 'listSources', method: 'get', path: '/api/v1/sources', summary: 'List sources', scope: 'read',
      response: z.array(sourceView),
      handler: ({ ctx }) => ctx.store.sources.list().map(toSourceView),
    }),
    defineRoute({
      id: 'addSource', method: 'post', path: '/api/v1/sources', summary: 'Add a source (its password is stored encrypted)', scope: 'admin',
      body: sourceCreate, response: sourceView, status: 201,
      location: (s) => `/api/v1/sources/${encodeURIComponent(s.name)}`,
      handler: ({ ctx, body }) => toSourceView(ctx.sources.add(body.name, body.url, body.password ?? null)),
    }),
    defineRoute({
      id: 'getSource', method: 'get', path: '/api/v1/sources/:name', summary: 'Show a source and how many ISOs are cataloged from it', scope: 'read',
      params: nameParam, response: sourceDetail,
      handler: ({ ctx, params }) => {
        const row = ctx.store.sources.get(params.name);
        const isos = ctx.store.query.listIsos({ source: row.name, includeMissing: true });
        return { ...toSourceView(row), isos: isos.length, missing: isos.filter((i) => i.missing).length };
      },
    }),
    defineRoute({
      id: 'testSource', method: 'post', path: '/api/v1/sources/:name/test', summary: 'Connect to a source and count its ISOs', scope: 'admin',
      params: nameParam, response: sourceTest,
      handler: ({ ctx, params }) => ctx.sources.test(params.name),
    }),
    defineRoute({
      id: 'removeSource', method: 'delete', path: '/api/v1/sources/:name', summary: 'Remove a source, its catalog entries and its stored password', scope: 'admin',
      params: nameParam, status: 204,
      handler: ({ ctx, params }) => ctx.sources.remove(params.name),
    }),
  ],
};
