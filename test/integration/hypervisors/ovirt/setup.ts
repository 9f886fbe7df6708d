/**
 * Shared set-up for the oVirt driver tests: a fresh fake engine and a driver with fast
 * polling and short retry back-off (the fake's jobs take one 15 ms step).
 */
import { startOvirtFake, type OvirtFake, type OvirtFakeOptions } from '../../../fakes/ovirt/index.js';
import { createOvirtDriver, type OvirtDriver } from '../../../../src/hypervisors/ovirt/index.js';
import type { ContainerSpec } from '../../../../src/hypervisors/types.js';

/** A fake engine with a driver connected to it. */
export interface Bench {
  readonly fake: OvirtFake;
  readonly driver: OvirtDriver;
  close(): Promise<void>;
}

/** Starts a fake and a driver for it. */
export async function bench(options: OvirtFakeOptions = {}): Promise<Bench> {
  const fake = await startOvirtFake(options);
  const driver = createOvirtDriver({
    url: fake.url,
    user: fake.user,
    password: fake.password,
    pollIntervalMs: 5,
    jobTimeoutMs: 10_000,
    retry: { attempts: 4, baseDelayMs: 2, maxDelayMs: 10 },
  });
  return {
    fake,
    driver,
    close: async () => {
      await driver.close().catch(() => undefined);
      await fake.close();
    },
  };
}

/** A container spec for a Windows 10 UEFI build. */
export function containerSpec(over: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: 'build-17-vm',
    vcpus: 2,
    memoryMiB: 4096,
    diskGiB: 40,
    network: 'vizor-net',
    firmware: 'uefi',
    osType: 'windows10_64',
    tag: { role: 'build', owner: 'build-17' },
    ...over,
  };
}

/** Generous wait for power states in tests (never asserted on). */
export const WAIT = { timeoutMs: 10_000 } as const;
