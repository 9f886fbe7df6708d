import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvNotFoundError, HvStateError, HvUnsupportedError } from '../../../../src/hypervisors/index.js';
import { startCloudStackFake, type CloudStackFake } from '../../../fakes/cloudstack/index.js';
import { BOOT_ISO_URL, containerSpec, driverFor } from './helpers.js';

let fake: CloudStackFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function withVm(extra: Parameters<typeof driverFor>[1] = {}) {
  fake = await startCloudStackFake({ isoReadyPolls: 0 });
  const driver = driverFor(fake, extra);
  const vm = await driver.createContainer(containerSpec());
  const bootIso = [...fake.inventory.isos.values()].find((i) => i.url === BOOT_ISO_URL)!;
  const installer = [...fake.inventory.isos.values()].find((i) => i.name === 'installer.iso')!;
  return { fake, driver, vm, bootIso, installer };
}

test('"boot order": disk first detaches the iPXE ISO, network first puts it back', async () => {
  const { fake, driver, vm, bootIso } = await withVm();
  await driver.setBootOrder(vm.id, ['disk', 'network']);
  assert.equal(fake.inventory.vms.get(vm.id)!.isoid, undefined);
  assert.equal(fake.commands().at(-1), 'detachIso');
  await driver.setBootOrder(vm.id, ['disk']);
  assert.equal(fake.commands().at(-1), 'listVirtualMachines', 'nothing to detach');
  await driver.setBootOrder(vm.id, ['network', 'disk']);
  assert.equal(fake.inventory.vms.get(vm.id)!.isoid, bootIso.id);
  assert.deepEqual(fake.calls.filter((c) => c.command === 'attachIso').at(-1)!.params, { id: bootIso.id, virtualmachineid: vm.id });
});

test('attachIso swaps the ISO in the single drive; ejectIso empties it', async () => {
  const { fake, driver, vm, installer } = await withVm();
  const m = fake.commands().length;
  await driver.attachIso(vm.id, installer.id);
  assert.deepEqual(fake.commands().slice(m), ['listVirtualMachines', 'detachIso', 'attachIso']);
  assert.equal(fake.inventory.vms.get(vm.id)!.isoid, installer.id);
  await driver.attachIso(vm.id, installer.id);
  assert.equal(fake.commands().at(-1), 'listVirtualMachines', 'already attached: nothing sent');
  await driver.ejectIso(vm.id);
  await driver.ejectIso(vm.id);
  assert.equal(fake.inventory.vms.get(vm.id)!.isoid, undefined);
  assert.equal(fake.commands().filter((c) => c === 'detachIso').length, 2);
});

test('payloads: a floppy is unsupported; an ISO already registered under the payload name is attached', async () => {
  const { driver, vm, installer } = await withVm();
  await assert.rejects(driver.attachPayload(vm.id, { kind: 'floppy', path: '/tmp/a.img', name: 'seat.img' }), HvUnsupportedError);
  await assert.rejects(driver.attachPayload(vm.id, { kind: 'iso', path: '/tmp/x.iso', name: 'nowhere.iso' }), HvNotFoundError);
  const attached = await driver.attachPayload(vm.id, { kind: 'iso', path: '/tmp/installer.iso', name: 'installer.iso' });
  assert.deepEqual(attached, { kind: 'iso', id: installer.id });
  await driver.detachPayload(vm.id, attached);
  assert.equal(fake!.inventory.isos.has(installer.id), true, 'an ISO vizor did not register is kept');
});

test('payloads with payloadBaseUrl: registered from vizor, attached, and deleted again on detach (they hold secrets)', async () => {
  const { fake, driver, vm } = await withVm({ payloadBaseUrl: 'http://10.0.0.5:8080/payloads/' });
  const attached = await driver.attachPayload(vm.id, { kind: 'iso', path: '/var/lib/vizor/p/seat 01.iso', name: 'seat 01.iso' });
  const reg = fake.calls.find((c) => c.command === 'registerIso' && c.params.name === 'seat 01.iso')!.params;
  assert.equal(reg.url, 'http://10.0.0.5:8080/payloads/seat%2001.iso');
  assert.equal(reg.bootable, 'false');
  assert.equal(fake.inventory.vms.get(vm.id)!.isoid, attached.id);
  const m = fake.commands().length;
  await driver.detachPayload(vm.id, attached);
  assert.deepEqual(fake.commands().slice(m), ['listVirtualMachines', 'detachIso', 'listIsos', 'deleteIso']);
  assert.equal(fake.inventory.vms.get(vm.id)!.isoid, undefined);
  assert.equal(fake.inventory.isos.has(attached.id), false);
});

