import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { HvJobFailedError, HvNotFoundError, HvTimeoutError, HvTransientError } from '../../../../src/hypervisors/index.js';
import { startCloudStackFake, type CloudStackFake } from '../../../fakes/cloudstack/index.js';
import { containerSpec, driverFor } from './helpers.js';

let fake: CloudStackFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function withVm(opts: Parameters<typeof startCloudStackFake>[0] = {}) {
  fake = await startCloudStackFake({ isoReadyPolls: 0, ...opts });
  const driver = driverFor(fake);
  const vm = await driver.createContainer(containerSpec());
  return { fake, driver, vm };
}

test('a started guest that halts itself (an install finishing) is seen running, then halted', async () => {
  const { fake, driver, vm } = await withVm();
  fake.hooks.scriptGuest('build-1', { haltAfterMs: 1500 });
  await driver.start(vm.id);
  assert.equal((await driver.getVm(vm.id)).power, 'running');
  const halted = await driver.waitForPower(vm.id, 'halted', { timeoutMs: 10_000 });
  assert.equal(halted.power, 'halted');
  assert.ok(fake.calls.filter((c) => c.command === 'listVirtualMachines').length >= 2, 'waitForPower polls listVirtualMachines');
});

test('waitForPower gives up with HvTimeoutError', async () => {
  const { driver, vm } = await withVm();
  await assert.rejects(driver.waitForPower(vm.id, 'running', { timeoutMs: 30 }), (e: unknown) => e instanceof HvTimeoutError && /running/.test(e.message));
});

test('start and stop are idempotent: nothing is sent for a VM already in that state', async () => {
  const { fake, driver, vm } = await withVm();
  await driver.stop(vm.id);
  await driver.shutdown(vm.id);
  await driver.start(vm.id);
  await driver.start(vm.id);
  assert.deepEqual(fake.commands().filter((c) => /VirtualMachine$/.test(c) && c !== 'listVirtualMachines' && c !== 'deployVirtualMachine'), ['startVirtualMachine']);
  await driver.stop(vm.id);
  const stop = fake.calls.filter((c) => c.command === 'stopVirtualMachine').at(-1)!;
  assert.deepEqual(stop.params, { id: vm.id, forced: 'true' });
  assert.equal((await driver.getVm(vm.id)).power, 'halted');
});

test('shutdown is a stop without forced; a guest ignoring ACPI makes it fail, a forced stop still works', async () => {
  const { fake, driver, vm } = await withVm();
  fake.hooks.scriptGuest(vm.id, { ignoreAcpi: true });
  await driver.start(vm.id);
  await assert.rejects(driver.shutdown(vm.id), (e: unknown) => e instanceof HvJobFailedError && /did not shut down/.test(e.message));
  assert.deepEqual(fake.calls.filter((c) => c.command === 'stopVirtualMachine').at(-1)!.params, { id: vm.id });
  assert.equal((await driver.getVm(vm.id)).power, 'running');
  await driver.stop(vm.id);
  assert.equal((await driver.getVm(vm.id)).power, 'halted');
});

test('a busy VM: the job is sent again until it goes through', async () => {
  const { fake, driver, vm } = await withVm();
  fake.hooks.busyVm(vm.id, 2);
  await driver.start(vm.id);
  assert.equal(fake.commands().filter((c) => c === 'startVirtualMachine').length, 3);
  assert.equal((await driver.getVm(vm.id)).power, 'running');
});

test('a VM busy for longer than the retry budget surfaces as HvTransientError', async () => {
  const { fake, driver, vm } = await withVm();
  fake.hooks.busyVm(vm.id, 10);
  await assert.rejects(driver.start(vm.id), (e: unknown) => e instanceof HvTransientError && /ConcurrentOperationException/.test(e.platformMessage ?? ''));
  assert.equal(fake.commands().filter((c) => c === 'startVirtualMachine').length, 4);
});

test('HTTP 503 and 429 are retried; a job poll that fails is retried without sending the command again', async () => {
  const { fake, driver, vm } = await withVm();
  fake.hooks.failNextRequests(1, 503);
  fake.hooks.failNextRequests(1, 429);
  assert.match((await driver.test()).version, /4\.19/);
  assert.deepEqual(fake.calls.slice(-3).map((c) => c.status), [503, 429, 200]);
  const before = fake.calls.length;
  fake.hooks.failNextRequests(2, 503, 'queryAsyncJobResult');
  await driver.start(vm.id);
  const after = fake.calls.slice(before);
  assert.deepEqual(after.filter((c) => c.command === 'queryAsyncJobResult').slice(0, 2).map((c) => c.status), [503, 503]);
  assert.equal(after.filter((c) => c.command === 'startVirtualMachine').length, 1);
  assert.equal((await driver.getVm(vm.id)).power, 'running');
});

test('an unreachable endpoint is HvTransientError naming ECONNREFUSED', async () => {
  // a port that was just free: nothing listens there
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  fake = await startCloudStackFake();
  const driver = driverFor(fake, { url: `http://127.0.0.1:${port}/client/api` });
  await assert.rejects(driver.test(), (e: unknown) => e instanceof HvTransientError && e.platformCode === 'ECONNREFUSED');
});

test('getVm of an unknown or destroyed VM is HvNotFoundError', async () => {
  const { driver, vm } = await withVm({ allowUserExpunge: false });
  await assert.rejects(driver.getVm('5d5ac2a8-0000-4000-8000-000000000000'), HvNotFoundError);
  await driver.destroy(vm.id);
  await assert.rejects(driver.getVm(vm.id), HvNotFoundError);
});
