/**
 * Finds CloudStack objects: the zone, network, service offering (fixed or custom), disk
 * offering (fixed or custom size) and OS type a spec names, by id or by name; the resources
 * of each kind; and the guest-tools ISO.
 */
import { HvConfigError, HvNotFoundError } from '../errors.js';
import type { PlatformResource, ResourceKind } from '../types.js';
import type { CsClient, CsObject } from './client.js';
import { listAll } from './present.js';

const matches = (o: CsObject, idOrName: string): boolean => o.id === idOrName || o.name === idOrName;

/** Service offering parameters of deployVirtualMachine. */
export interface OfferingChoice {
  readonly serviceofferingid: string;
  /** details[0].* for a custom offering. */
  readonly details: Record<string, string>;
}

/** Disk offering parameters of deployVirtualMachine from an ISO. */
export interface DiskChoice {
  readonly diskofferingid: string;
  /** GB, for a custom-size offering. */
  readonly size?: string;
}

/** Looks platform objects up, caching the zone. */
export class Resolver {
  private zoneId: Promise<string> | null = null;

  constructor(
    private readonly client: CsClient,
    private readonly configuredZone: string | undefined,
    private readonly cpuSpeedMHz: number,
  ) {}

  /** The zone: the placement's, else the configured one, else the only one there is. */
  zone(placementZone?: string): Promise<string> {
    if (placementZone) return this.findZone(placementZone);
    this.zoneId ??= this.findZone(this.configuredZone).catch((err: unknown) => {
      this.zoneId = null;
      throw err;
    });
    return this.zoneId;
  }

  private async findZone(wanted: string | undefined): Promise<string> {
    const zones = await listAll(this.client, 'listZones', 'zone', { available: 'true' });
    if (wanted) {
      const z = zones.find((x) => matches(x, wanted));
      if (!z) throw new HvNotFoundError(`cloudstack: zone "${wanted}" not found (zones: ${zones.map((x) => x.name).join(', ') || 'none'})`, { platform: 'cloudstack' });
      return String(z.id);
    }
    if (zones.length === 1) return String(zones[0]!.id);
    throw new HvConfigError(`cloudstack: ${zones.length} zones available (${zones.map((x) => x.name).join(', ')}): set the zone option or placement.zone`, { platform: 'cloudstack' });
  }

  /** The zone's hypervisor (listHypervisors), for deploys from an ISO, which carries none. */
  async hypervisor(zoneId: string): Promise<string> {
    const r = await this.client.call('listHypervisors', { zoneid: zoneId });
    const first = Array.isArray(r.hypervisor) ? (r.hypervisor[0] as CsObject | undefined) : undefined;
    if (!first?.name) throw new HvConfigError(`cloudstack: zone ${zoneId} reports no hypervisor: set the hypervisor option`, { platform: 'cloudstack' });
    return String(first.name);
  }

  /** A network of the zone by id or name. */
  async network(zoneId: string, wanted: string): Promise<CsObject> {
    const nets = await listAll(this.client, 'listNetworks', 'network', { zoneid: zoneId });
    const n = nets.find((x) => matches(x, wanted));
    if (!n) {
      throw new HvNotFoundError(`cloudstack: network "${wanted}" not found in zone ${zoneId} (networks: ${nets.map((x) => x.name).join(', ') || 'none'})`, { platform: 'cloudstack' });
    }
    return n;
  }

  /** The named offering, else a fixed one with exactly this CPU count and memory, else a custom one. */
  async offering(vcpus: number, memoryMiB: number, wanted?: string): Promise<OfferingChoice> {
    const all = await listAll(this.client, 'listServiceOfferings', 'serviceoffering');
    const custom = (o: CsObject): OfferingChoice => ({
      serviceofferingid: String(o.id),
      details: { 'details[0].cpuNumber': String(vcpus), 'details[0].memory': String(memoryMiB), 'details[0].cpuSpeed': String(o.cpuspeed ?? this.cpuSpeedMHz) },
    });
    if (wanted) {
      const o = all.find((x) => matches(x, wanted));
      if (!o) throw new HvNotFoundError(`cloudstack: service offering "${wanted}" not found`, { platform: 'cloudstack' });
      return o.iscustomized === true ? custom(o) : { serviceofferingid: String(o.id), details: {} };
    }
    const exact = all.find((o) => o.iscustomized !== true && Number(o.cpunumber) === vcpus && Number(o.memory) === memoryMiB);
    if (exact) return { serviceofferingid: String(exact.id), details: {} };
    const c = all.find((o) => o.iscustomized === true);
    if (c) return custom(c);
    throw new HvNotFoundError(`cloudstack: no service offering with ${vcpus} vCPU and ${memoryMiB} MiB, and no custom offering`, { platform: 'cloudstack' });
  }

