import { z } from 'zod';
import { cancelBuild, retryBuild, startBuild } from '../../builds/index.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { nameParam, pollQuery } from '../schemas/common.js';
import { profileView } from '../schemas/machines.js';
import { buildCreate, buildEventView, buildQuery, buildView, profileCreate, toBuildEventView, toBuildView } from '../schemas/builds.js';

const idParam = z.object({ id: z.string().min(1) });

/** `/api/v1/profiles`: what `vizor profile` does. */
export const profileRoutes: RouteGroup = {
  tag: 'profiles',
  description: 'Hardware profiles for builds: platform, size, network, firmware, placement.',
  routes: [
    defineRoute({
      id: 'listProfiles', method: 'get', path: '/api/v1/profiles', summary: 'List profiles', scope: 'read',
      response: z.array(profileView),
      handler: ({ ctx }) => ctx.store.profiles.list(),
    }),
    defineRoute({
      id: 'addProfile', method: 'post', path: '/api/v1/profiles', summary: 'Add a profile', scope: 'admin',
      body: profileCreate, response: profileView, status: 201,
      location: (p) => `/api/v1/profiles/${encodeURIComponent(p.name)}`,
      handler: ({ ctx, body }) => {
        ctx.store.hypervisors.get(body.hypervisor);
        return ctx.store.profiles.add({ name: body.name, hypervisor: body.hypervisor, spec: body.spec });
      },
    }),
    defineRoute({
      id: 'getProfile', method: 'get', path: '/api/v1/profiles/:name', summary: 'Show a profile', scope: 'read',
      params: nameParam, response: profileView,
      handler: ({ ctx, params }) => ctx.store.profiles.get(params.name),
    }),
    defineRoute({
      id: 'removeProfile', method: 'delete', path: '/api/v1/profiles/:name', summary: 'Remove a profile', scope: 'admin',
      params: nameParam, status: 204,
      handler: ({ ctx, params }) => ctx.store.profiles.remove(params.name),
    }),
  ],
};

/** `/api/v1/builds`: what `vizor build` does; the running vizor advances them. */
export const buildRoutes: RouteGroup = {
  tag: 'builds',
  description: 'Builds of templates from cataloged editions, with their stage logs.',
  routes: [
    defineRoute({
      id: 'listBuilds', method: 'get', path: '/api/v1/builds', summary: 'List builds, newest first', scope: 'read',
      query: buildQuery, response: z.array(buildView),
      handler: ({ ctx, query }) => ctx.store.builds.list(query.state ? { state: [query.state] } : {}).map(toBuildView),
    }),
    defineRoute({
      id: 'startBuild', method: 'post', path: '/api/v1/builds', summary: 'Start a build (values merge: site ← image ← profile ← values)', scope: 'admin',
      body: buildCreate, response: buildView, status: 201,
      location: (b) => `/api/v1/builds/${b.id}`,
      handler: ({ ctx, body }) => {
        return toBuildView(startBuild(ctx.store, {
          isoId: body.isoId, profile: body.profile, ...(body.image ? { image: body.image } : {}), set: body.values ?? {}, siteDefaults: ctx.buildDefaults ?? {},
          ...(body.sequence ? { sequence: body.sequence } : {}), ...(body.templateName ? { templateName: body.templateName } : {}),
          publish: body.publish ?? false, keep: body.keep ?? false, ...(body.timeouts ? { timeouts: body.timeouts } : {}),
        }, body.adminPassword ? { password: body.adminPassword, secrets: ctx.secrets } : undefined));
      },
    }),
    defineRoute({
      id: 'getBuild', method: 'get', path: '/api/v1/builds/:id', summary: 'Show a build: stage, platform ids, error', scope: 'read',
      params: idParam, response: buildView,
      handler: ({ ctx, params }) => toBuildView(ctx.store.builds.get(params.id)),
    }),
    defineRoute({
      id: 'listBuildLogs', method: 'get', path: '/api/v1/builds/:id/logs', summary: 'A build’s events; poll with after=<last id>', scope: 'read',
      params: idParam, query: pollQuery, response: z.array(buildEventView),
      handler: ({ ctx, params, query }) => {
        ctx.store.builds.get(params.id);
        return ctx.store.builds.events(params.id, query.after ?? 0, query.limit ?? 1000).map(toBuildEventView);
      },
    }),
    defineRoute({
      id: 'cancelBuild', method: 'post', path: '/api/v1/builds/:id/cancel', summary: 'Stop a running build and remove what it made (unless kept)', scope: 'admin',
      params: idParam, response: buildView,
      handler: ({ ctx, params }) => toBuildView(cancelBuild(ctx.store, params.id)),
    }),
    defineRoute({
      id: 'retryBuild', method: 'post', path: '/api/v1/builds/:id/retry', summary: 'Run a failed or cancelled build again from the start', scope: 'admin',
      params: idParam, response: buildView,
      handler: ({ ctx, params }) => toBuildView(retryBuild(ctx.store, params.id)),
    }),
  ],
};
