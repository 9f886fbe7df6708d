/**
 * The oVirt fake's in-memory engine database and its default inventory: data center and
 * cluster "Default", template Blank, networks/vNIC profiles, storage domain "data" with
 * ISO disks, users, groups (Everyone), roles and the root tag.
 */
import { randomUUID } from 'node:crypto';

/** A VM's settings, also kept by templates and snapshots. */
export interface VmConfig {
  memory: number;
  sockets: number;
  cores: number;
  threads: number;
  osType: string;
  bootDevices: string[];
  biosType: string;
  stateless: boolean;
  usb: { enabled: boolean; type?: string };
  description: string;
}

/** A VM NIC. */
export interface FakeNic { id: string; name: string; interface: string; mac: string; profileId: string | null }
/** A disk: a VM/template disk (`data`) or an ISO image (`iso`). */
export interface FakeDisk { id: string; name: string; size: number; format: string; sparse: boolean; storageDomainId: string; status: 'ok' | 'locked' | 'illegal'; contentType: 'data' | 'iso' }
/** A disk attached to a VM. */
export interface FakeAttachment { diskId: string; bootable: boolean; interface: string; active: boolean }
/** A VM payload (the engine writes the files to a floppy or CD image). */
export interface FakePayload { type: string; files: { name: string; content: string }[] }
/** A role given to a user or group on an object. */
export interface FakePermission { id: string; roleId: string; principal: { kind: 'user' | 'group'; id: string } }
/** A VM snapshot; `active` is the engine's "Active VM" entry. */
export interface FakeSnapshot { id: string; description: string; type: 'active' | 'regular'; status: 'ok' | 'locked'; date: Date; config: VmConfig }
/** A VM. */
export interface FakeVm {
  id: string; name: string; comment: string; status: string; config: VmConfig; clusterId: string; templateId: string;
  /** Created without clone=true: its disks depend on the template's. */
  thin: boolean;
  nics: FakeNic[]; attachments: FakeAttachment[]; cdromFile: string | null; payloads: FakePayload[];
  tagIds: Set<string>; permissions: FakePermission[]; snapshots: FakeSnapshot[]; createdAt: Date;
}
/** A template (Blank included). */
export interface FakeTemplate {
  id: string; name: string; status: 'ok' | 'locked'; config: VmConfig; clusterId: string | null;
  nics: { name: string; interface: string; profileId: string | null }[]; diskIds: string[];
  tagIds: Set<string>; permissions: FakePermission[]; createdAt: Date;
}
/** A tag; every tag but root has a parent. */
export interface FakeTag { id: string; name: string; description: string; parentId: string | null }
/** An inventory object: id, name and scalar fields (`dataCenterId` renders as a reference). */
export interface Named { id: string; name: string; [field: string]: string | number | boolean | null }

/** The Blank template's fixed id. */
export const BLANK_ID = '00000000-0000-0000-0000-000000000000';
/** The root tag's fixed id. */
export const ROOT_TAG_ID = '00000000-0000-0000-0000-000000000000';
/** The Everyone group's fixed id. */
export const EVERYONE_ID = 'eee00000-0000-0000-0000-123456789eee';
/** The id of every VM's CD-ROM device. */
export const CDROM_ID = '00000000-0000-0000-0000-000000000000';

/** A default VM configuration (the Blank template's). */
export function blankConfig(): VmConfig {
  return { memory: 1024 ** 3, sockets: 1, cores: 1, threads: 1, osType: 'other', bootDevices: ['hd'], biosType: 'cluster_default', stateless: false, usb: { enabled: false }, description: 'Blank template' };
}

/** The engine's state. */
export class FakeStore {
  readonly dataCenters = new Map<string, Named>();
  readonly clusters = new Map<string, Named>();
  readonly hosts = new Map<string, Named>();
  readonly networks = new Map<string, Named>();
  readonly vnicProfiles = new Map<string, Named>();
  readonly storageDomains = new Map<string, Named>();
  readonly users = new Map<string, Named>();
  readonly groups = new Map<string, Named>();
  readonly roles = new Map<string, Named>();
  readonly disks = new Map<string, FakeDisk>();
  readonly templates = new Map<string, FakeTemplate>();
  readonly vms = new Map<string, FakeVm>();
  readonly tags = new Map<string, FakeTag>();
  private macSeq = 1;

  constructor() {
    const dc = this.add(this.dataCenters, { name: 'Default', status: 'up' });
    const cluster = this.add(this.clusters, { name: 'Default', dataCenterId: dc.id });
    this.add(this.hosts, { name: 'host1', status: 'up', clusterId: cluster.id });
    for (const name of ['ovirtmgmt', 'vizor-net']) {
      const net = this.add(this.networks, { name, dataCenterId: dc.id });
      this.add(this.vnicProfiles, { name, networkId: net.id });
    }
    const data = this.add(this.storageDomains, { name: 'data', type: 'data', available: 500 * 1024 ** 3, used: 20 * 1024 ** 3 });
    for (const [name, size] of [['installer.iso', 5 * 1024 ** 3], ['oVirt-toolsSetup_4.5_8.iso', 300 * 1024 ** 2]] as const) {
      const id = randomUUID();
      this.disks.set(id, { id, name, size, format: 'raw', sparse: false, storageDomainId: data.id, status: 'ok', contentType: 'iso' });
    }
    this.templates.set(BLANK_ID, { id: BLANK_ID, name: 'Blank', status: 'ok', config: blankConfig(), clusterId: null, nics: [], diskIds: [], tagIds: new Set(), permissions: [], createdAt: new Date(0) });
    this.add(this.users, { name: 'admin', userName: 'admin@internal', domain: 'internal-authz' });
    this.add(this.users, { name: 'alice', userName: 'alice@lab.example', domain: 'lab.example' });
    this.groups.set(EVERYONE_ID, { id: EVERYONE_ID, name: 'Everyone' });
    this.add(this.groups, { name: 'lab-teachers' });
    for (const [name, administrative] of [['SuperUser', true], ['UserRole', false], ['UserVmManager', false], ['UserTemplateBasedVm', false], ['PowerUserRole', false]] as const) {
      this.add(this.roles, { name, administrative });
    }
    this.tags.set(ROOT_TAG_ID, { id: ROOT_TAG_ID, name: 'root', description: 'root', parentId: null });
  }

  private add(map: Map<string, Named>, fields: Omit<Named, 'id'>): Named {
    const entity = { id: randomUUID(), ...fields } as Named;
    map.set(entity.id, entity);
    return entity;
  }

  /** Finds an entity by id or, failing that, by name. */
  find<T extends { id: string; name: string }>(map: Map<string, T>, key: { id?: string | undefined; name?: string | undefined }): T | undefined {
    if (key.id) return map.get(key.id);
    return key.name === undefined ? undefined : [...map.values()].find((e) => e.name === key.name);
  }

  /** Whether any NIC uses this MAC. */
  macInUse(mac: string): boolean {
    return [...this.vms.values()].some((vm) => vm.nics.some((n) => n.mac === mac));
  }

  /** The next free MAC from the engine's default pool range (56:6f:…). */
  nextMac(): string {
    for (;;) {
      const n = this.macSeq++;
      const mac = `56:6f:1a:2b:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
      if (!this.macInUse(mac)) return mac;
    }
  }

  /** The role id with this name. */
  roleId(name: string): string | undefined {
    return this.find(this.roles, { name })?.id;
  }
}
