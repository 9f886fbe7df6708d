import type { Logger } from '../log/index.js';
import { HvConfigError } from './errors.js';
import type { HypervisorDriver, PlatformKind } from './types.js';

/** A stored hypervisor entry, as the factory needs it (see store/hypervisors.ts). */
export interface HypervisorEntry {
  readonly name: string;
  readonly kind: PlatformKind;
  readonly url: string;
  readonly username: string | null;
  readonly options: Readonly<Record<string, string | number | boolean>>;
}

/** Option names each platform accepts (non-secret), with their type. */
export const HYPERVISOR_OPTIONS: Readonly<Record<PlatformKind, Readonly<Record<string, 'string' | 'number' | 'boolean'>>>> = {
  xenserver: { allowUnauthorized: 'boolean', containerTemplate: 'string', taskTimeoutMs: 'number', payloadSr: 'string', payloadDir: 'string' },
  cloudstack: { zone: 'string', hypervisor: 'string', ipxeIsoUrl: 'string', payloadBaseUrl: 'string', pollIntervalMs: 'number', jobTimeoutMs: 'number', method: 'string', expiringSignatures: 'boolean' },
  ovirt: { cluster: 'string', allowUnauthorized: 'boolean', pollIntervalMs: 'number', jobTimeoutMs: 'number' },
  qemu: { bridge: 'string', netns: 'string', accel: 'string', machine: 'string', isoDir: 'string' },
};

/** Checks and converts `key=value` option strings for a platform; throws HvConfigError naming the bad one. */
export function parseHypervisorOptions(kind: PlatformKind, pairs: readonly string[]): Record<string, string | number | boolean> {
  const known = HYPERVISOR_OPTIONS[kind];
  const out: Record<string, string | number | boolean> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq) : '';
    const raw = pair.slice(eq + 1);
    const type = known[key];
    if (!type) throw new HvConfigError(`unknown ${kind} option "${key || pair}" (known: ${Object.keys(known).join(', ')})`, { platform: kind });
    if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new HvConfigError(`${kind} option ${key} must be true or false`, { platform: kind });
      out[key] = raw === 'true';
    } else if (type === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new HvConfigError(`${kind} option ${key} must be a non-negative number`, { platform: kind });
      out[key] = n;
    } else out[key] = raw;
  }
  return out;
}

/** The state folder of a qemu:// URL (`qemu:///var/lib/vizor/qemu` → `/var/lib/vizor/qemu`). */
export function qemuStateDir(url: string): string {
  const m = /^qemu:\/\/(\/.*)$/.exec(url);
  if (!m) throw new HvConfigError(`a QEMU hypervisor URL is qemu:///<state folder>, got ${url}`, { platform: 'qemu' });
  return m[1]!;
}

/**
 * Opens the driver of a stored hypervisor with its secret (password or CloudStack secret
 * key). Driver code is imported only for the platform used.
 */
export async function openDriver(entry: HypervisorEntry, secret: string | null, logger?: Logger): Promise<HypervisorDriver> {
  const o = entry.options as Record<string, never>;
  const need = (what: string): string => {
    if (!secret) throw new HvConfigError(`hypervisor ${entry.name} has no stored ${what}: add it again with --password-stdin`, { platform: entry.kind });
    return secret;
  };
  const user = (): string => {
    if (!entry.username) throw new HvConfigError(`hypervisor ${entry.name} has no user name`, { platform: entry.kind });
    return entry.username;
  };
  switch (entry.kind) {
    case 'xenserver': {
      const { createXenServerDriver } = await import('./xenserver/index.js');
      return createXenServerDriver({ ...o, url: entry.url, user: user(), password: need('password'), ...(logger ? { logger } : {}) });
    }
    case 'cloudstack': {
      const { createCloudStackDriver } = await import('./cloudstack/index.js');
      return createCloudStackDriver({ ...o, url: entry.url, apiKey: user(), secretKey: need('secret key') });
    }
    case 'ovirt': {
      const { createOvirtDriver } = await import('./ovirt/index.js');
      return createOvirtDriver({ ...o, url: entry.url, user: user(), password: need('password') });
    }
    case 'qemu': {
      const { createQemuDriver } = await import('./qemu/index.js');
      return createQemuDriver({ ...o, stateDir: qemuStateDir(entry.url), ...(logger ? { logger } : {}) });
    }
  }
}
