/**
 * The one interface every hypervisor driver implements. Builds, rooms, the CLI and the
 * API talk only to this; platform details stay inside xenserver/, cloudstack/, ovirt/
 * and qemu/.
 */

/** The platforms vizor drives. */
export type PlatformKind = 'xenserver' | 'cloudstack' | 'ovirt' | 'qemu';

/** Firmware a container boots with. */
export type Firmware = 'bios' | 'uefi';

/** Power states, normalised across platforms. */
export type PowerState = 'running' | 'halted' | 'paused' | 'suspended' | 'transitioning' | 'unknown';

/** Boot devices in the order a VM tries them. */
export type BootDevice = 'network' | 'disk' | 'cdrom';

/** Kinds of platform resources a profile or room can name. */
export type ResourceKind = 'zone' | 'cluster' | 'host' | 'network' | 'storage' | 'offering' | 'disk-offering' | 'template' | 'iso' | 'user' | 'group' | 'role';

/** A platform resource: `id` is the platform's identifier, `name` what people see. */
export interface PlatformResource {
  readonly kind: ResourceKind;
  readonly id: string;
  readonly name: string;
  /** Platform-specific facts worth showing (zone id, size, is_tools_iso, ...). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * What vizor writes on everything it creates, so it can later list and delete only its
 * own VMs (never by name alone). Stored as tags/labels/other_config per platform.
 */
export interface VizorTag {
  /** What the VM is for. */
  readonly role: 'build' | 'room' | 'template';
  /** Build id, or `<room>/<run id>` for rooms. */
  readonly owner: string;
}

/** Where a VM goes, platform-specific keys (zone, cluster, storage, offering, diskOffering, network, host...). */
export type Placement = Readonly<Record<string, string>>;

/** A network-boot container: an empty VM that tries the network first. */
export interface ContainerSpec {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly diskGiB: number;
  /** Network id or name on the platform. */
  readonly network: string;
  readonly firmware: Firmware;
  readonly tag: VizorTag;
  readonly placement?: Placement;
  readonly description?: string;
  /** Guest OS hint (e.g. windows10_64, debian12); drivers map it to the platform's OS type. */
  readonly osType?: string;
  /** MAC to use; when absent the platform (or driver) picks one. */
  readonly mac?: string;
}

/** A VM as vizor sees it. */
export interface VmInfo {
  readonly id: string;
  readonly name: string;
  readonly power: PowerState;
  /** Lower-case colon-separated MACs, in NIC order. */
  readonly macs: readonly string[];
  /** vizor's tag, or null for a VM vizor did not create. */
  readonly tag: VizorTag | null;
  readonly isTemplate: boolean;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** A file handed to a VM at boot: a floppy image where the platform supports one, else an ISO. */
export interface PayloadSpec {
  readonly kind: 'floppy' | 'iso';
  /** Local path of the image vizor built. */
  readonly path: string;
  /** Name of the image on the platform. */
  readonly name: string;
  /** Files inside the image, for platforms that build the payload themselves (oVirt). */
  readonly files?: ReadonlyArray<{ readonly name: string; readonly content: Buffer }>;
}

/** A payload as attached; hand it back to detachPayload. */
export interface AttachedPayload {
  readonly kind: 'floppy' | 'iso';
  readonly id: string;
}

/** A template made from a VM. */
export interface TemplateInfo {
  readonly id: string;
  readonly name: string;
  readonly published: boolean;
}

/** A VM snapshot. */
export interface SnapshotInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly createdAt: Date | null;
  /** Power state when taken (a revert restarts a VM that was running). */
  readonly powerAtSnapshot: PowerState | null;
}

/** A VM cloned from a template. */
export interface CloneSpec {
  readonly name: string;
  readonly templateId: string;
  readonly tag: VizorTag;
  readonly vcpus?: number;
  readonly memoryMiB?: number;
  readonly network?: string;
  readonly placement?: Placement;
  readonly description?: string;
  readonly mac?: string;
}

/** Options for every call that waits. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** What `test` learns about a platform. */
export interface PlatformInfo {
  readonly kind: PlatformKind;
  readonly endpoint: string;
  readonly version: string;
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/** VM options some platforms have (oVirt, XenServer); others refuse with HvUnsupportedError. */
export interface VmOptions {
  readonly usb?: boolean;
  readonly stateless?: boolean;
  readonly osType?: string;
  readonly description?: string;
}

/** A user or group given a role on a VM (oVirt permissions, CloudStack accounts). */
export interface VmPermission {
  readonly principal: { readonly kind: 'user' | 'group'; readonly id: string };
  readonly role: string;
}

/**
 * One hypervisor platform. Every method fails with a HypervisorError subclass carrying
 * the platform's own code and message; transient platform errors are retried inside the
 * driver before they surface. Mutating calls are idempotent where the platform allows
 * (destroying what is already gone succeeds).
 */
export interface HypervisorDriver {
  readonly kind: PlatformKind;
  /** Connects and authenticates; reports the platform version. */
  test(): Promise<PlatformInfo>;
  /** Lists resources of one kind (an empty list when the platform has no such thing). */
  listResources(kind: ResourceKind): Promise<PlatformResource[]>;
  /** The platform's PV/guest-tools ISO, found by the platform's own flag where it has one. */
  findToolsIso(): Promise<PlatformResource | null>;

  /** Creates a halted network-boot container and returns it with its MAC. */
  createContainer(spec: ContainerSpec): Promise<VmInfo>;
  /** A VM by id; HvNotFoundError if absent. */
  getVm(id: string): Promise<VmInfo>;
  /** VMs (and templates) vizor created, optionally only one owner's. */
  listVms(filter?: { readonly owner?: string; readonly role?: VizorTag['role'] }): Promise<VmInfo[]>;

  attachIso(vmId: string, isoId: string): Promise<void>;
  ejectIso(vmId: string): Promise<void>;
  attachPayload(vmId: string, payload: PayloadSpec): Promise<AttachedPayload>;
  detachPayload(vmId: string, payload: AttachedPayload): Promise<void>;
  setBootOrder(vmId: string, order: readonly BootDevice[]): Promise<void>;
  setVmOptions(vmId: string, options: VmOptions): Promise<void>;
  grant(vmId: string, permission: VmPermission): Promise<void>;

  start(vmId: string): Promise<void>;
  /** Asks the guest to shut down (ACPI / guest agent). */
  shutdown(vmId: string): Promise<void>;
  /** Powers off at once. */
  stop(vmId: string): Promise<void>;
  /** Resolves when the VM reaches `state`; HvTimeoutError after timeoutMs. */
  waitForPower(vmId: string, state: PowerState, options: WaitOptions): Promise<VmInfo>;

  /** Turns a halted VM into a template (CDs ejected); the VM id stops being a VM. */
  convertToTemplate(vmId: string, name: string): Promise<TemplateInfo>;
  /** Makes a template visible to others (CloudStack permissions, ...) or hides it again. */
  publishTemplate(templateId: string, published: boolean): Promise<void>;
  deleteTemplate(templateId: string): Promise<void>;
  clone(spec: CloneSpec): Promise<VmInfo>;

  snapshot(vmId: string, name: string, description: string): Promise<SnapshotInfo>;
  listSnapshots(vmId: string): Promise<SnapshotInfo[]>;
  revert(vmId: string, snapshotId: string): Promise<void>;
  deleteSnapshot(vmId: string, snapshotId: string): Promise<void>;

  /** Destroys a VM with its disks and snapshots; succeeds if it is already gone. */
  destroy(vmId: string): Promise<void>;
  /** Ends the session. */
  close(): Promise<void>;
}
