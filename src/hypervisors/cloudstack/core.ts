/**
 * The driver's options and the shared core its operations work through: the signed client,
 * the resolver, the boot ISO per zone, and VM lookups.
 */
import { HvConfigError, HvNotFoundError } from '../errors.js';
import type { RetryPolicy } from '../retry.js';
import { CsClient, type CsObject } from './client.js';
import { ensureBootIso, type BootIsoSettings } from './isos.js';
import { Resolver } from './resolve.js';

/** Options of the CloudStack driver. */
export interface CloudStackDriverOptions {
  /** API endpoint, e.g. `https://cloud.example.com/client/api`. */
  readonly url: string;
  readonly apiKey: string;
  readonly secretKey: string;
  /** Zone id or name (default: the only zone). */
  readonly zone?: string;
  /** Hypervisor of VMs deployed from the boot ISO, which has none of its own (default: the zone's first, from listHypervisors). */
  readonly hypervisor?: string;
  /** The iPXE boot ISO vizor serves (see buildIpxeIso); needed by createContainer. */
  readonly bootIso?: BootIsoSettings;
  /** Shorthand for `bootIso: {url}`. */
  readonly ipxeIsoUrl?: string;
  /** Where vizor serves payload ISOs by name (`<base>/<name>`); without it, payload ISOs must already be registered. */
  readonly payloadBaseUrl?: string;
  readonly retry?: RetryPolicy;
  /** Between polls of jobs, ISO downloads and power states (default 2000 ms). */
  readonly pollIntervalMs?: number;
  /** Longest wait for one async job (default 30 min). */
  readonly jobTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** HTTP method of API calls (default POST). */
  readonly method?: 'GET' | 'POST';
  /** Sign with signatureVersion=3 + expires (default true). */
  readonly expiringSignatures?: boolean;
  /** CPU speed for custom offerings that leave it open (default 1000 MHz). */
  readonly cpuSpeedMHz?: number;
}

/** VM states after which a VM no longer exists for vizor. */
const GONE = new Set(['Destroyed', 'Expunging', 'Expunged']);

/** What the driver's operations share. */
export class DriverCore {
  readonly client: CsClient;
  readonly resolver: Resolver;
  readonly pollIntervalMs: number;
  readonly bootIso: BootIsoSettings | undefined;
  private readonly bootIsos = new Map<string, Promise<string>>();

  constructor(readonly opts: CloudStackDriverOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new HvConfigError(`cloudstack: url "${opts.url}" is not a URL`, { platform: 'cloudstack' });
    }
    if (!/^https?:$/.test(url.protocol)) throw new HvConfigError(`cloudstack: url must be http(s), got ${url.protocol}`, { platform: 'cloudstack' });
    if (!opts.apiKey || !opts.secretKey) throw new HvConfigError('cloudstack: apiKey and secretKey are required', { platform: 'cloudstack' });
    this.client = new CsClient(opts);
    this.pollIntervalMs = opts.pollIntervalMs ?? 2000;
    this.resolver = new Resolver(this.client, opts.zone, opts.cpuSpeedMHz ?? 1000);
    this.bootIso = opts.bootIso ?? (opts.ipxeIsoUrl ? { url: opts.ipxeIsoUrl } : undefined);
  }

  /** The raw listVirtualMachines record of a VM; HvNotFoundError when it is absent or destroyed. */
  async vm(id: string): Promise<CsObject> {
    // listall: also VMs handed to other accounts (grant), where the API key may see them
    const r = await this.client.call('listVirtualMachines', { id, listall: 'true' });
    const vm = Array.isArray(r.virtualmachine) ? (r.virtualmachine[0] as CsObject | undefined) : undefined;
    if (!vm || GONE.has(String(vm.state))) throw new HvNotFoundError(`cloudstack: VM ${id} not found`, { platform: 'cloudstack' });
    return vm;
  }

  /** True when a VM record is gone for vizor's purposes. */
  static isGone(vm: CsObject): boolean {
    return GONE.has(String(vm.state));
  }

  /** The ready boot ISO's id in a zone, registering it once per driver and zone. */
  bootIsoId(zoneId: string): Promise<string> {
    const settings = this.bootIso;
    if (!settings) {
      return Promise.reject(new HvConfigError('cloudstack: no iPXE boot ISO configured (bootIso.url / ipxeIsoUrl): CloudStack VMs cannot network-boot without it', { platform: 'cloudstack' }));
    }
    let pending = this.bootIsos.get(zoneId);
    if (!pending) {
      pending = ensureBootIso({
        client: this.client, settings, zoneId, pollIntervalMs: this.pollIntervalMs,
        osTypeId: () => this.resolver.osType(settings.osType ?? 'Other (64-bit)'),
      });
      // a failure is not cached: the next container tries again
      pending.catch(() => this.bootIsos.delete(zoneId));
      this.bootIsos.set(zoneId, pending);
    }
    return pending;
  }
}