test('destroying a VM also deletes a payload ISO the driver registered for it and left attached', async () => {
  const { fake, driver, vm } = await withVm({ payloadBaseUrl: 'http://10.0.0.5:8080/payloads' });
  const attached = await driver.attachPayload(vm.id, { kind: 'iso', path: '/p/seat.iso', name: 'seat.iso' });
  await driver.destroy(vm.id);
  assert.equal(fake.inventory.isos.has(attached.id), false);
  assert.equal(fake.commands().at(-1), 'deleteIso');
});

test('the tools ISO is found by CloudStack\'s naming convention', async () => {
  fake = await startCloudStackFake();
  const tools = await driverFor(fake).findToolsIso();
  assert.equal(tools?.name, 'xs-tools.iso');
  assert.equal(tools?.details?.toolsBy, 'name');
  fake.inventory.isos.clear();
  assert.equal(await driverFor(fake).findToolsIso(), null);
});

test('listResources maps each kind to its list command', async () => {
  fake = await startCloudStackFake();
  const driver = driverFor(fake);
  assert.deepEqual((await driver.listResources('zone')).map((r) => r.name), ['zone1']);
  assert.deepEqual((await driver.listResources('network')).map((r) => r.name), ['vizor-net']);
  const offerings = await driver.listResources('offering');
  assert.deepEqual(offerings.find((o) => o.name === 'Medium Instance')?.details, { cpunumber: 2, memory: 2048, iscustomized: false });
  assert.deepEqual((await driver.listResources('disk-offering')).map((r) => r.details?.disksize), [5, 20, 100, 0]);
  assert.deepEqual((await driver.listResources('iso')).map((r) => r.name), ['installer.iso', 'xs-tools.iso']);
  assert.deepEqual(await driver.listResources('host'), []);
  assert.deepEqual((await driver.listResources('user')).map((r) => r.name), ['vizor', 'teacher']);
});

test('grant hands a stopped VM to another account; a running VM is refused', async () => {
  const { fake, driver, vm } = await withVm();
  await driver.grant(vm.id, { principal: { kind: 'user', id: 'teacher' }, role: 'UserVmManager' });
  const teacher = fake.inventory.accounts.find((a) => a.name === 'teacher')!;
  assert.deepEqual(fake.calls.at(-1)!.params, { virtualmachineid: vm.id, account: 'teacher', domainid: teacher.domainid });
  assert.equal(fake.inventory.vms.get(vm.id)!.account, 'teacher');
  await assert.rejects(driver.grant(vm.id, { principal: { kind: 'user', id: 'nobody' }, role: 'x' }), HvNotFoundError);
  await driver.start(vm.id);
  await assert.rejects(driver.grant(vm.id, { principal: { kind: 'user', id: 'teacher' }, role: 'x' }), HvStateError);
});

test('VM options: OS type by description, description as a tag; USB and stateless are unsupported', async () => {
  const { fake, driver, vm } = await withVm();
  await driver.setVmOptions(vm.id, { osType: 'Windows 10 (64-bit)', description: 'lab 3 gold image' });
  const win10 = fake.inventory.osTypes.find((o) => o.description === 'Windows 10 (64-bit)')!;
  assert.equal(fake.inventory.vms.get(vm.id)!.guestosid, win10.id);
  assert.ok(fake.inventory.tags.some((t) => t.resourceid === vm.id && t.key === 'vizor.description' && t.value === 'lab 3 gold image'));
  await assert.rejects(driver.setVmOptions(vm.id, { usb: true }), HvUnsupportedError);
  await assert.rejects(driver.setVmOptions(vm.id, { stateless: true }), HvUnsupportedError);
  // What a room passes (USB and stateless explicitly off): the OS type is still applied.
  const debian = fake.inventory.osTypes.find((o) => o.description === 'Debian GNU/Linux 12 (64-bit)')!;
  await driver.setVmOptions(vm.id, { usb: false, stateless: false, osType: debian.description });
  assert.equal(fake.inventory.vms.get(vm.id)!.guestosid, debian.id);
  await assert.rejects(driver.setVmOptions(vm.id, { osType: 'BeOS' }), HvNotFoundError);
});
