import { isAbsolute } from 'node:path';
import { HvConfigError, HvUnsupportedError } from '../errors.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../retry.js';
import type {
  AttachedPayload, BootDevice, CloneSpec, ContainerSpec, HypervisorDriver, PayloadSpec, PlatformInfo, PlatformResource, PowerState,
  ResourceKind, SnapshotInfo, TemplateInfo, VizorTag, VmInfo, VmOptions, VmPermission, WaitOptions,
} from '../types.js';
import type { Logger } from '../../log/index.js';
import { XapiConnection } from './connection.js';
import { createContainer, type ContainerTemplates } from './container.js';
import { destroy } from './destroy.js';
import { attachIso, ejectIso } from './media.js';
import { attachPayload, detachPayload, ScanQueue, type PayloadLibrary } from './payloads.js';
import { findToolsIso, listResources, platformInfo } from './resources.js';
import { deleteSnapshot, listSnapshots, revert, snapshot } from './snapshots.js';
import { cloneVm, convertToTemplate, deleteTemplate, publishTemplate } from './templates.js';
import * as vms from './vms.js';

/** How to reach and drive one XenServer / XCP-ng pool. */
export interface XenServerOptions {
  /** Pool master URL, e.g. https://xcp1.example.org (http:// for tests). */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** Accept a self-signed host certificate (XenServer's default). */
  readonly allowUnauthorized?: boolean;
  /** Retries of busy objects and dropped connections; default DEFAULT_RETRY. */
  readonly retry?: RetryPolicy;
  readonly logger?: Logger;
  /** Template containers are cloned from (name, uuid or ref); default "Other install media". */
  readonly containerTemplate?: string;
  /** Template per ContainerSpec.osType, used instead of containerTemplate when the hint matches. */
  readonly osTemplates?: Readonly<Record<string, string>>;
  /** Longest an Async.* task may run before HvTimeoutError; default one hour. */
  readonly taskTimeoutMs?: number;
  /** Pause between event.from polls (xen-api `debounce`); default 200 ms. */
  readonly eventDebounceMs?: number;
  /** Pause after a failed event fetch; default 5 s (xen-api's own default is 60 s). */
  readonly eventRetryDelayMs?: number;
  /** ISO library SR (name or uuid) that payload ISOs are uploaded to; needs payloadDir. */
  readonly payloadSr?: string;
  /** Absolute path of payloadSr's storage folder (its NFS/CIFS share) as mounted on the vizor host; needs payloadSr. */
  readonly payloadDir?: string;
}

/** The HypervisorDriver for XenServer / XCP-ng, over XAPI through the `xen-api` client. */
export class XenServerDriver implements HypervisorDriver {
  readonly kind = 'xenserver' as const;
  private readonly x: XapiConnection;
  private readonly endpoint: string;
  private readonly templates: ContainerTemplates;
  private readonly library: PayloadLibrary | undefined;
  private readonly scans = new ScanQueue();

