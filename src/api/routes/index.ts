import type { RouteGroup } from '../route.js';
import { sourceRoutes } from './sources.js';
import { catalogRoutes } from './catalog.js';
import { nodeRoutes } from './nodes.js';
import { hypervisorRoutes } from './hypervisors.js';
import { vmRoutes } from './vms.js';
import { buildRoutes, profileRoutes } from './builds.js';
import { madeRoutes } from './made.js';
import { eventRoutes } from './events.js';
import { metaRoutes } from './meta.js';
import { roomRoutes } from './rooms.js';

/**
 * Every route group the API serves, in document order. A new resource (rooms) adds its
 * group here; the router and the OpenAPI document both walk this one table.
 */
export const API_ROUTE_GROUPS: readonly RouteGroup[] = [
  sourceRoutes, catalogRoutes, nodeRoutes, hypervisorRoutes, vmRoutes, profileRoutes, buildRoutes, madeRoutes, roomRoutes, eventRoutes, metaRoutes,
];
