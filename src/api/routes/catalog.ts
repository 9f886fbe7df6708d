import { z } from 'zod';
import { NotFoundError, type CatalogFilter } from '../../store/index.js';
import { ValidationError } from '../errors.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { flagOn } from '../schemas/common.js';
import { catalogQuery, editionMatch, isoDetail, isoSummary, scanCreate, scanView } from '../schemas/catalog.js';

const toFilter = (q: z.output<typeof catalogQuery>): CatalogFilter => ({
  source: q.source, kind: q.kind, editionId: q.editionId, arch: q.arch, language: q.language, build: q.build, name: q.name, includeMissing: flagOn(q.includeMissing),
});

/** `/api/v1/catalog`: what `vizor catalog` does; scans run in the background. */
export const catalogRoutes: RouteGroup = {
  tag: 'catalog',
  description: 'Install media found on the sources: ISOs, Windows editions, scans.',
  routes: [
    defineRoute({
      id: 'listIsos', method: 'get', path: '/api/v1/catalog/isos', summary: 'List cataloged ISOs', scope: 'read',
      query: catalogQuery.pick({ source: true, kind: true, name: true, includeMissing: true }), response: z.array(isoSummary),
      handler: ({ ctx, query }) => ctx.store.query.listIsos(toFilter(query)),
    }),
    defineRoute({
      id: 'getIso', method: 'get', path: '/api/v1/catalog/isos/:ref', summary: 'Show one ISO with its editions, language packs, tools or Linux tree', scope: 'read',
      description: 'ref is the catalog id, or source:path (URL-encoded).',
      params: z.object({ ref: z.string().min(1) }), response: isoDetail,
      handler: ({ ctx, params }) => ctx.store.query.getIso(params.ref),
    }),
    defineRoute({
      id: 'findEditions', method: 'get', path: '/api/v1/catalog/editions', summary: 'Find Windows editions: which ISO, which index', scope: 'read',
      query: catalogQuery.omit({ kind: true }), response: z.array(editionMatch),
      handler: ({ ctx, query }) => ctx.store.query.findEditions(toFilter(query)),
    }),
    defineRoute({
      id: 'startScan', method: 'post', path: '/api/v1/catalog/scans', summary: 'Start a catalog scan (202; follow it at the Location)', scope: 'admin',
      body: scanCreate, response: scanView, status: 202,
      location: (s) => `/api/v1/catalog/scans/${s.id}`,
      handler: ({ ctx, body }) => {
        const sources = body.sources?.length ? body.sources.map((n) => ctx.store.sources.get(n)) : ctx.store.sources.list();
        if (sources.length === 0) throw ValidationError.of('body', 'sources', 'no sources to scan: add one first');
        return ctx.scans.start(sources, body.concurrency);
      },
    }),
    defineRoute({
      id: 'listScans', method: 'get', path: '/api/v1/catalog/scans', summary: 'Recent scans with their counts and errors', scope: 'read',
      query: z.object({ limit: z.coerce.number().int().min(1).max(100).optional() }), response: z.array(scanView),
      handler: ({ ctx, query }) => ctx.scans.list(query.limit ?? 10),
    }),
    defineRoute({
      id: 'getScan', method: 'get', path: '/api/v1/catalog/scans/:id', summary: 'A scan’s progress (live while it runs)', scope: 'read',
      params: z.object({ id: z.coerce.number().int().min(1) }), response: scanView,
      handler: ({ ctx, params }) => {
        const p = ctx.scans.get(params.id);
        if (!p) throw new NotFoundError('scan', String(params.id));
        return p;
      },
    }),
  ],
};

