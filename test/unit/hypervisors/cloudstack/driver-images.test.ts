import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvNotFoundError, HvStateError } from '../../../../src/hypervisors/index.js';
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
  return { fake, driver, vm, mark: () => fake!.commands().length };
}

test('a running VM is not turned into a template (HvStateError, nothing created)', async () => {
  const { fake, driver, vm } = await withVm();
  await driver.start(vm.id);
  await assert.rejects(driver.convertToTemplate(vm.id, 'win11-gold'), (e: unknown) => e instanceof HvStateError && /must be Stopped/.test(e.message));
  assert.ok(!fake.commands().includes('createTemplate'));
});

test('convertToTemplate: ISO out, ROOT volume to template, tagged, source VM expunged', async () => {
  const { fake, driver, vm, mark } = await withVm();
  const m = mark();
  const t = await driver.convertToTemplate(vm.id, 'win11-gold');
  assert.deepEqual(fake.commands().slice(m), [
    'listVirtualMachines', 'listVirtualMachines', 'detachIso', 'listVolumes', 'createTemplate', 'createTags', 'destroyVirtualMachine',
  ]);
  const root = [...fake.inventory.volumes.values()].find((v) => v.type === 'ROOT' && v.virtualmachineid === undefined);
  assert.equal(root, undefined, 'the source VM and its volumes are gone');
  const create = fake.calls.find((c) => c.command === 'createTemplate')!.params;
  assert.equal(create.name, 'win11-gold');
  assert.equal(create.ostypeid, fake.inventory.osTypes.find((o) => o.description === 'Other (64-bit)')!.id, 'the OS type comes from the VM');
  assert.deepEqual(fake.calls.find((c) => c.command === 'destroyVirtualMachine')!.params, { id: vm.id, expunge: 'true' });
  assert.deepEqual(t, { id: t.id, name: 'win11-gold', published: false });
  assert.equal(fake.inventory.templates.get(t.id)!.isready, true);
  await assert.rejects(driver.getVm(vm.id), HvNotFoundError);
  const listed = await driver.listVms({ role: 'template' });
  assert.deepEqual(listed.map((v) => [v.id, v.isTemplate, v.tag]), [[t.id, true, { role: 'template', owner: 'b-42' }]]);
  await driver.publishTemplate(t.id, true);
  assert.deepEqual(fake.calls.at(-1)!.params, { id: t.id, ispublic: 'true' });
  assert.equal(fake.inventory.templates.get(t.id)!.ispublic, true);
});

test('clone deploys from the template with the source VM\'s offering and network, halted and tagged', async () => {
  const { fake, driver, vm } = await withVm();
  const t = await driver.convertToTemplate(vm.id, 'gold');
  const m = fake.commands().length;
  const seat = await driver.clone({ name: 'room-a-01', templateId: t.id, tag: { role: 'room', owner: 'room-a/1' } });
  assert.deepEqual(fake.commands().slice(m), ['listTemplates', 'listServiceOfferings', 'deployVirtualMachine', 'createTags', 'listVirtualMachines'], 'the offering is looked up: a custom one needs its size again');
  const deploy = fake.calls.find((c) => c.command === 'deployVirtualMachine' && c.params.templateid === t.id)!.params;
  const inv = fake.inventory;
  assert.equal(deploy.serviceofferingid, inv.serviceOfferings.find((o) => o.name === 'Medium Instance')!.id);
  assert.equal(deploy.networkids, inv.networks[0]!.id);
  assert.equal(deploy.startvm, 'false');
  assert.equal(deploy.diskofferingid, undefined, 'the disk comes from the template');
  assert.equal(seat.power, 'halted');
  assert.deepEqual(seat.tag, { role: 'room', owner: 'room-a/1' });
  assert.equal(seat.details?.isoid, undefined);
  const sized = await driver.clone({ name: 'room-a-02', templateId: t.id, tag: { role: 'room', owner: 'room-a/1' }, vcpus: 1, memoryMiB: 512, network: 'vizor-net' });
  assert.equal(sized.details?.serviceofferingid, inv.serviceOfferings.find((o) => o.name === 'Small Instance')!.id);
  assert.deepEqual((await driver.listVms({ owner: 'room-a/1' })).map((v) => v.name).sort(), ['room-a-01', 'room-a-02']);
});

