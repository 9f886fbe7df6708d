/**
 * The local QEMU hypervisor driver: each VM is a folder under stateDir (vm.json, a qcow2
 * disk, sockets and logs) and, while it runs, a daemonized qemu-system-x86_64 controlled
 * over QMP. VMs outlive the vizor process; a restarted driver finds them by their pidfiles.
 */
import type {
  AttachedPayload, BootDevice, CloneSpec, ContainerSpec, HypervisorDriver, PayloadSpec, PlatformInfo, PlatformResource,
  PowerState, ResourceKind, SnapshotInfo, TemplateInfo, VizorTag, VmInfo, VmOptions, VmPermission, WaitOptions,
} from '../types.js';
import { HvUnsupportedError } from '../errors.js';
import { platform, type QemuContext } from './context.js';
import { CommandRunner } from './exec.js';
import { QemuHost } from './host.js';
import * as media from './media.js';
import type { ResolvedQemuOptions } from './options.js';
import * as resources from './resources.js';
import * as snapshots from './snapshots.js';
import { VmStore } from './store.js';
import * as templates from './templates.js';
import * as vms from './vms.js';

/** HypervisorDriver for local QEMU/KVM. */
export class QemuDriver implements HypervisorDriver {
  readonly kind = platform;
  private readonly ctx: QemuContext;

  constructor(opts: ResolvedQemuOptions) {
    this.ctx = { opts, store: new VmStore(opts.stateDir), host: new QemuHost(opts, new CommandRunner(opts.logger)) };
  }

  test(): Promise<PlatformInfo> {
    return resources.testPlatform(this.ctx);
  }
  listResources(kind: ResourceKind): Promise<PlatformResource[]> {
    return resources.listResources(this.ctx, kind);
  }
  findToolsIso(): Promise<PlatformResource | null> {
    return resources.findToolsIso(this.ctx);
  }

  createContainer(spec: ContainerSpec): Promise<VmInfo> {
    return vms.createContainer(this.ctx, spec);
  }
  getVm(id: string): Promise<VmInfo> {
    return vms.getVm(this.ctx, id);
  }
  listVms(filter?: { readonly owner?: string; readonly role?: VizorTag['role'] }): Promise<VmInfo[]> {
    return vms.listVms(this.ctx, filter);
  }

  attachIso(vmId: string, isoId: string): Promise<void> {
    return media.attachIso(this.ctx, vmId, isoId);
  }
  ejectIso(vmId: string): Promise<void> {
    return media.ejectIso(this.ctx, vmId);
  }
  attachPayload(vmId: string, payload: PayloadSpec): Promise<AttachedPayload> {
    return media.attachPayload(this.ctx, vmId, payload);
  }
  detachPayload(vmId: string, payload: AttachedPayload): Promise<void> {
    return media.detachPayload(this.ctx, vmId, payload);
  }
  setBootOrder(vmId: string, order: readonly BootDevice[]): Promise<void> {
    return vms.setBootOrder(this.ctx, vmId, order);
  }
  setVmOptions(vmId: string, options: VmOptions): Promise<void> {
    return vms.setVmOptions(this.ctx, vmId, options);
  }
  /** Local QEMU has no users or roles: always HvUnsupportedError. */
  grant(_vmId: string, _permission: VmPermission): Promise<void> {
    return Promise.reject(new HvUnsupportedError('qemu: local VMs have no users or roles to grant', { platform }));
  }

  start(vmId: string): Promise<void> {
    return vms.start(this.ctx, vmId);
  }
  shutdown(vmId: string): Promise<void> {
    return vms.shutdown(this.ctx, vmId);
  }
  stop(vmId: string): Promise<void> {
    return vms.stop(this.ctx, vmId);
  }
  waitForPower(vmId: string, state: PowerState, options: WaitOptions): Promise<VmInfo> {
    return vms.waitForPower(this.ctx, vmId, state, options);
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
    return templates.clone(this.ctx, spec);
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
    return vms.destroy(this.ctx, vmId);
  }
  /** Nothing to close: VMs keep running without the driver, which holds no connections between calls. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
