import type { PlatformInfo, PlatformResource, ResourceKind } from '../types.js';
import type { XapiConnection } from './connection.js';
import type { NetworkRecord, SrRecord } from './lookup.js';
import type { VdiRecord, VmRecord } from './records.js';

interface HostRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly hostname: string;
  readonly address: string;
  readonly enabled: boolean;
  readonly API_version_major: number | string;
  readonly API_version_minor: number | string;
  readonly software_version: Readonly<Record<string, string>>;
}

interface PoolRecord {
  readonly uuid: string;
  readonly name_label: string;
  readonly master: string;
}

/** Logs in and reads the pool master's product version. */
export async function platformInfo(x: XapiConnection, endpoint: string): Promise<PlatformInfo> {
  const pool = await x.pool();
  const host = await x.call<HostRecord>('host.get_record', pool['master']);
  const sv = host.software_version;
  return {
    kind: 'xenserver',
    endpoint,
    version: sv['product_version'] ?? sv['platform_version'] ?? 'unknown',
    details: {
      brand: sv['product_brand'] ?? 'XenServer',
      pool: String(pool['name_label'] ?? ''),
      master: host.hostname,
      apiVersion: `${host.API_version_major}.${host.API_version_minor}`,
    },
  };
}

/**
 * Resources of one kind. XenServer has pools (cluster), hosts, networks, SRs (storage),
 * templates and ISOs; it has no zones, offerings, users/groups/roles vizor can use, so
 * those are empty lists.
 */
export async function listResources(x: XapiConnection, kind: ResourceKind): Promise<PlatformResource[]> {
  switch (kind) {
    case 'cluster':
      return entries<PoolRecord>(await x.call('pool.get_all_records')).map(([, p]) => ({ kind, id: p.uuid, name: p.name_label }));
    case 'host':
      return entries<HostRecord>(await x.call('host.get_all_records')).map(([, h]) => ({
        kind, id: h.uuid, name: h.name_label, details: { address: h.address, enabled: h.enabled },
      }));
    case 'network':
      return entries<NetworkRecord>(await x.call('network.get_all_records')).map(([, n]) => ({
        kind, id: n.uuid, name: n.name_label, details: { bridge: n.bridge, mtu: Number(n.MTU) },
      }));
    case 'storage':
      return entries<SrRecord>(await x.call('SR.get_all_records'))
        .filter(([, s]) => s.content_type !== 'iso')
        .map(([, s]) => ({ kind, id: s.uuid, name: s.name_label, details: { type: s.type, shared: s.shared, sizeBytes: Number(s.physical_size) } }));
    case 'template':
      return entries<VmRecord>(await x.call('VM.get_all_records'))
        .filter(([, v]) => v.is_a_template && !v.is_a_snapshot)
        .map(([, v]) => ({ kind, id: v.uuid, name: v.name_label, details: { default: v.is_default_template } }));
    case 'iso':
      return isos(x, () => true);
    default:
      return [];
  }
}

/** The guest-tools ISO, found by XAPI's own VDI.is_tools_iso flag (never by name). */
export async function findToolsIso(x: XapiConnection): Promise<PlatformResource | null> {
  return (await isos(x, (v) => v.is_tools_iso))[0] ?? null;
}

/** VDIs on ISO SRs that pass `keep`, as iso resources. */
async function isos(x: XapiConnection, keep: (v: VdiRecord) => boolean): Promise<PlatformResource[]> {
  const srs = await x.call<Record<string, SrRecord>>('SR.get_all_records');
  const vdis = entries<VdiRecord>(await x.call('VDI.get_all_records'));
  return vdis
    .filter(([, v]) => srs[v.SR]?.content_type === 'iso' && !v.is_a_snapshot && keep(v))
    .map(([, v]) => ({
      kind: 'iso' as const,
      id: v.uuid,
      name: v.name_label,
      details: { is_tools_iso: v.is_tools_iso, sr: srs[v.SR]?.name_label ?? '', sizeBytes: Number(v.virtual_size) },
    }));
}

const entries = <R>(all: unknown): Array<[string, R]> => Object.entries(all as Record<string, R>);
