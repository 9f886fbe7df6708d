import { createXenServerDriver, type XenServerDriver, type XenServerOptions } from '../../../../src/hypervisors/xenserver/index.js';
import type { ContainerSpec } from '../../../../src/hypervisors/index.js';
import { startXapiFake, type XapiCall, type XapiFake, type XapiFakeOptions } from '../../../fakes/xapi/index.js';

/** Retries quick enough for tests (3 tries, 10–20 ms apart). */
export const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 } as const;

/** A fake pool and a driver logged in to it. */
export interface Rig {
  readonly fake: XapiFake;
  readonly driver: XenServerDriver;
  /** Closes the driver first (so its event loop parks), then the fake. */
  close(): Promise<void>;
}

/**
 * Starts a fake and a driver on it (retry FAST_RETRY, 10 ms event debounce, 50 ms event
 * retry delay). Driver options may depend on the fake (e.g. payloadDir = fake.srDir(...)).
 */
export async function startRig(driverOpts: Partial<XenServerOptions> | ((fake: XapiFake) => Partial<XenServerOptions>) = {}, fakeOpts: XapiFakeOptions = {}): Promise<Rig> {
  const fake = await startXapiFake(fakeOpts);
  const extra = typeof driverOpts === 'function' ? driverOpts(fake) : driverOpts;
  const driver = createXenServerDriver({ url: fake.url, user: fake.user, password: fake.password, retry: FAST_RETRY, eventDebounceMs: 10, eventRetryDelayMs: 50, ...extra });
  return {
    fake,
    driver,
    close: async () => {
      await driver.close();
      await fake.close();
    },
  };
}

/** A container spec with test defaults. */
export function containerSpec(over: Partial<ContainerSpec> = {}): ContainerSpec {
  return { name: 'build-1', vcpus: 2, memoryMiB: 2048, diskGiB: 20, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'b-1' }, ...over };
}

/** Calls made by the driver itself: the client's session, event-loop and task bookkeeping removed. */
export function driverCalls(fake: XapiFake): XapiCall[] {
  return fake.calls.filter((c) => !/^(event|task|session|system)\./.test(c.method) && c.method !== 'pool.get_all_records');
}

/**
 * One line per call, with what matters for the sequence: map keys and values, the type
 * and userdevice of VBDs, the device and MAC of VIFs, the size of VDIs.
 */
export function describeCall(c: XapiCall): string {
  const p = c.params;
  const m = /\.(add_to|remove_from)_/.exec(c.method);
  if (m) return m[1] === 'add_to' ? `${c.method}(${String(p[1])}=${String(p[2])})` : `${c.method}(${String(p[1])})`;
  const r = (p[0] ?? {}) as Record<string, unknown>;
  if (c.method === 'VBD.create') return `VBD.create(${String(r['type'])} ${String(r['userdevice'])}${r['empty'] === true ? ' empty' : ''})`;
  if (c.method === 'VIF.create') return `VIF.create(${String(r['device'])} ${String(r['MAC'])})`;
  if (c.method === 'VDI.create') return `VDI.create(${String(r['virtual_size'])})`;
  return c.method;
}

/** The driver's calls since the last clearCalls, described. */
export const sequence = (fake: XapiFake): string[] => driverCalls(fake).map(describeCall);

/** How often `method` was received. */
export const count = (fake: XapiFake, method: string): number => fake.calls.filter((c) => c.method === method).length;
