// One contract, four drivers: the same scenarios run against the XenServer, CloudStack and
// oVirt fakes and the real local QEMU driver (VMs sit in firmware on an isolated network).
// Platform-specific call sequences are asserted in each driver's own tests; this suite
// asserts what everything above the drivers relies on.
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvNotFoundError, type ContainerSpec, type HypervisorDriver } from '../../../src/hypervisors/index.js';
import { createXenServerDriver } from '../../../src/hypervisors/xenserver/index.js';
import { createCloudStackDriver } from '../../../src/hypervisors/cloudstack/index.js';
import { createOvirtDriver } from '../../../src/hypervisors/ovirt/index.js';
import { createQemuDriver, ISOLATED_NETWORK } from '../../../src/hypervisors/qemu/index.js';
import { startXapiFake } from '../../fakes/xapi/index.js';
import { startCloudStackFake } from '../../fakes/cloudstack/index.js';
import { startOvirtFake, EVERYONE_ID } from '../../fakes/ovirt/index.js';

interface Platform {
  readonly driver: HypervisorDriver;
  readonly network: string;
  readonly placement?: Record<string, string>;
  /** Whether the platform itself shows the template as published (not what the driver says). */
  published(templateId: string): Promise<boolean>;
  /** A VM the platform has that vizor did not create, where the fake seeds one. */
  readonly foreignVm?: string;
  close(): Promise<void>;
}

const fastRetry = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

const PLATFORMS: Record<string, () => Promise<Platform>> = {
  xenserver: async () => {
    const fake = await startXapiFake();
    const driver = createXenServerDriver({ url: fake.url, user: fake.user, password: fake.password, retry: fastRetry });
    return {
      driver, network: 'vizor-net', foreignVm: 'unrelated-vm',
      published: async (id) => (fake.record(id)?.other_config as Record<string, string> | undefined)?.['vizor.published'] === 'true',
      close: async () => (await driver.close(), await fake.close()),
    };
  },
  cloudstack: async () => {
    const fake = await startCloudStackFake();
    const driver = createCloudStackDriver({ url: fake.url, apiKey: fake.apiKey, secretKey: fake.secretKey, ipxeIsoUrl: 'http://127.0.0.1:1/boot/vizor-ipxe.iso', pollIntervalMs: 5, retry: fastRetry });
    return { driver, network: 'vizor-net', published: async (id) => fake.inventory.templates.get(id)?.ispublic === true, close: async () => (await driver.close(), await fake.close()) };
  },
  ovirt: async () => {
    const fake = await startOvirtFake();
    const driver = createOvirtDriver({ url: fake.url, user: fake.user, password: fake.password, pollIntervalMs: 5, retry: fastRetry });
    return {
      driver, network: 'vizor-net', placement: { storage: 'data' },
      published: async (id) => fake.store.templates.get(id)?.permissions.some((p) => p.principal.kind === 'group' && p.principal.id === EVERYONE_ID) === true,
      close: async () => (await driver.close(), await fake.close()),
    };
  },
  qemu: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vizor-contract-qemu-'));
    const driver = createQemuDriver({ stateDir: dir, accel: 'tcg' });
    return {
      driver, network: ISOLATED_NETWORK,
      published: async (id) => (await driver.listResources('template')).find((t) => t.id === id)?.details?.published === true,
      close: async () => (await driver.close(), rmSync(dir, { recursive: true, force: true })),
    };
  },
};