  /** The named disk offering, else a fixed one of exactly this size, else a custom-size one. */
  async diskOffering(diskGiB: number, wanted?: string): Promise<DiskChoice> {
    const all = await listAll(this.client, 'listDiskOfferings', 'diskoffering');
    const pick = (o: CsObject): DiskChoice =>
      o.iscustomized === true ? { diskofferingid: String(o.id), size: String(diskGiB) } : { diskofferingid: String(o.id) };
    if (wanted) {
      const o = all.find((x) => matches(x, wanted));
      if (!o) throw new HvNotFoundError(`cloudstack: disk offering "${wanted}" not found`, { platform: 'cloudstack' });
      return pick(o);
    }
    const exact = all.find((o) => o.iscustomized !== true && Number(o.disksize) === diskGiB);
    const c = exact ?? all.find((o) => o.iscustomized === true);
    if (c) return pick(c);
    throw new HvNotFoundError(`cloudstack: no disk offering of ${diskGiB} GB and no custom-size offering`, { platform: 'cloudstack' });
  }

  /** An OS type id by id or description (case-insensitive), e.g. "Other (64-bit)". */
  async osType(wanted: string): Promise<string> {
    const all = await listAll(this.client, 'listOsTypes', 'ostype');
    const lower = wanted.toLowerCase();
    const o = all.find((x) => x.id === wanted) ?? all.find((x) => String(x.description).toLowerCase() === lower);
    if (!o) throw new HvNotFoundError(`cloudstack: OS type "${wanted}" not found`, { platform: 'cloudstack' });
    return String(o.id);
  }
}

/*
 * Platform resources as vizor lists them, and the guest-tools ISO. CloudStack has no
 * "tools ISO" flag: it seeds "xs-tools.iso" on XenServer and "vmware-tools.iso" on VMware
 * as system ISOs, so the tools ISO is found by those names (then a "virtio-win*.iso" an
 * operator registered for KVM).
 */

type Detail = string | number | boolean;

/** The list command, response key and parameters for each kind; null where CloudStack has no such thing. */
const SOURCES: Record<ResourceKind, { command: string; key: string; params?: Record<string, string>; details: string[] } | null> = {
  zone: { command: 'listZones', key: 'zone', details: ['networktype', 'allocationstate'] },
  cluster: { command: 'listClusters', key: 'cluster', details: ['zoneid', 'hypervisortype'] },
  host: { command: 'listHosts', key: 'host', params: { type: 'Routing' }, details: ['zoneid', 'hypervisor', 'state'] },
  network: { command: 'listNetworks', key: 'network', details: ['zoneid', 'cidr', 'type', 'state'] },
  storage: { command: 'listStoragePools', key: 'storagepool', details: ['zoneid', 'type', 'disksizetotal'] },
  offering: { command: 'listServiceOfferings', key: 'serviceoffering', details: ['cpunumber', 'memory', 'iscustomized'] },
  'disk-offering': { command: 'listDiskOfferings', key: 'diskoffering', details: ['disksize', 'iscustomized'] },
  template: { command: 'listTemplates', key: 'template', params: { templatefilter: 'executable' }, details: ['zoneid', 'isready', 'ostypeid', 'ispublic'] },
  iso: { command: 'listIsos', key: 'iso', params: { isofilter: 'executable' }, details: ['zoneid', 'isready', 'ostypeid', 'bootable'] },
  user: { command: 'listAccounts', key: 'account', params: { listall: 'true' }, details: ['domainid', 'domain'] },
  group: { command: 'listProjects', key: 'project', params: { listall: 'true' }, details: ['domainid', 'state'] },
  role: { command: 'listRoles', key: 'role', details: ['type'] },
};

function resource(kind: ResourceKind, o: CsObject, detailKeys: readonly string[]): PlatformResource {
  const details: Record<string, Detail> = {};
  for (const k of detailKeys) {
    const v = o[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[k] = v;
  }
  return { kind, id: String(o.id), name: String(o.name ?? o.displaytext ?? o.id), details };
}

/** Lists the resources of one kind. */
export async function toResources(client: CsClient, kind: ResourceKind): Promise<PlatformResource[]> {
  const source = SOURCES[kind];
  if (!source) return [];
  const items = await listAll(client, source.command, source.key, source.params);
  return items.map((o) => resource(kind, o, source.details));
}

/** Tools ISO names in order of preference. */
const TOOLS_NAMES: ReadonlyArray<(name: string) => boolean> = [
  (n) => n === 'xs-tools.iso',
  (n) => n === 'vmware-tools.iso',
  (n) => /^virtio-win.*\.iso$/i.test(n),
];

/** Picks the guest-tools ISO among listed ISOs by CloudStack's naming convention; ready ones first. */
export function toolsIsoOf(isos: readonly CsObject[]): PlatformResource | null {
  for (const match of TOOLS_NAMES) {
    const hits = isos.filter((i) => match(String(i.name ?? '')));
    const best = hits.find((i) => i.isready === true) ?? hits[0];
    if (best) {
      const r = resource('iso', best, ['zoneid', 'isready', 'ostypeid']);
      return { ...r, details: { ...r.details, toolsBy: 'name' } };
    }
  }
  return null;
}
