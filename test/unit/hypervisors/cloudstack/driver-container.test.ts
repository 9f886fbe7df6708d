import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvAuthError, HvConfigError, HvJobFailedError, HvNotFoundError, HvUnsupportedError } from '../../../../src/hypervisors/index.js';
import { defaultSeed, startCloudStackFake, type CloudStackFake } from '../../../fakes/cloudstack/index.js';
import { BOOT_ISO_URL, containerSpec, driverFor } from './helpers.js';

let fake: CloudStackFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const byName = <T extends { name: string }>(list: readonly T[], name: string): T => list.find((x) => x.name === name)!;

test('the first container registers the boot ISO, waits for it, deploys from it and tags the VM', async () => {
  fake = await startCloudStackFake({ isoReadyPolls: 1 });
  const driver = driverFor(fake);
  const vm = await driver.createContainer(containerSpec());
  assert.deepEqual(fake.commands(), [
    'listZones', 'listNetworks', 'listServiceOfferings', 'listDiskOfferings', 'listHypervisors', 'listIsos', 'listOsTypes', 'registerIso',
    'createTags', 'listIsos', 'listIsos', 'deployVirtualMachine', 'createTags', 'listVirtualMachines',
  ]);
  const inv = fake.inventory;
  const zone = inv.zones[0]!;
  const iso = [...inv.isos.values()].find((i) => i.url === BOOT_ISO_URL)!;
  const call = (command: string, n = 0) => fake!.calls.filter((c) => c.command === command)[n]!.params;
  assert.deepEqual(call('registerIso'), {
    name: 'vizor-ipxe-1a2b3c.iso', displaytext: 'vizor-ipxe-1a2b3c.iso', url: BOOT_ISO_URL, zoneid: zone.id,
    ostypeid: byName(inv.osTypes.map((o) => ({ ...o, name: o.description })), 'Other (64-bit)').id, bootable: 'true', ispublic: 'false', isextractable: 'false',
  });
  assert.equal(call('createTags').resourcetype, 'ISO');
  assert.equal(call('createTags')['tags[0].key'], 'vizor.boot-iso');
  assert.deepEqual(call('deployVirtualMachine'), {
    zoneid: zone.id, templateid: iso.id, hypervisor: 'KVM', serviceofferingid: byName(inv.serviceOfferings, 'Medium Instance').id,
    diskofferingid: byName(inv.diskOfferings, 'Medium').id, networkids: byName(inv.networks, 'vizor-net').id, name: 'build-1',
    displayname: 'build-1', startvm: 'false', boottype: 'BIOS', bootmode: 'LEGACY',
  });
  assert.deepEqual(call('createTags', 1), {
    resourceids: vm.id, resourcetype: 'UserVm', 'tags[0].key': 'vizor.role', 'tags[0].value': 'build', 'tags[1].key': 'vizor.owner', 'tags[1].value': 'b-42',
  });
  assert.equal(vm.power, 'halted');
  assert.deepEqual(vm.tag, { role: 'build', owner: 'b-42' });
  assert.equal(vm.isTemplate, false);
  assert.deepEqual(vm.macs, [inv.vms.get(vm.id)!.nic[0]!.macaddress]);
  assert.equal(vm.details?.isoid, iso.id, 'the container boots the iPXE ISO');
  const root = [...inv.volumes.values()].find((v) => v.virtualmachineid === vm.id)!;
  assert.equal(root.size, 20 * 1024 ** 3);
});

test('later containers reuse the boot ISO: the same driver asks nothing, a new driver finds it by name and tag', async () => {
  fake = await startCloudStackFake({ isoReadyPolls: 0 });
  const first = driverFor(fake);
  await first.createContainer(containerSpec('build-1'));
  const mark = fake.commands().length;
  await first.createContainer(containerSpec('build-2'));
  assert.deepEqual(fake.commands().slice(mark), [
    'listNetworks', 'listServiceOfferings', 'listDiskOfferings', 'listHypervisors', 'deployVirtualMachine', 'createTags', 'listVirtualMachines',
  ]);
  const again = fake.commands().length;
  await driverFor(fake).createContainer(containerSpec('build-3'));
  assert.deepEqual(fake.commands().slice(again), [
    'listZones', 'listNetworks', 'listServiceOfferings', 'listDiskOfferings', 'listHypervisors', 'listIsos', 'deployVirtualMachine', 'createTags',
    'listVirtualMachines',
  ]);
  assert.equal([...fake.inventory.isos.values()].filter((i) => i.url === BOOT_ISO_URL).length, 1);
  // a different URL (a new ISO version) is registered anew
  await driverFor(fake, { bootIso: { url: 'http://10.0.0.5:8080/boot/vizor-ipxe-ffff.iso', name: 'vizor-ipxe.iso' } }).createContainer(containerSpec('build-4'));
  assert.equal(fake.calls.filter((c) => c.command === 'registerIso').length, 2);
});

test('sizes without a matching offering use the custom offerings; a given MAC is used', async () => {
  fake = await startCloudStackFake({ isoReadyPolls: 0 });
  const vm = await driverFor(fake).createContainer({ ...containerSpec(), vcpus: 3, memoryMiB: 3000, diskGiB: 33, mac: '02:00:AA:BB:CC:DD' });
  const deploy = fake.calls.find((c) => c.command === 'deployVirtualMachine')!.params;
  assert.equal(deploy.serviceofferingid, byName(fake.inventory.serviceOfferings, 'Custom').id);
  assert.equal(deploy['details[0].cpuNumber'], '3');
  assert.equal(deploy['details[0].memory'], '3000');
  assert.equal(deploy['details[0].cpuSpeed'], '1000');
  assert.equal(deploy.diskofferingid, byName(fake.inventory.diskOfferings, 'Custom').id);
  assert.equal(deploy.size, '33');
  assert.deepEqual(vm.macs, ['02:00:aa:bb:cc:dd']);
  assert.equal(vm.details?.cpunumber, 3);
  assert.equal(vm.details?.memory, 3000);
});

