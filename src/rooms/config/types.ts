/** What a reset does with a VM after restoring its snapshot. */
export type ResetStart = 'always' | 'if-running' | 'never';

/** A DHCP pool, inclusive, as in vizor.yaml's boot.dhcp.poolStart/poolEnd. */
export interface DhcpPool {
  readonly start: string;
  readonly end: string;
}

/** Every setting of one VM of a room, computed offline from the room file. */
export interface PlannedVm {
  readonly room: string;
  /** Platform VM name; also the Windows computer name. */
  readonly name: string;
  readonly id: number;
  readonly group: string;
  /** Windows computer name (NetBIOS, at most 15 characters). */
  readonly hostname: string;
  /** Name of the vizor hypervisor entry; null when no level sets one (a validation problem). */
  readonly hypervisor: string | null;
  /** Template name or id on that hypervisor; null when unset (a validation problem). */
  readonly template: string | null;
  /** Static address, or null when the VM takes its address from DHCP. */
  readonly ip: string | null;
  /** The configured subnet the address belongs in, e.g. `10.1.2.0/24`. */
  readonly subnet: string | null;
  readonly prefix: number | null;
  readonly gateway: string | null;
  readonly dns: readonly string[];
  /** Fixed MAC, or null to let the platform pick one. */
  readonly mac: string | null;
  /** Memory and CPUs; null keeps the template's. */
  readonly memoryMiB: number | null;
  readonly vcpus: number | null;
  readonly usb: boolean;
  readonly stateless: boolean;
  readonly startAfterRollout: boolean;
  /** Platform placement (cluster, network, storage, zone...), free keys. */
  readonly placement: Readonly<Record<string, string | number | boolean>>;
  readonly description: string | null;
  /** Final OS type and time zone set on the platform after setup, where it has them. */
  readonly osType: string | null;
  readonly timeZone: string | null;
  readonly thinClient: { readonly user?: string; readonly group?: string; readonly role: string } | null;
  /** Snapshot taken after rollout (null: none; always null for stateless VMs). `${time}` is filled by the rollout. */
  readonly snapshot: { readonly name: string; readonly description: string } | null;
  readonly reset: { readonly start: ResetStart };
  /** Unattend template and its merged values; secrets are references, resolved at render time. */
  readonly unattend: {
    readonly template: string;
    /** `file`: a path (absolute once loaded from a file); `builtin`: a template shipped with vizor. */
    readonly templateKind: 'file' | 'builtin';
    readonly values: Readonly<Record<string, unknown>>;
    readonly secrets: Readonly<Record<string, string>>;
  } | null;
  readonly domain: { readonly name: string; readonly ou: string | null; readonly user: string; readonly passwordSecret: string } | null;
  /** Whether vizor's DHCP gets a reservation for this VM's MAC and address. */
  readonly dhcpReserve: boolean;
  /** Where the settings came from, for problem messages. */
  readonly source: {
    readonly file: string | null;
    /** YAML path of the group, e.g. `groups[1]`. */
    readonly group: string;
    /** YAML paths of the settings validation looks at. */
    readonly paths: Readonly<Record<'name' | 'addressing' | 'template' | 'hypervisor' | 'mac' | 'ids', string>>;
  };
}
