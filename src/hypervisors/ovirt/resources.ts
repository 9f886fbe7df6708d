/**
 * Discovery: the engine version and the resources a profile or room can name. oVirt's
 * "zone" is the data center; ISOs are disks with `content_type` iso (4.4+ keeps them in
 * data domains; the old ISO domains are deprecated).
 */
import type { PlatformInfo, PlatformResource, ResourceKind } from '../types.js';
import type { OvirtContext } from './context.js';
import { attr, child, members, path, text, type XmlNode } from './xml.js';

type Details = Record<string, string | number | boolean>;

/** Checks the connection and reads product_info. */
export async function platformInfo(ctx: OvirtContext): Promise<PlatformInfo> {
  const api = child(await ctx.client.get(''), 'api');
  const product = child(api, 'product_info');
  const v = child(product, 'version');
  const version = text(v, 'full_version') ?? [text(v, 'major'), text(v, 'minor'), text(v, 'build')].filter(Boolean).join('.');
  const details: Details = {};
  if (text(product, 'name')) details.product = text(product, 'name')!;
  if (text(product, 'vendor')) details.vendor = text(product, 'vendor')!;
  return { kind: 'ovirt', endpoint: ctx.client.apiUrl, version: version || 'unknown', details };
}

interface Source {
  readonly path: string;
  readonly plural: string;
  readonly singular: string;
  readonly keep?: (n: XmlNode) => boolean;
  readonly details?: (n: XmlNode) => Details;
}

const num = (n: XmlNode, f: string): number | undefined => (text(n, f) ? Number(text(n, f)) : undefined);

function compact(d: Record<string, string | number | boolean | undefined>): Details {
  return Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined && v !== '')) as Details;
}

const SOURCES: Partial<Record<ResourceKind, Source>> = {
  zone: { path: '/datacenters', plural: 'data_centers', singular: 'data_center', details: (n) => compact({ status: text(n, 'status') }) },
  cluster: { path: '/clusters', plural: 'clusters', singular: 'cluster', details: (n) => compact({ dataCenter: attr(child(n, 'data_center'), 'id') }) },
  host: { path: '/hosts', plural: 'hosts', singular: 'host', details: (n) => compact({ status: text(n, 'status'), cluster: attr(child(n, 'cluster'), 'id') }) },
  network: { path: '/networks', plural: 'networks', singular: 'network', details: (n) => compact({ dataCenter: attr(child(n, 'data_center'), 'id') }) },
  storage: {
    path: '/storagedomains',
    plural: 'storage_domains',
    singular: 'storage_domain',
    details: (n) => compact({ type: text(n, 'type'), available: num(n, 'available'), used: num(n, 'used') }),
  },
  template: { path: '/templates', plural: 'templates', singular: 'template', details: (n) => compact({ status: text(n, 'status') }) },
  iso: {
    path: '/disks',
    plural: 'disks',
    singular: 'disk',
    keep: (n) => text(n, 'content_type') === 'iso',
    details: (n) => compact({ size: num(n, 'provisioned_size'), storageDomain: attr(path(n, 'storage_domains', 'storage_domain'), 'id') }),
  },
  user: { path: '/users', plural: 'users', singular: 'user', details: (n) => compact({ userName: text(n, 'user_name'), domain: text(child(n, 'domain'), 'name') }) },
  group: { path: '/groups', plural: 'groups', singular: 'group' },
  role: { path: '/roles', plural: 'roles', singular: 'role', details: (n) => compact({ administrative: text(n, 'administrative') === 'true' }) },
};

/** Lists one kind of resource; offerings do not exist on oVirt and list empty. */
export async function listResources(ctx: OvirtContext, kind: ResourceKind): Promise<PlatformResource[]> {
  const src = SOURCES[kind];
  if (!src) return [];
  const list = members(await ctx.client.get(src.path), src.plural, src.singular).filter(src.keep ?? (() => true));
  return list.map((n) => {
    const details = src.details?.(n);
    // ISO disks are known by their alias in the UI; `name` is the API's copy of it.
    const name = text(n, 'name') ?? text(n, 'alias') ?? '';
    return { kind, id: attr(n, 'id') ?? '', name, ...(details && Object.keys(details).length ? { details } : {}) };
  });
}

/**
 * oVirt has no "tools ISO" flag: the guest tools come as an ISO named by the packaging
 * (oVirt-toolsSetup_*.iso, RHV-toolsSetup_*.iso, or the virtio-win ISO).
 */
const TOOLS_ISO = /^(ovirt-toolssetup|rhv-toolssetup|rhev-toolssetup|virtio-win)[\w.-]*\.iso$/i;

/** The guest-tools ISO among the ISO disks, or null. */
export async function findToolsIso(ctx: OvirtContext): Promise<PlatformResource | null> {
  const isos = await listResources(ctx, 'iso');
  return isos.find((i) => TOOLS_ISO.test(i.name)) ?? null;
}
