// Snapshots against the fake engine: take, list, revert (stopping and restarting a running
// VM), delete, failed jobs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvJobFailedError, HvRequestError } from '../../../../src/hypervisors/errors.js';
import { bench, containerSpec, WAIT, type Bench } from './setup.js';

describe('oVirt driver: snapshots', () => {
  let b: Bench;
  let vmId: string;
  before(async () => {
    b = await bench();
    vmId = (await b.driver.createContainer(containerSpec({ name: 'room-pc-1', tag: { role: 'room', owner: 'lab/1' } }))).id;
  });
  after(() => b.close());

  const mutations = (start: number) => b.fake.calls.slice(start).filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);

  test('snapshot waits for ok; listSnapshots leaves out the Active VM entry', async () => {
    const start = b.fake.calls.length;
    const snap = await b.driver.snapshot(vmId, 'rollout', 'after domain join');
    assert.deepEqual(mutations(start), [`POST /vms/${vmId}/snapshots`]);
    assert.deepEqual(b.fake.calls.find((c) => c.method === 'POST' && c.path.endsWith('/snapshots'))!.body, {
      description: 'rollout\nafter domain join',
      persist_memorystate: 'false',
    });
    assert.equal(snap.name, 'rollout');
    assert.equal(snap.description, 'after domain join');
    assert.ok(snap.createdAt instanceof Date);
    assert.equal(snap.powerAtSnapshot, null);
    assert.deepEqual((await b.driver.listSnapshots(vmId)).map((s) => [s.id, s.name]), [[snap.id, 'rollout']]);
    assert.equal(b.fake.store.vms.get(vmId)!.snapshots.length, 2, 'the engine also lists Active VM');
  });

  test('revert of a running VM: stop, restore, wait down, start again; settings come back', async () => {
    const [snap] = await b.driver.listSnapshots(vmId);
    await b.driver.setVmOptions(vmId, { description: 'changed after the snapshot' });
    const later = await b.driver.snapshot(vmId, 'later', '');
    await b.driver.start(vmId);
    await b.driver.waitForPower(vmId, 'running', WAIT);
    const start = b.fake.calls.length;
    await b.driver.revert(vmId, snap!.id);
    assert.deepEqual(mutations(start), [`POST /vms/${vmId}/stop`, `POST /vms/${vmId}/snapshots/${snap!.id}/restore`, `POST /vms/${vmId}/start`]);
    assert.deepEqual(b.fake.calls.find((c) => c.path.endsWith('/restore'))!.body, { restore_memory: 'false' });
    assert.equal((await b.driver.getVm(vmId)).power, 'running');
    assert.equal(b.fake.store.vms.get(vmId)!.config.description, '');
    assert.ok(!(await b.driver.listSnapshots(vmId)).some((s) => s.id === later.id), 'the engine drops later snapshots');
  });

  test('revert of a halted VM leaves it halted', async () => {
    await b.driver.stop(vmId);
    const [snap] = await b.driver.listSnapshots(vmId);
    const start = b.fake.calls.length;
    await b.driver.revert(vmId, snap!.id);
    assert.deepEqual(mutations(start), [`POST /vms/${vmId}/snapshots/${snap!.id}/restore`]);
    assert.equal((await b.driver.getVm(vmId)).power, 'halted');
  });

  test('deleteSnapshot waits until it is gone; deleting it again is fine', async () => {
    const snap = await b.driver.snapshot(vmId, 'temp', '');
    await b.driver.deleteSnapshot(vmId, snap.id);
    assert.ok(!(await b.driver.listSnapshots(vmId)).some((s) => s.id === snap.id));
    await b.driver.deleteSnapshot(vmId, snap.id);
  });

  test('a snapshot job the engine rolls back is HvJobFailedError', async () => {
    b.fake.hooks.failNextJob('snapshot');
    await assert.rejects(b.driver.snapshot(vmId, 'doomed', ''), HvJobFailedError);
  });

  test('a snapshot name must be one line', async () => {
    await assert.rejects(b.driver.snapshot(vmId, 'a\nb', ''), HvRequestError);
  });

  test('destroy takes the snapshots with the VM', async () => {
    await b.driver.destroy(vmId);
    assert.equal(b.fake.store.vms.has(vmId), false);
  });
});
