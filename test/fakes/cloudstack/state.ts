// The fake CloudStack's inventory: records shaped like the JSON the real API returns
// (lower-case field names, MiB for memory, GB for disk offerings, bytes for volumes).
import { randomUUID } from 'node:crypto';

/** A resource tag (createTags), keyed by resource. */
export interface CsTag { key: string; value: string; resourcetype: string; resourceid: string }
/** A zone (listZones). */
export interface CsZone { id: string; name: string; allocationstate: string; networktype: string }
/** A service offering; a custom one has no cpunumber/memory (they come with deployVirtualMachine's details). */
export interface CsServiceOffering { id: string; name: string; displaytext: string; cpunumber?: number; cpuspeed?: number; memory?: number; iscustomized: boolean }
/** A disk offering, size in GB; a custom one takes deployVirtualMachine's `size`. */
export interface CsDiskOffering { id: string; name: string; displaytext: string; disksize: number; iscustomized: boolean }
/** A guest OS type (listOsTypes). */
export interface CsOsType { id: string; description: string; oscategoryid: string }
/** A guest network (listNetworks). */
export interface CsNetwork { id: string; name: string; displaytext: string; zoneid: string; state: string; type: string; cidr: string }
/** An account VMs can be assigned to. */
export interface CsAccount { id: string; name: string; domainid: string; domain: string }

/** A template (templatetype USER when made by createTemplate). */
export interface CsTemplate {
  id: string; name: string; displaytext: string; ostypeid: string; zoneid: string; isready: boolean; ispublic: boolean;
  isfeatured: boolean; status: string; templatetype: string; format: string; hypervisor: string; created: string;
  size: number; passwordenabled: boolean; account: string;
}

/** An ISO; `readyAfterPolls` listIsos calls turn a registered one ready (`downloadFails` never does). */
export interface CsIso {
  id: string; name: string; displaytext: string; ostypeid: string; zoneid: string; isready: boolean; status: string;
  bootable: boolean; ispublic: boolean; url?: string; created: string; account: string;
  readyAfterPolls: number; downloadFails?: boolean;
}

/** A VM's NIC as listVirtualMachines shows it. */
export interface CsNic { id: string; networkid: string; networkname: string; macaddress: string; ipaddress: string; isdefault: boolean }

/** A VM; states as CloudStack names them (Stopped, Starting, Running, Stopping, Destroyed, Expunging, Error). */
export interface CsVm {
  id: string; name: string; displayname: string; state: string; zoneid: string; templateid: string; isoid?: string;
  serviceofferingid: string; cpunumber: number; memory: number; guestosid: string; hypervisor: string;
  boottype: string; bootmode: string; nic: CsNic[]; created: string; account: string; domainid: string;
}

/** A volume; size in bytes. */
export interface CsVolume { id: string; name: string; type: 'ROOT' | 'DATADISK'; virtualmachineid?: string; size: number; zoneid: string; state: string; diskofferingid?: string }
/** A VM snapshot; `displayname` is the name the caller gave. */
export interface CsVmSnapshot {
  id: string; name: string; displayname: string; description: string; virtualmachineid: string; type: 'Disk' | 'DiskAndMemory';
  state: string; current: boolean; created: string;
}

/** Everything the fake holds. */
export interface CsInventory {
  zones: CsZone[];
  serviceOfferings: CsServiceOffering[];
  diskOfferings: CsDiskOffering[];
  osTypes: CsOsType[];
  networks: CsNetwork[];
  accounts: CsAccount[];
  templates: Map<string, CsTemplate>;
  isos: Map<string, CsIso>;
  vms: Map<string, CsVm>;
  volumes: Map<string, CsVolume>;
  vmSnapshots: Map<string, CsVmSnapshot>;
  tags: CsTag[];
}

/** Seed data for a fake; anything left out comes from the default inventory. */
export interface CsSeed {
  zones?: CsZone[];
  serviceOfferings?: CsServiceOffering[];
  diskOfferings?: CsDiskOffering[];
  osTypes?: CsOsType[];
  networks?: CsNetwork[];
  accounts?: CsAccount[];
  templates?: CsTemplate[];
  isos?: CsIso[];
}