  constructor(opts: XenServerOptions) {
    const bad = (what: string): HvConfigError => new HvConfigError(`xenserver: ${what}`, { platform: 'xenserver' });
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw bad(`url is not a URL: ${String(opts.url)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw bad(`url must be http(s)://, got ${url.protocol}`);
    if (url.username || url.password) throw bad('put credentials in user/password, not in the url');
    if (!opts.user) throw bad('user is required');
    if (typeof opts.password !== 'string') throw bad('password is required');
    this.endpoint = url.origin;
    if ((opts.payloadSr === undefined) !== (opts.payloadDir === undefined) || opts.payloadSr === '' || opts.payloadDir === '') {
      throw bad('payloadSr (the ISO library SR) and payloadDir (its folder mounted on this host) are set together or not at all');
    }
    if (opts.payloadDir !== undefined && !isAbsolute(opts.payloadDir)) throw bad(`payloadDir must be an absolute path, got ${opts.payloadDir}`);
    this.library = opts.payloadSr !== undefined && opts.payloadDir !== undefined ? { sr: opts.payloadSr, dir: opts.payloadDir } : undefined;
    this.templates = { container: opts.containerTemplate ?? 'Other install media', byOsType: opts.osTemplates ?? {} };
    this.x = new XapiConnection({
      url: url.origin,
      user: opts.user,
      password: opts.password,
      allowUnauthorized: opts.allowUnauthorized ?? false,
      retry: opts.retry ?? DEFAULT_RETRY,
      taskTimeoutMs: opts.taskTimeoutMs ?? 3_600_000,
      eventDebounceMs: opts.eventDebounceMs ?? 200,
      eventRetryDelayMs: opts.eventRetryDelayMs ?? 5000,
      logger: opts.logger,
    });
  }

  /** Logs in and reads the pool master's version. */
  test(): Promise<PlatformInfo> {
    return platformInfo(this.x, this.endpoint);
  }
  /** Pools, hosts, networks, SRs, templates and ISOs; empty for kinds XenServer lacks. */
  listResources(kind: ResourceKind): Promise<PlatformResource[]> {
    return listResources(this.x, kind);
  }
  /** The ISO flagged VDI.is_tools_iso. */
  findToolsIso(): Promise<PlatformResource | null> {
    return findToolsIso(this.x);
  }
  /** Template clone + provision + disk, CD drive, VIF, boot order "ncd". */
  createContainer(spec: ContainerSpec): Promise<VmInfo> {
    return createContainer(this.x, spec, this.templates);
  }
  /** A VM by uuid. */
  getVm(id: string): Promise<VmInfo> {
    return vms.getVm(this.x, id);
  }
  /** VMs whose other_config carries vizor's tag. */
  listVms(filter?: { readonly owner?: string; readonly role?: VizorTag['role'] }): Promise<VmInfo[]> {
    return vms.listVms(this.x, filter);
  }
  /** Inserts an ISO into the CD drive. */
  attachIso(vmId: string, isoId: string): Promise<void> {
    return attachIso(this.x, vmId, isoId);
  }
  /** Empties the CD drives. */
  ejectIso(vmId: string): Promise<void> {
    return ejectIso(this.x, vmId);
  }
  /** ISO payloads, uploaded to payloadSr through payloadDir (else already on an ISO SR); floppies are unsupported. */
  attachPayload(vmId: string, payload: PayloadSpec): Promise<AttachedPayload> {
    return attachPayload(this.x, this.scans, vmId, payload, this.library);
  }
  /** Ejects the payload ISO; an uploaded one is also deleted and scanned away. */
  detachPayload(vmId: string, payload: AttachedPayload): Promise<void> {
    return detachPayload(this.x, this.scans, vmId, payload, this.library);
  }
  /** HVM_boot_params order. */
  setBootOrder(vmId: string, order: readonly BootDevice[]): Promise<void> {
    return vms.setBootOrder(this.x, vmId, order);
  }
  /** Description, osType (viridian), stateless (VDI on_boot); USB unsupported. */
  setVmOptions(vmId: string, options: VmOptions): Promise<void> {
    return vms.setVmOptions(this.x, vmId, options);
  }
  /** XAPI has no per-VM permissions: always HvUnsupportedError. */
  async grant(_vmId: string, _permission: VmPermission): Promise<void> {
    throw new HvUnsupportedError('xenserver: XAPI has no per-VM permissions (RBAC roles are pool-wide)', { platform: 'xenserver' });
  }
  /** VM.start. */
  start(vmId: string): Promise<void> {
    return vms.start(this.x, vmId);
  }
  /** VM.clean_shutdown. */
  shutdown(vmId: string): Promise<void> {
    return vms.shutdown(this.x, vmId);
  }
  /** VM.hard_shutdown. */
  stop(vmId: string): Promise<void> {
    return vms.stop(this.x, vmId);
  }
  /** Event-driven wait, confirmed with VM.get_power_state. */
  waitForPower(vmId: string, state: PowerState, options: WaitOptions): Promise<VmInfo> {
    return vms.waitForPower(this.x, vmId, state, options);
  }
  /** Eject CDs, rename, set_is_a_template. */
  convertToTemplate(vmId: string, name: string): Promise<TemplateInfo> {
    return convertToTemplate(this.x, vmId, name);
  }
  /** Records other_config["vizor.published"]. */
  publishTemplate(templateId: string, published: boolean): Promise<void> {
    return publishTemplate(this.x, templateId, published);
  }
  /** Destroys a template with its disks. */
  deleteTemplate(templateId: string): Promise<void> {
    return deleteTemplate(this.x, templateId);
  }
  /** VM.clone (or VM.copy to placement.storage) of a template. */
  clone(spec: CloneSpec): Promise<VmInfo> {
    return cloneVm(this.x, spec);
  }
  /** VM.snapshot. */
  snapshot(vmId: string, name: string, description: string): Promise<SnapshotInfo> {
    return snapshot(this.x, vmId, name, description);
  }
  /** VM.snapshots, oldest first. */
  listSnapshots(vmId: string): Promise<SnapshotInfo[]> {
    return listSnapshots(this.x, vmId);
  }
  /** VM.revert, restarting a VM that was running. */
  revert(vmId: string, snapshotId: string): Promise<void> {
    return revert(this.x, vmId, snapshotId);
  }
  /** Destroys a snapshot and its disks. */
  deleteSnapshot(vmId: string, snapshotId: string): Promise<void> {
    return deleteSnapshot(this.x, vmId, snapshotId);
  }
  /** Destroys a VM with snapshots and unshared disks; idempotent. */
  destroy(vmId: string): Promise<void> {
    return destroy(this.x, vmId);
  }
  /** Logs out. */
  close(): Promise<void> {
    return this.x.close();
  }
}
