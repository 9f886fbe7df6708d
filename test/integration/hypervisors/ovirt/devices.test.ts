// CD-ROM, payloads, boot order, VM options and permissions against the fake engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvNotFoundError, HvRequestError } from '../../../../src/hypervisors/errors.js';
import { CDROM_ID, EVERYONE_ID } from '../../../fakes/ovirt/index.js';
import { bench, containerSpec, type Bench } from './setup.js';

describe('oVirt driver: devices and options', () => {
  let b: Bench;
  let vmId: string;
  before(async () => {
    b = await bench();
    vmId = (await b.driver.createContainer(containerSpec())).id;
  });
  after(() => b.close());

  const since = (start: number) => b.fake.calls.slice(start).filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);

  test('attachIso puts the ISO disk in the CD-ROM; ejectIso empties it', async () => {
    const iso = (await b.driver.listResources('iso')).find((i) => i.name === 'installer.iso')!;
    let start = b.fake.calls.length;
    await b.driver.attachIso(vmId, iso.id);
    assert.deepEqual(since(start), [`PUT /vms/${vmId}/cdroms/${CDROM_ID}`]);
    assert.equal(b.fake.store.vms.get(vmId)!.cdromFile, iso.id);
    start = b.fake.calls.length;
    await b.driver.ejectIso(vmId);
    assert.deepEqual(since(start), [`PUT /vms/${vmId}/cdroms/${CDROM_ID}`]);
    assert.deepEqual(b.fake.calls.at(-1)!.body, { file: { '@_id': '' } });
    assert.equal(b.fake.store.vms.get(vmId)!.cdromFile, null);
    start = b.fake.calls.length;
    await b.driver.ejectIso(vmId);
    assert.deepEqual(since(start), [], 'an empty drive needs no eject');
    await assert.rejects(b.driver.attachIso(vmId, 'no-such-iso'), HvNotFoundError);
  });

  test('attachPayload: one PUT /vms/{id} with <payloads>, content kept byte for byte', async () => {
    const unattend = '<?xml version="1.0"?>\n<unattend xmlns="urn:schemas-microsoft-com:unattend">\n  <x a="1 & 2">é</x>\n</unattend>\n';
    const start = b.fake.calls.length;
    const attached = await b.driver.attachPayload(vmId, {
      kind: 'floppy',
      path: '/var/lib/vizor/p.img',
      name: 'p',
      files: [{ name: 'autounattend.xml', content: Buffer.from(unattend) }, { name: 'seat.txt', content: Buffer.from('pc-07') }],
    });
    assert.deepEqual(since(start), [`PUT /vms/${vmId}`]);
    assert.equal(attached.kind, 'floppy');
    assert.deepEqual(b.fake.store.vms.get(vmId)!.payloads, [
      { type: 'floppy', files: [{ name: 'autounattend.xml', content: unattend }, { name: 'seat.txt', content: 'pc-07' }] },
    ]);
    await b.driver.detachPayload(vmId, attached);
    assert.deepEqual(b.fake.store.vms.get(vmId)!.payloads, []);
  });

  test('ISO payloads become cdrom payloads', async () => {
    await b.driver.attachPayload(vmId, { kind: 'iso', path: '/x.iso', name: 'x', files: [{ name: 'a.txt', content: Buffer.from('a') }] });
    assert.equal(b.fake.store.vms.get(vmId)!.payloads[0]!.type, 'cdrom');
  });

  test('payload without files, or with binary files, is refused without a request', async () => {
    const start = b.fake.calls.length;
    await assert.rejects(b.driver.attachPayload(vmId, { kind: 'floppy', path: '/p.img', name: 'p' }), (e: unknown) => e instanceof HvRequestError && /files/.test(e.message));
    await assert.rejects(b.driver.attachPayload(vmId, { kind: 'floppy', path: '/p.img', name: 'p', files: [{ name: 'b.bin', content: Buffer.from([0xff, 0xfe, 0x00]) }] }), HvRequestError);
    assert.equal(b.fake.calls.length, start);
  });

  test('setBootOrder writes os.boot.devices; duplicates are refused', async () => {
    await b.driver.setBootOrder(vmId, ['disk', 'cdrom']);
    assert.deepEqual(b.fake.store.vms.get(vmId)!.config.bootDevices, ['hd', 'cdrom']);
    await assert.rejects(b.driver.setBootOrder(vmId, ['disk', 'disk']), HvRequestError);
    await assert.rejects(b.driver.setBootOrder(vmId, []), HvRequestError);
  });

  test('setVmOptions: USB, stateless, OS type, description in one PUT; nothing given, nothing sent', async () => {
    let start = b.fake.calls.length;
    await b.driver.setVmOptions(vmId, { usb: true, stateless: true, osType: 'windows11', description: 'gold image' });
    assert.deepEqual(since(start), [`PUT /vms/${vmId}`]);
    const c = b.fake.store.vms.get(vmId)!.config;
    assert.deepEqual(c.usb, { enabled: true, type: 'native' });
    assert.equal(c.stateless, true);
    assert.equal(c.osType, 'windows_11');
    assert.equal(c.description, 'gold image');
    await b.driver.setVmOptions(vmId, { usb: false });
    assert.equal(b.fake.store.vms.get(vmId)!.config.usb.enabled, false);
    start = b.fake.calls.length;
    await b.driver.setVmOptions(vmId, {});
    assert.equal(b.fake.calls.length, start);
  });

  test('grant: role by name to a user and a group; repeating it is fine', async () => {
    const alice = [...b.fake.store.users.values()].find((u) => u.name === 'alice')!;
    const start = b.fake.calls.length;
    await b.driver.grant(vmId, { principal: { kind: 'user', id: alice.id }, role: 'UserVmManager' });
    assert.deepEqual(since(start), [`POST /vms/${vmId}/permissions`]);
    assert.deepEqual(b.fake.calls.at(-1)!.body, { role: { name: 'UserVmManager' }, user: { '@_id': alice.id } });
    await b.driver.grant(vmId, { principal: { kind: 'user', id: alice.id }, role: 'UserVmManager' });
    await b.driver.grant(vmId, { principal: { kind: 'group', id: EVERYONE_ID }, role: 'UserRole' });
    const perms = b.fake.store.vms.get(vmId)!.permissions;
    assert.equal(perms.length, 2);
    assert.deepEqual(perms.map((p) => p.principal), [{ kind: 'user', id: alice.id }, { kind: 'group', id: EVERYONE_ID }]);
    await assert.rejects(b.driver.grant(vmId, { principal: { kind: 'user', id: alice.id }, role: 'NoSuchRole' }), HvNotFoundError);
  });

  test('listResources and findToolsIso', async () => {
    assert.deepEqual((await b.driver.listResources('cluster')).map((r) => r.name), ['Default']);
    assert.deepEqual((await b.driver.listResources('network')).map((r) => r.name), ['ovirtmgmt', 'vizor-net']);
    assert.deepEqual((await b.driver.listResources('storage')).map((r) => [r.name, r.details?.type]), [['data', 'data']]);
    assert.deepEqual((await b.driver.listResources('iso')).map((r) => r.name).sort(), ['installer.iso', 'oVirt-toolsSetup_4.5_8.iso']);
    assert.ok((await b.driver.listResources('group')).some((g) => g.id === EVERYONE_ID && g.name === 'Everyone'));
    assert.ok((await b.driver.listResources('role')).some((r) => r.name === 'UserVmManager'));
    assert.deepEqual(await b.driver.listResources('offering'), []);
    assert.equal((await b.driver.findToolsIso())?.name, 'oVirt-toolsSetup_4.5_8.iso');
    const info = await b.driver.test();
    assert.deepEqual([info.kind, info.version, info.endpoint], ['ovirt', '4.5.4-1.el8', b.fake.url]);
  });
});