/** A new CloudStack-style id (a UUID). */
export const newId = (): string => randomUUID();

/** CloudStack's date format in responses: 2024-05-01T12:00:00+0000. */
export const csDate = (d = new Date()): string => `${d.toISOString().slice(0, 19)}+0000`;

/** The account the fake's API key belongs to. */
export const ACCOUNT = 'vizor';

/**
 * The default inventory: zone "zone1", fixed and custom service/disk offerings, OS types,
 * network "vizor-net", a ready "installer.iso" and CloudStack's built-in "xs-tools.iso".
 */
export function defaultSeed(): Required<CsSeed> {
  const zoneid = newId();
  const other64 = newId();
  const created = csDate(new Date(Date.UTC(2024, 0, 1)));
  const iso = (name: string, ostypeid: string, bootable: boolean): CsIso => ({
    id: newId(), name, displaytext: name, ostypeid, zoneid, isready: true, status: 'Successfully Installed', bootable,
    ispublic: true, created, account: 'system', readyAfterPolls: 0,
  });
  const offering = (name: string, cpunumber: number, memory: number): CsServiceOffering => ({
    id: newId(), name, displaytext: `${name}, ${cpunumber} vCPU, ${memory} MB`, cpunumber, cpuspeed: 1000, memory, iscustomized: false,
  });
  const disk = (name: string, disksize: number, iscustomized = false): CsDiskOffering => ({
    id: newId(), name, displaytext: iscustomized ? 'Custom size' : `${disksize} GB`, disksize, iscustomized,
  });
  return {
    zones: [{ id: zoneid, name: 'zone1', allocationstate: 'Enabled', networktype: 'Advanced' }],
    serviceOfferings: [
      offering('Small Instance', 1, 512), offering('Medium Instance', 2, 2048), offering('Large Instance', 4, 8192),
      { id: newId(), name: 'Custom', displaytext: 'Custom', iscustomized: true },
    ],
    diskOfferings: [disk('Small', 5), disk('Medium', 20), disk('Large', 100), disk('Custom', 0, true)],
    osTypes: [
      { id: other64, description: 'Other (64-bit)', oscategoryid: newId() },
      { id: newId(), description: 'Windows 10 (64-bit)', oscategoryid: newId() },
      { id: newId(), description: 'Debian GNU/Linux 12 (64-bit)', oscategoryid: newId() },
    ],
    networks: [{ id: newId(), name: 'vizor-net', displaytext: 'vizor-net', zoneid, state: 'Implemented', type: 'Isolated', cidr: '10.1.1.0/24' }],
    accounts: [{ id: newId(), name: ACCOUNT, domainid: newId(), domain: 'ROOT' }, { id: newId(), name: 'teacher', domainid: newId(), domain: 'school' }],
    templates: [],
    isos: [iso('installer.iso', other64, true), iso('xs-tools.iso', other64, false)],
  };
}

/** Builds the inventory from a seed, filling what it leaves out from {@link defaultSeed}. */
export function buildInventory(seed: CsSeed = {}): CsInventory {
  const d = defaultSeed();
  const byId = <T extends { id: string }>(list: T[]): Map<string, T> => new Map(list.map((x) => [x.id, x]));
  return {
    zones: seed.zones ?? d.zones,
    serviceOfferings: seed.serviceOfferings ?? d.serviceOfferings,
    diskOfferings: seed.diskOfferings ?? d.diskOfferings,
    osTypes: seed.osTypes ?? d.osTypes,
    networks: seed.networks ?? d.networks,
    accounts: seed.accounts ?? d.accounts,
    templates: byId(seed.templates ?? d.templates),
    isos: byId(seed.isos ?? d.isos),
    vms: new Map(),
    volumes: new Map(),
    vmSnapshots: new Map(),
    tags: [],
  };
}

/** Tags of one resource. */
export function tagsOf(inv: CsInventory, resourceid: string): CsTag[] {
  return inv.tags.filter((t) => t.resourceid === resourceid);
}

/** A MAC in the range CloudStack hands out to guests (02:00:xx:xx:xx:xx). */
export function newMac(): string {
  const hex = randomUUID().replace(/-/g, '').slice(0, 8);
  return `02:00:${hex.match(/../g)!.join(':')}`;
}
