import { z } from 'zod';
import { eventFeed } from '../events.js';
import { defineRoute, type RouteGroup } from '../route.js';
import { withoutTokens } from '../schemas/common.js';
import { feedView } from '../schemas/builds.js';

/** `/api/v1/events`: node and build events merged, for the UI's live view. */
export const eventRoutes: RouteGroup = {
  tag: 'events',
  description: 'Node boot steps and build stages, merged by time, polled with a cursor.',
  routes: [
    defineRoute({
      id: 'listEvents', method: 'get', path: '/api/v1/events', summary: 'Recent node and build events; poll with after=<cursor>', scope: 'read',
      query: z.object({
        after: z.string().optional().meta({ description: 'the cursor of the previous answer' }),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
      response: feedView,
      handler: ({ ctx, query }) => {
        const feed = eventFeed(ctx.store.db, query.after, query.limit ?? 100);
        return { cursor: feed.cursor, events: feed.events.map((e) => ({ ...e, detail: withoutTokens(e.detail) })) };
      },
    }),
  ],
};
