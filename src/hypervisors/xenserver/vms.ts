import { HvNotFoundError, HvUnsupportedError } from '../errors.js';
import { pollUntil } from '../retry.js';
import type { BootDevice, PowerState, VizorTag, VmInfo, VmOptions, WaitOptions } from '../types.js';
import type { XapiConnection } from './connection.js';
import { badPowerStateActual } from './errors.js';
import { vmRecord, vmRef } from './lookup.js';
import { bootOrderString, powerOf, TAG_KEYS, tagOf, vmInfoOf, type VifRecord, type VmRecord } from './records.js';

/** Sets one map entry: remove_from_ then add_to_ (what xen-api does, avoiding MAP_DUPLICATE_KEY). */
export async function setMapEntry(x: XapiConnection, cls: string, ref: string, field: string, key: string, value: string): Promise<void> {
  await x.call(`${cls}.remove_from_${field}`, ref, key);
  await x.call(`${cls}.add_to_${field}`, ref, key, value);
}

/** Writes vizor's tag into the VM's other_config. */
export async function writeTag(x: XapiConnection, ref: string, tag: VizorTag): Promise<void> {
  await setMapEntry(x, 'VM', ref, 'other_config', TAG_KEYS.role, tag.role);
  await setMapEntry(x, 'VM', ref, 'other_config', TAG_KEYS.owner, tag.owner);
}

/** VmInfo for a VM ref: its record and its VIFs' MACs. */
export async function vmInfoByRef(x: XapiConnection, ref: string): Promise<VmInfo> {
  const vm = await vmRecord(x, ref);
  if (vm.is_a_snapshot) throw new HvNotFoundError(`xenserver: ${vm.uuid} is a snapshot, not a VM`, { platform: 'xenserver' });
  const vifs: VifRecord[] = [];
  for (const vif of vm.VIFs) vifs.push(await x.call<VifRecord>('VIF.get_record', vif));
  return vmInfoOf(ref, vm, vifs);
}

/** A VM by vizor id. */
export async function getVm(x: XapiConnection, id: string): Promise<VmInfo> {
  return vmInfoByRef(x, await vmRef(x, id));
}

/** The VMs and templates carrying vizor's tag (snapshots and dom0 never), filtered by owner/role. */
export async function listVms(x: XapiConnection, filter: { readonly owner?: string; readonly role?: VizorTag['role'] } = {}): Promise<VmInfo[]> {
  const vms = Object.entries(await x.call<Record<string, VmRecord>>('VM.get_all_records'));
  const vifs = Object.values(await x.call<Record<string, VifRecord & { VM: string }>>('VIF.get_all_records'));
  return vms
    .filter(([, vm]) => {
      const tag = tagOf(vm.other_config);
      if (!tag || vm.is_a_snapshot || vm.is_control_domain) return false;
      return (filter.owner === undefined || tag.owner === filter.owner) && (filter.role === undefined || tag.role === filter.role);
    })
    .map(([ref, vm]) => vmInfoOf(ref, vm, vifs.filter((v) => v.VM === ref)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Runs a power operation as a task; a VM already in the state the operation leads to
 * counts as success (VM_BAD_POWER_STATE whose actual state is `done`), so retries and
 * repeated calls are harmless.
 */
async function powerOp(x: XapiConnection, id: string, method: string, args: unknown[], done: string): Promise<void> {
  const ref = await vmRef(x, id);
  try {
    await x.callAsync(method, ref, ...args);
  } catch (err) {
    if (badPowerStateActual(err) !== done) throw err;
  }
}

/** VM.start(vm, start_paused=false, force=false). */
export const start = (x: XapiConnection, id: string): Promise<void> => powerOp(x, id, 'VM.start', [false, false], 'running');
/** VM.clean_shutdown: the guest shuts down (needs PV drivers / a cooperating guest). */
export const shutdown = (x: XapiConnection, id: string): Promise<void> => powerOp(x, id, 'VM.clean_shutdown', [], 'halted');
/** VM.hard_shutdown: power off at once. */
export const stop = (x: XapiConnection, id: string): Promise<void> => powerOp(x, id, 'VM.hard_shutdown', [], 'halted');

/** How often the event-fed cache is looked at, and how often XAPI is asked directly regardless. */
const CACHE_CHECK_MS = 100;
const DIRECT_CHECK_MS = 5000;

/**
 * Waits for a power state. The client's VM cache (kept current by event.from) says when
 * to look; the answer always comes from a direct VM.get_power_state, so a stale cache
 * can neither end the wait early nor stall it (XAPI is also asked every 5 s).
 */
export async function waitForPower(x: XapiConnection, id: string, state: PowerState, options: WaitOptions): Promise<VmInfo> {
  const ref = await vmRef(x, id);
  let lastDirect = -Infinity;
  const probe = async (): Promise<VmInfo | undefined> => {
    const hinted = powerOf(x.cached(ref)?.['power_state'] as string | undefined) === state;
    if (!hinted && Date.now() - lastDirect < DIRECT_CHECK_MS) return undefined;
    lastDirect = Date.now();
    if (powerOf(await x.call<string>('VM.get_power_state', ref)) !== state) return undefined;
    return vmInfoByRef(x, ref);
  };
  return pollUntil('xenserver', `VM ${id} to be ${state}`, probe, {
    timeoutMs: options.timeoutMs,
    intervalMs: CACHE_CHECK_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** HVM_boot_params["order"]: n network, c disk, d CD. */
export async function setBootOrder(x: XapiConnection, id: string, order: readonly BootDevice[]): Promise<void> {
  const value = bootOrderString(order);
  await setMapEntry(x, 'VM', await vmRef(x, id), 'HVM_boot_params', 'order', value);
}

/**
 * VM options XenServer has: description (name_description), osType (Windows guests get
 * the Viridian enlightenments the Windows templates enable: platform["viridian"]) and
 * stateless (every disk VDI's on_boot = reset: changes are discarded at each boot).
 * USB redirection has no XAPI equivalent: HvUnsupportedError.
 */
export async function setVmOptions(x: XapiConnection, id: string, options: VmOptions): Promise<void> {
  if (options.usb === true) throw new HvUnsupportedError('xenserver: USB redirection is not a XAPI VM option', { platform: 'xenserver' });
  const ref = await vmRef(x, id);
  if (options.description !== undefined) await x.call('VM.set_name_description', ref, options.description);
  if (options.osType !== undefined) {
    await setMapEntry(x, 'VM', ref, 'platform', 'viridian', /^win/i.test(options.osType) ? 'true' : 'false');
  }
  if (options.stateless !== undefined) {
    const vm = await vmRecord(x, ref);
    for (const vbd of vm.VBDs) {
      const r = await x.call<{ type: string; VDI: string; empty: boolean }>('VBD.get_record', vbd);
      if (r.type === 'Disk' && !r.empty) await x.call('VDI.set_on_boot', r.VDI, options.stateless ? 'reset' : 'persist');
    }
  }
}
