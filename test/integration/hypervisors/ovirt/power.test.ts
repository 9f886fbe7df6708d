// Power actions, waiting, the scripted guest, busy VMs and destroy against the fake engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvTimeoutError, HvTransientError } from '../../../../src/hypervisors/errors.js';
import { bench, containerSpec, WAIT, type Bench } from './setup.js';

describe('oVirt driver: power and removal', () => {
  let b: Bench;
  before(async () => (b = await bench()));
  after(() => b.close());

  const posts = (start: number) => b.fake.calls.slice(start).filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);

  test('start → running; the guest halts by itself (install done) → halted', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'p1' }));
    b.fake.hooks.guestHaltsAfter(400, 'p1');
    await b.driver.start(vm.id);
    assert.equal((await b.driver.waitForPower(vm.id, 'running', WAIT)).power, 'running');
    assert.equal((await b.driver.waitForPower(vm.id, 'halted', WAIT)).power, 'halted');
  });

  test('start and stop are idempotent; shutdown asks the guest', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'p2' }));
    let start = b.fake.calls.length;
    await b.driver.stop(vm.id);
    assert.deepEqual(posts(start), [`POST /vms/${vm.id}/stop`], 'refused with 409, already down: success');
    await b.driver.start(vm.id);
    await b.driver.waitForPower(vm.id, 'running', WAIT);
    await b.driver.start(vm.id);
    start = b.fake.calls.length;
    await b.driver.shutdown(vm.id);
    assert.deepEqual(posts(start), [`POST /vms/${vm.id}/shutdown`]);
    await b.driver.waitForPower(vm.id, 'halted', WAIT);
    await b.driver.shutdown(vm.id);
  });

  test('waitForPower times out with HvTimeoutError', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'p3' }));
    await assert.rejects(b.driver.waitForPower(vm.id, 'running', { timeoutMs: 60 }), (e: unknown) => e instanceof HvTimeoutError && /p3|running/.test(e.message));
  });

  test('a locked VM (409 "in progress") is retried until it is free', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'p4' }));
    b.fake.hooks.busy(vm.id, 2);
    const start = b.fake.calls.length;
    await b.driver.start(vm.id);
    const starts = b.fake.calls.slice(start).filter((c) => c.path === `/vms/${vm.id}/start`);
    assert.deepEqual(starts.map((c) => c.status), [409, 409, 200]);
    await b.driver.stop(vm.id);
  });

  test('a VM locked for longer than the retry budget surfaces as HvTransientError (409)', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'p5' }));
    b.fake.hooks.busy(vm.id, 10);
    await assert.rejects(b.driver.start(vm.id), (e: unknown) => e instanceof HvTransientError && e.platformCode === '409' && /in progress/.test(e.platformMessage ?? ''));
  });

  test('destroy a running VM: stop, wait, DELETE, wait gone; its unused tag is removed', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'p6', tag: { role: 'room', owner: 'lab-9/run-1' } }));
    await b.driver.start(vm.id);
    await b.driver.waitForPower(vm.id, 'running', WAIT);
    const tagsBefore = b.fake.store.tags.size;
    const start = b.fake.calls.length;
    await b.driver.destroy(vm.id);
    const tagId = b.fake.calls.slice(start).find((c) => c.method === 'DELETE' && c.path.startsWith('/tags/'))!.path;
    assert.deepEqual(posts(start), [`POST /vms/${vm.id}/stop`, `DELETE /vms/${vm.id}`, `DELETE ${tagId}`]);
    assert.equal(b.fake.store.vms.has(vm.id), false);
    assert.equal(b.fake.store.tags.size, tagsBefore - 1);
    assert.deepEqual(await b.driver.listVms({ owner: 'lab-9/run-1' }), []);
  });

  test('destroy keeps a tag other VMs still carry, and succeeds for a VM already gone', async () => {
    const tag = { role: 'room', owner: 'lab-9/run-2' } as const;
    const a = await b.driver.createContainer(containerSpec({ name: 'p7', tag }));
    const c = await b.driver.createContainer(containerSpec({ name: 'p8', tag }));
    await b.driver.destroy(a.id);
    assert.deepEqual((await b.driver.listVms({ owner: 'lab-9/run-2' })).map((v) => v.id), [c.id]);
    const start = b.fake.calls.length;
    await b.driver.destroy(a.id);
    assert.deepEqual(posts(start), [], 'nothing to do');
  });
});
