/**
 * Read-only inventory: the API root with product_info, data centers, clusters, hosts,
 * networks, vNIC profiles, storage domains, users, groups and roles.
 */
import { notFound, type Engine, type Route } from './engine.js';
import { namedXml, refTo } from './render.js';
import type { Named } from './store.js';

/** The version the fake engine reports. */
export const FAKE_VERSION = { major: 4, minor: 5, build: 4, revision: 1, full: '4.5.4-1.el8' } as const;

interface Collection {
  readonly path: string;
  readonly plural: string;
  readonly singular: string;
  readonly map: (e: Engine) => Map<string, Named>;
  readonly refs?: Record<string, string>;
  readonly shape?: (n: Named, xml: Record<string, unknown>) => Record<string, unknown>;
}

const COLLECTIONS: readonly Collection[] = [
  { path: 'datacenters', plural: 'data_centers', singular: 'data_center', map: (e) => e.store.dataCenters },
  { path: 'clusters', plural: 'clusters', singular: 'cluster', map: (e) => e.store.clusters, refs: { dataCenterId: 'data_center:datacenters' } },
  { path: 'hosts', plural: 'hosts', singular: 'host', map: (e) => e.store.hosts, refs: { clusterId: 'cluster:clusters' } },
  { path: 'networks', plural: 'networks', singular: 'network', map: (e) => e.store.networks, refs: { dataCenterId: 'data_center:datacenters' } },
  { path: 'vnicprofiles', plural: 'vnic_profiles', singular: 'vnic_profile', map: (e) => e.store.vnicProfiles, refs: { networkId: 'network:networks' } },
  { path: 'storagedomains', plural: 'storage_domains', singular: 'storage_domain', map: (e) => e.store.storageDomains },
  {
    path: 'users',
    plural: 'users',
    singular: 'user',
    map: (e) => e.store.users,
    // Users carry their authz domain as a nested element.
    shape: (n, xml) => ({ ...xml, domain: { name: n.domain } }),
  },
  { path: 'groups', plural: 'groups', singular: 'group', map: (e) => e.store.groups },
  { path: 'roles', plural: 'roles', singular: 'role', map: (e) => e.store.roles },
];

/** The inventory routes. */
export function inventoryRoutes(engine: Engine): Route[] {
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: /^\/?$/,
      handle: () => ({
        root: 'api',
        body: {
          link: ['clusters', 'datacenters', 'disks', 'hosts', 'networks', 'roles', 'storagedomains', 'tags', 'templates', 'users', 'groups', 'vms', 'vnicprofiles'].map((rel) => ({ '@_href': `/ovirt-engine/api/${rel}`, '@_rel': rel })),
          product_info: {
            instance_id: '3f0e5f4a-0000-4000-8000-0123456789ab',
            name: 'oVirt Engine',
            vendor: 'ovirt.org',
            version: { build: FAKE_VERSION.build, full_version: FAKE_VERSION.full, major: FAKE_VERSION.major, minor: FAKE_VERSION.minor, revision: FAKE_VERSION.revision },
          },
          summary: { vms: { active: [...engine.store.vms.values()].filter((v) => v.status === 'up').length, total: engine.store.vms.size } },
          time: new Date().toISOString(),
          authenticated_user: refTo('users', [...engine.store.users.values()][0]!.id),
        },
      }),
    },
  ];
  for (const c of COLLECTIONS) {
    const render = (n: Named): Record<string, unknown> => {
      const xml = namedXml(c.path, n, c.refs);
      return c.shape ? c.shape(n, xml) : xml;
    };
    routes.push(
      { method: 'GET', pattern: new RegExp(`^/${c.path}$`), handle: () => ({ root: c.plural, body: { [c.singular]: [...c.map(engine).values()].map(render) } }) },
      {
        method: 'GET',
        pattern: new RegExp(`^/${c.path}/([^/]+)$`),
        handle: (req) => {
          const n = c.map(engine).get(req.params[0]!);
          if (!n) throw notFound(req.params[0]!);
          return { root: c.singular, body: render(n) };
        },
      },
    );
  }
  return routes;
}