test('listVms finds vizor\'s VMs by tag only, filtered by owner and role', async () => {
  fake = await startCloudStackFake({ isoReadyPolls: 0 });
  const driver = driverFor(fake);
  const a = await driver.createContainer(containerSpec('build-a', 'b-1'));
  const b = await driver.createContainer(containerSpec('build-b', 'b-2'));
  // a VM someone else made, with the same kind of name, is never vizor's
  const foreign = await driver.createContainer(containerSpec('build-c', 'b-3'));
  fake.inventory.tags = fake.inventory.tags.filter((t) => t.resourceid !== foreign.id);
  assert.deepEqual((await driver.listVms()).map((v) => v.id).sort(), [a.id, b.id].sort());
  assert.deepEqual((await driver.listVms({ owner: 'b-2' })).map((v) => v.id), [b.id]);
  assert.deepEqual((await driver.listVms({ role: 'room' })).map((v) => v.id), []);
  const filtered = fake.calls.filter((c) => c.command === 'listVirtualMachines').at(-1)!.params;
  assert.equal(filtered['tags[0].key'], 'vizor.role');
  assert.equal(filtered['tags[0].value'], 'room');
});

test('wrong credentials: HvAuthError with CloudStack\'s code and text, and no secret in the message', async () => {
  fake = await startCloudStackFake();
  const driver = driverFor(fake, { secretKey: 'wrong-secret-value' });
  await assert.rejects(driver.test(), (e: unknown) => {
    assert.ok(e instanceof HvAuthError);
    assert.equal(e.platformCode, '401');
    assert.equal(e.platformMessage, 'unable to verify user credentials and/or request signature');
    assert.ok(!e.message.includes('wrong-secret-value') && !e.message.includes(fake!.secretKey));
    return true;
  });
  assert.equal(fake.calls.length, 1, 'a refused signature is not retried');
  assert.match((await driverFor(fake).test()).version, /^4\.19/);
});

test('a missing network fails before anything is created', async () => {
  fake = await startCloudStackFake();
  await assert.rejects(driverFor(fake).createContainer({ ...containerSpec(), network: 'no-such-net' }), (e: unknown) =>
    e instanceof HvNotFoundError && /network "no-such-net" not found .*vizor-net/.test(e.message));
  assert.deepEqual(fake.commands(), ['listZones', 'listNetworks']);
});

test('configuration problems: no boot ISO, UEFI without a UEFI ISO, several zones and none chosen', async () => {
  const seed = defaultSeed();
  fake = await startCloudStackFake({ seed: { ...seed, zones: [...seed.zones, { ...seed.zones[0]!, id: 'z2', name: 'zone2' }] } });
  await assert.rejects(driverFor(fake, { bootIso: undefined }).createContainer({ ...containerSpec(), placement: { zone: 'zone1' } }), HvConfigError);
  await assert.rejects(driverFor(fake).createContainer({ ...containerSpec(), firmware: 'uefi' }), HvUnsupportedError);
  await assert.rejects(driverFor(fake).createContainer(containerSpec()), (e: unknown) => e instanceof HvConfigError && /2 zones/.test(e.message));
  assert.equal(fake.calls.filter((c) => c.command === 'deployVirtualMachine').length, 0);
  const uefi = await driverFor(fake, { zone: 'zone1', bootIso: { url: BOOT_ISO_URL, uefi: true } }).createContainer({ ...containerSpec(), firmware: 'uefi' });
  assert.equal(uefi.details?.boottype, 'UEFI');
});

test('a failed deploy job is HvJobFailedError with the job\'s code and text, and leaves no VM behind', async () => {
  fake = await startCloudStackFake({ isoReadyPolls: 0 });
  fake.hooks.failNextJob('deployVirtualMachine', { errortext: 'Unable to create a deployment for VM[User|i-2-9-VM]' });
  await assert.rejects(driverFor(fake).createContainer(containerSpec()), (e: unknown) =>
    e instanceof HvJobFailedError && e.platformCode === '530' && /Unable to create a deployment/.test(e.platformMessage ?? ''));
  assert.ok(fake.commands().includes('destroyVirtualMachine'));
  assert.equal(fake.inventory.vms.size, 0);
});

test('a boot ISO whose download fails is HvJobFailedError; the next container registers it again', async () => {
  fake = await startCloudStackFake({ isoReadyPolls: 2 });
  fake.hooks.failIsoDownload('vizor-ipxe-1a2b3c.iso');
  const driver = driverFor(fake);
  await assert.rejects(driver.createContainer(containerSpec()), (e: unknown) => e instanceof HvJobFailedError && /did not download/.test(e.message));
  assert.equal(fake.calls.filter((c) => c.command === 'deployVirtualMachine').length, 0);
  await assert.rejects(driver.createContainer(containerSpec()), HvJobFailedError);
  assert.equal(fake.calls.filter((c) => c.command === 'registerIso').length, 2);
});

test('the hypervisor of an ISO deploy is the zone\'s, unless the options name one', async () => {
  fake = await startCloudStackFake({ isoReadyPolls: 0, hypervisor: 'XenServer' });
  await driverFor(fake).createContainer(containerSpec('build-x'));
  await driverFor(fake, { hypervisor: 'VMware' }).createContainer(containerSpec('build-v'));
  assert.deepEqual(fake.calls.filter((c) => c.command === 'deployVirtualMachine').map((c) => c.params.hypervisor), ['XenServer', 'VMware']);
});
