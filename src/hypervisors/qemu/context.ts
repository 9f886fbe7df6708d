/**
 * What every part of the QEMU driver shares (options, state store, host commands) and the
 * checks they all make before touching a VM.
 */
import { randomBytes } from 'node:crypto';
import type { PowerState } from '../types.js';
import { HvNotFoundError, HvRequestError, HvStateError } from '../errors.js';
import type { QemuHost } from './host.js';
import { ISOLATED_NETWORK, type ResolvedQemuOptions } from './options.js';
import type { VmPaths, VmRecord } from './record.js';
import { powerState } from './runtime.js';
import type { VmStore } from './store.js';

/** The QEMU driver's shared parts. */
export interface QemuContext {
  readonly opts: ResolvedQemuOptions;
  readonly store: VmStore;
  readonly host: QemuHost;
}

/** Platform name used in every error of this driver. */
export const platform = 'qemu' as const;

/** The one network this driver offers: its bridge, or `isolated`. */
export function networkName(ctx: QemuContext): string {
  return ctx.opts.bridge ?? ISOLATED_NETWORK;
}

/** Throws HvNotFoundError unless `network` (when given) is the driver's network. */
export function checkNetwork(ctx: QemuContext, network: string | undefined): string {
  const own = networkName(ctx);
  if (network !== undefined && network !== own) {
    throw new HvNotFoundError(`qemu: no network ${JSON.stringify(network)}; this driver has only ${own}`, { platform });
  }
  return own;
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** A MAC in lower case; HvRequestError when it is not one, or is multicast. */
export function normaliseMac(mac: string): string {
  const m = mac.toLowerCase().replace(/-/g, ':');
  if (!MAC.test(m) || (parseInt(m.slice(0, 2), 16) & 1) === 1) {
    throw new HvRequestError(`qemu: ${JSON.stringify(mac)} is not a unicast MAC address`, { platform });
  }
  return m;
}

/** A random MAC in QEMU's 52:54:00 range that no VM of this driver uses yet. */
export async function freshMac(ctx: QemuContext): Promise<string> {
  const used = new Set((await ctx.store.list()).flatMap((r) => r.macs));
  for (;;) {
    const mac = `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    if (!used.has(mac)) return mac;
  }
}

/** The record and paths of a VM that is not a template; HvNotFoundError / HvStateError otherwise. */
export async function requireVm(ctx: QemuContext, id: string): Promise<{ rec: VmRecord; paths: VmPaths }> {
  const rec = await ctx.store.get(id);
  if (rec.isTemplate) throw new HvStateError(`qemu: ${id} (${rec.name}) is a template, not a VM`, { platform, platformCode: 'IS_TEMPLATE' });
  return { rec, paths: ctx.store.paths(id) };
}

/** The power state of a record (templates are always halted). */
export function recordPower(ctx: QemuContext, rec: VmRecord): Promise<PowerState> {
  return rec.isTemplate ? Promise.resolve('halted') : powerState(ctx.store.paths(rec.id));
}

/** Throws HvStateError unless the VM's QEMU is not running; `what` names the refused operation. */
export async function requireHalted(ctx: QemuContext, rec: VmRecord, what: string): Promise<void> {
  const power = await recordPower(ctx, rec);
  if (power !== 'halted') {
    throw new HvStateError(`qemu: cannot ${what} VM ${rec.id} (${rec.name}) while it is ${power}; stop or shut it down first`, { platform, platformCode: 'VM_NOT_HALTED', platformMessage: power });
  }
}