test('snapshots: a running VM is snapshotted with memory; revert, list and delete', async () => {
  const { fake, driver, vm } = await withVm();
  await driver.start(vm.id);
  const s = await driver.snapshot(vm.id, 'clean', 'after install');
  assert.equal(s.name, 'clean');
  assert.equal(s.description, 'after install');
  assert.equal(s.powerAtSnapshot, 'running');
  assert.ok(s.createdAt instanceof Date);
  assert.equal(fake.calls.find((c) => c.command === 'createVMSnapshot')!.params.snapshotmemory, 'true');
  await driver.stop(vm.id);
  await driver.revert(vm.id, s.id);
  assert.equal((await driver.getVm(vm.id)).power, 'running', 'a memory snapshot resumes the VM running');
  assert.deepEqual((await driver.listSnapshots(vm.id)).map((x) => x.id), [s.id]);
  await driver.deleteSnapshot(vm.id, s.id);
  await driver.deleteSnapshot(vm.id, s.id);
  assert.deepEqual(await driver.listSnapshots(vm.id), []);
});

test('reverting a disk-only snapshot of a running VM stops it first', async () => {
  const { fake, driver, vm } = await withVm();
  const s = await driver.snapshot(vm.id, 'disk-only', '');
  assert.equal(s.powerAtSnapshot, 'halted');
  await driver.start(vm.id);
  const m = fake.commands().length;
  await driver.revert(vm.id, s.id);
  assert.deepEqual(fake.commands().slice(m), ['listVMSnapshot', 'listVirtualMachines', 'stopVirtualMachine', 'revertToVMSnapshot']);
  assert.equal((await driver.getVm(vm.id)).power, 'halted');
});

test('destroy removes snapshots, then expunges; destroying again succeeds quietly', async () => {
  const { fake, driver, vm } = await withVm();
  await driver.snapshot(vm.id, 'a', '');
  const m = fake.commands().length;
  await driver.destroy(vm.id);
  assert.deepEqual(fake.commands().slice(m), ['listVirtualMachines', 'listVMSnapshot', 'deleteVMSnapshot', 'destroyVirtualMachine', 'listIsos']);
  assert.equal(fake.inventory.vms.size, 0);
  assert.equal(fake.inventory.vmSnapshots.size, 0);
  await driver.destroy(vm.id);
  assert.deepEqual(fake.calls.at(-1)!.command, 'listVirtualMachines');
  assert.equal(fake.calls.at(-1)!.status, 431);
});

test('where users may not expunge, destroy falls back to a plain destroy', async () => {
  const { fake, driver, vm } = await withVm({ allowUserExpunge: false });
  await driver.destroy(vm.id);
  const destroys = fake.calls.filter((c) => c.command === 'destroyVirtualMachine').map((c) => c.params);
  assert.deepEqual(destroys, [{ id: vm.id, expunge: 'true' }, { id: vm.id }]);
  assert.equal(fake.inventory.vms.get(vm.id)!.state, 'Destroyed');
  assert.deepEqual(await driver.listVms(), []);
});

test('deleteTemplate removes it and tolerates a template already gone', async () => {
  const { fake, driver, vm } = await withVm();
  const t = await driver.convertToTemplate(vm.id, 'gold');
  await driver.deleteTemplate(t.id);
  assert.equal(fake.inventory.templates.has(t.id), false);
  await driver.deleteTemplate(t.id);
});

test('if the template cannot be tagged it is deleted again and the VM is kept', async () => {
  const { fake, driver, vm } = await withVm();
  fake.hooks.failNextJob('createTags', { errortext: 'tag service down' });
  await assert.rejects(driver.convertToTemplate(vm.id, 'gold'), /tag service down/);
  assert.equal(fake.inventory.templates.size, 0);
  assert.equal((await driver.getVm(vm.id)).power, 'halted');
});
