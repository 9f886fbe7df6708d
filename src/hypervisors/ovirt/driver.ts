/**
 * The oVirt driver: HypervisorDriver over the REST API v4. Each method is a thin call into
 * the module that owns the concept; this class only holds the connection and options.
 */
import { HvConfigError } from '../errors.js';
import type { RetryPolicy } from '../retry.js';
import type {
  AttachedPayload,
  BootDevice,
  CloneSpec,
  ContainerSpec,
  HypervisorDriver,
  PayloadSpec,
  PlatformInfo,
  PlatformResource,
  PowerState,
  ResourceKind,
  SnapshotInfo,
  TemplateInfo,
  VizorTag,
  VmInfo,
  VmOptions,
  VmPermission,
  WaitOptions,
} from '../types.js';
import { OvirtClient } from './client.js';
import type { OvirtContext } from './context.js';
import { clone, createContainer } from './create.js';
import * as devices from './devices.js';
import * as power from './power.js';
import { findToolsIso, listResources, platformInfo } from './resources.js';
import * as snapshots from './snapshots.js';
import * as templates from './templates.js';
import { getVm, listVms } from './vms.js';

/** Options of an oVirt driver. */
export interface OvirtDriverOptions {
  /** Engine URL, `https://engine.example` or `https://engine.example/ovirt-engine/api`. */
  readonly url: string;
  /** User with profile, e.g. `admin@internal`. */
  readonly user: string;
  readonly password: string;
  /** Cluster for VMs whose placement names none; default `Default`. */
  readonly cluster?: string;
  /** Skip TLS verification (engine CA not installed); prefer `ca`. */
  readonly allowUnauthorized?: boolean;
  /** PEM CA of the engine (/etc/pki/ovirt-engine/ca.pem on the engine). */
  readonly ca?: string | Buffer;
  readonly retry?: RetryPolicy;
  /** How often engine jobs and power states are polled; default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Longest wait for one engine job (create, copy, snapshot, remove); default 30 min. */
  readonly jobTimeoutMs?: number;
}

/** HypervisorDriver for oVirt / RHV engines (REST API v4). */
export class OvirtDriver implements HypervisorDriver {
  readonly kind = 'ovirt' as const;
  private readonly ctx: OvirtContext;

  constructor(options: OvirtDriverOptions) {
    if (!options.url || !options.user || !options.password) {
      throw new HvConfigError('ovirt: url, user and password are required', { platform: 'ovirt' });
    }
    let client: OvirtClient;
    try {
      client = new OvirtClient(options);
    } catch (err) {
      if (err instanceof HvConfigError) throw err;
      throw new HvConfigError(`ovirt: url "${options.url}" is not a URL`, { platform: 'ovirt', cause: err });
    }
    this.ctx = {
      client,
      defaultCluster: options.cluster ?? 'Default',
      pollIntervalMs: options.pollIntervalMs ?? 2000,
      jobTimeoutMs: options.jobTimeoutMs ?? 30 * 60_000,
    };
  }

  test(): Promise<PlatformInfo> {
    return platformInfo(this.ctx);
  }
  listResources(kind: ResourceKind): Promise<PlatformResource[]> {
    return listResources(this.ctx, kind);
  }
  findToolsIso(): Promise<PlatformResource | null> {
    return findToolsIso(this.ctx);
  }

  createContainer(spec: ContainerSpec): Promise<VmInfo> {
    return createContainer(this.ctx, spec);
  }
  getVm(id: string): Promise<VmInfo> {
    return getVm(this.ctx, id);
  }
  listVms(filter?: { readonly owner?: string; readonly role?: VizorTag['role'] }): Promise<VmInfo[]> {
    return listVms(this.ctx, filter);
  }

  attachIso(vmId: string, isoId: string): Promise<void> {
    return devices.attachIso(this.ctx, vmId, isoId);
  }
  ejectIso(vmId: string): Promise<void> {
    return devices.ejectIso(this.ctx, vmId);
  }
  attachPayload(vmId: string, payload: PayloadSpec): Promise<AttachedPayload> {
    return devices.attachPayload(this.ctx, vmId, payload);
  }
  detachPayload(vmId: string, _payload: AttachedPayload): Promise<void> {
    return devices.detachPayload(this.ctx, vmId);
  }
  setBootOrder(vmId: string, order: readonly BootDevice[]): Promise<void> {
    return devices.setBootOrder(this.ctx, vmId, order);
  }
  setVmOptions(vmId: string, options: VmOptions): Promise<void> {
    return devices.setVmOptions(this.ctx, vmId, options);
  }
  grant(vmId: string, permission: VmPermission): Promise<void> {
    return devices.grant(this.ctx, vmId, permission);
  }

  start(vmId: string): Promise<void> {
    return power.start(this.ctx, vmId);
  }
  shutdown(vmId: string): Promise<void> {
    return power.shutdown(this.ctx, vmId);
  }
  stop(vmId: string): Promise<void> {
    return power.stop(this.ctx, vmId);
  }
  waitForPower(vmId: string, state: PowerState, options: WaitOptions): Promise<VmInfo> {
    return power.waitForPower(this.ctx, vmId, state, options);
  }

  convertToTemplate(vmId: string, name: string): Promise<TemplateInfo> {
    return templates.convertToTemplate(this.ctx, vmId, name);
  }
  publishTemplate(templateId: string, published: boolean): Promise<void> {
    return templates.publishTemplate(this.ctx, templateId, published);
  }
  deleteTemplate(templateId: string): Promise<void> {
    return templates.deleteTemplate(this.ctx, templateId);
  }
  clone(spec: CloneSpec): Promise<VmInfo> {
    return clone(this.ctx, spec);
  }

  snapshot(vmId: string, name: string, description: string): Promise<SnapshotInfo> {
    return snapshots.snapshot(this.ctx, vmId, name, description);
  }
  listSnapshots(vmId: string): Promise<SnapshotInfo[]> {
    return snapshots.listSnapshots(this.ctx, vmId);
  }
  revert(vmId: string, snapshotId: string): Promise<void> {
    return snapshots.revert(this.ctx, vmId, snapshotId);
  }
  deleteSnapshot(vmId: string, snapshotId: string): Promise<void> {
    return snapshots.deleteSnapshot(this.ctx, vmId, snapshotId);
  }

  destroy(vmId: string): Promise<void> {
    return power.destroy(this.ctx, vmId);
  }
  close(): Promise<void> {
    return this.ctx.client.close();
  }
}
