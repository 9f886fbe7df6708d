// A whole build-and-room flow through the CloudStack driver against the stateful fake, over
// real HTTP with signed requests: container from the iPXE ISO, an "install" that powers the
// guest off, template, publish, a room of clones, snapshot and reset, teardown by tag.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCloudStackDriver, type CloudStackDriver } from '../../../../src/hypervisors/cloudstack/index.js';
import { startCloudStackFake, type CloudStackFake } from '../../../fakes/cloudstack/index.js';

let fake: CloudStackFake;
let driver: CloudStackDriver;
before(async () => {
  fake = await startCloudStackFake({ jobPolls: 2, isoReadyPolls: 3 });
  driver = createCloudStackDriver({
    url: fake.url, apiKey: fake.apiKey, secretKey: fake.secretKey, zone: 'zone1',
    ipxeIsoUrl: 'http://10.0.0.5:8080/boot/vizor-ipxe-0001.iso', pollIntervalMs: 5, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
  });
});
after(async () => {
  await driver.close();
  await fake.close();
});

test('build → template → room of three → snapshot/reset → teardown, all found by tag', async () => {
  const build = await driver.createContainer({
    name: 'build-7', vcpus: 2, memoryMiB: 2048, diskGiB: 20, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'build-7' },
    osType: 'Windows 10 (64-bit)',
  });
  // the unattended install ends by powering the guest off
  fake.hooks.scriptGuest(build.id, { haltAfterMs: 100 });
  await driver.start(build.id);
  await driver.waitForPower(build.id, 'halted', { timeoutMs: 20_000 });
  await driver.setBootOrder(build.id, ['disk']);
  const template = await driver.convertToTemplate(build.id, 'win10-gold');
  assert.equal(fake.inventory.templates.get(template.id)!.ostypeid, fake.inventory.osTypes.find((o) => o.description === 'Windows 10 (64-bit)')!.id);
  await driver.publishTemplate(template.id, true);

  const seats = [];
  for (let i = 1; i <= 3; i++) seats.push(await driver.clone({ name: `lab3-pc${i}`, templateId: template.id, tag: { role: 'room', owner: 'lab3/run1' } }));
  for (const s of seats) await driver.start(s.id);
  const snaps = await Promise.all(seats.map((s) => driver.snapshot(s.id, 'clean', 'after rollout')));
  assert.ok(snaps.every((s) => s.powerAtSnapshot === 'running'));
  await driver.stop(seats[0]!.id);
  await driver.revert(seats[0]!.id, snaps[0]!.id);
  assert.equal((await driver.getVm(seats[0]!.id)).power, 'running');

  const room = await driver.listVms({ owner: 'lab3/run1' });
  assert.deepEqual(room.map((v) => v.name).sort(), ['lab3-pc1', 'lab3-pc2', 'lab3-pc3']);
  assert.ok(room.every((v) => v.power === 'running' && v.macs.length === 1 && v.tag?.role === 'room'));
  for (const v of room) await driver.destroy(v.id);
  assert.deepEqual(await driver.listVms({ role: 'room' }), []);
  assert.deepEqual((await driver.listVms()).map((v) => [v.id, v.isTemplate]), [[template.id, true]]);
  await driver.deleteTemplate(template.id);
  assert.deepEqual(await driver.listVms(), []);
  assert.equal(fake.inventory.vmSnapshots.size, 0);
  assert.equal(fake.inventory.volumes.size, 0);
  assert.ok(fake.calls.every((c) => c.status !== 401), 'every signed request was accepted');
});