for (const [kind, start] of Object.entries(PLATFORMS)) {
  describe(`driver contract: ${kind}`, () => {
    let p: Platform;
    const owner = `contract-${kind}`;
    before(async () => {
      p = await start();
    });
    after(async () => {
      // A failed scenario must not leave VMs (QEMU processes) behind: remove what carries our tags.
      for (const o of [`${owner}/run1`, owner]) {
        for (const v of await p.driver.listVms({ owner: o }).catch(() => [])) {
          await (v.isTemplate ? p.driver.deleteTemplate(v.id) : p.driver.destroy(v.id)).catch(() => undefined);
        }
      }
      await p?.close();
    });
    const spec = (): ContainerSpec => ({
      name: `vizor-contract-${kind}`, vcpus: 1, memoryMiB: 256, diskGiB: 1, network: p.network, firmware: 'bios',
      tag: { role: 'build', owner }, ...(p.placement ? { placement: p.placement } : {}),
    });

    test('connects, lists its network, finds nothing of vizor yet', async () => {
      const info = await p.driver.test();
      assert.equal(info.kind, kind);
      assert.ok(info.version.length > 0);
      assert.ok((await p.driver.listResources('network')).some((n) => n.name === p.network || n.id === p.network));
      assert.deepEqual(await p.driver.listVms({ owner }), []);
      await assert.rejects(p.driver.getVm('00000000-0000-4000-8000-000000000000'), HvNotFoundError);
    });

    test('container → power → snapshot → template → published → clone → destroy', { timeout: 120_000 }, async () => {
      const vm = await p.driver.createContainer(spec());
      assert.match(vm.macs[0] ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      assert.deepEqual(vm.tag, { role: 'build', owner });
      assert.equal(vm.power, 'halted');
      assert.equal(vm.isTemplate, false);
      assert.deepEqual((await p.driver.listVms({ owner })).map((v) => v.id), [vm.id], 'found by its tag');
      const listed = await p.driver.listVms();
      assert.ok(listed.every((v) => v.tag !== null), 'listVms shows only vizor\'s VMs');
      if (p.foreignVm) assert.ok(!listed.some((v) => v.name === p.foreignVm), `the platform's own ${p.foreignVm} is not listed`);
      await p.driver.setBootOrder(vm.id, ['network', 'disk']);

      await p.driver.start(vm.id);
      assert.equal((await p.driver.waitForPower(vm.id, 'running', { timeoutMs: 60_000 })).power, 'running');
      await p.driver.start(vm.id); // idempotent
      await p.driver.stop(vm.id);
      assert.equal((await p.driver.waitForPower(vm.id, 'halted', { timeoutMs: 60_000 })).power, 'halted');

      const snap = await p.driver.snapshot(vm.id, 'clean', 'before anything');
      assert.ok((await p.driver.listSnapshots(vm.id)).some((s) => s.id === snap.id && s.name === 'clean'));
      await p.driver.revert(vm.id, snap.id);
      await p.driver.deleteSnapshot(vm.id, snap.id);
      assert.ok(!(await p.driver.listSnapshots(vm.id)).some((s) => s.id === snap.id));

      const tpl = await p.driver.convertToTemplate(vm.id, `vizor-contract-tpl-${kind}`);
      assert.equal(tpl.published, false);
      assert.equal(await p.published(tpl.id), false);
      await p.driver.publishTemplate(tpl.id, true);
      assert.equal(await p.published(tpl.id), true, 'the platform shows the template published');
      const templates = (await p.driver.listVms({ owner })).filter((v) => v.isTemplate);
      assert.deepEqual(templates.map((t) => t.id), [tpl.id], 'the template carries the owner tag');

      const clone = await p.driver.clone({ name: `vizor-contract-clone-${kind}`, templateId: tpl.id, tag: { role: 'room', owner: `${owner}/run1` }, network: p.network });
      assert.equal(clone.isTemplate, false);
      assert.notEqual(clone.macs[0], vm.macs[0]);
      assert.deepEqual((await p.driver.listVms({ owner: `${owner}/run1` })).map((v) => v.id), [clone.id]);
      await p.driver.destroy(clone.id);
      await p.driver.destroy(clone.id); // already gone: still fine
      await assert.rejects(p.driver.getVm(clone.id), HvNotFoundError);
      await p.driver.deleteTemplate(tpl.id);
      assert.deepEqual(await p.driver.listVms({ owner }), []);
    });

    test('a missing network is refused before anything is created', async () => {
      await assert.rejects(p.driver.createContainer({ ...spec(), name: `vizor-contract-bad-${kind}`, network: 'no-such-network' }), (e: Error) => ['HV_NOT_FOUND', 'HV_CONFIG', 'HV_REQUEST'].includes((e as { code?: string }).code ?? ''));
      assert.deepEqual(await p.driver.listVms({ owner }), []);
    });
  });
}
