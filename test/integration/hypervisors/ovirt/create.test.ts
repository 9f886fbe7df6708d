// createContainer, getVm and listVms against the fake engine: request sequence, bodies,
// tagging, and the failures that must leave nothing behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvJobFailedError, HvNotFoundError, HvRequestError } from '../../../../src/hypervisors/errors.js';
import { bench, containerSpec, type Bench } from './setup.js';

describe('oVirt driver: containers', () => {
  let b: Bench;
  before(async () => (b = await bench()));
  after(() => b.close());

  test('createContainer: exact request sequence and bodies, halted VM with its MAC', async () => {
    const start = b.fake.calls.length;
    const vm = await b.driver.createContainer(containerSpec());
    const calls = b.fake.calls.slice(start);
    const lines = calls.map((c) => `${c.method} ${c.path}`).filter((l, i, all) => i === 0 || all[i - 1] !== l);
    const disk = calls.find((c) => c.path.startsWith('/disks/'))!.path;
    assert.deepEqual(lines, [
      'POST /ovirt-engine/sso/oauth/token',
      'GET /clusters',
      'GET /storagedomains',
      'GET /vnicprofiles',
      'GET /networks',
      'POST /vms',
      `GET /vms/${vm.id}`,
      `POST /vms/${vm.id}/diskattachments`,
      `GET ${disk}`,
      `POST /vms/${vm.id}/nics`,
      'GET /tags',
      'POST /tags',
      `POST /vms/${vm.id}/tags`,
      `GET /vms/${vm.id}`,
    ]);
    assert.ok(calls.filter((c) => !c.path.startsWith('/ovirt-engine/')).every((c) => c.headers.version === '4' && c.headers.accept === 'application/xml' && c.headers.bearer));

    const body = calls.find((c) => c.method === 'POST' && c.path === '/vms')!.body as any;
    const cluster = [...b.fake.store.clusters.values()][0]!;
    assert.equal(body.name, 'build-17-vm');
    assert.equal(body.cluster['@_id'], cluster.id);
    assert.equal(body.template.name, 'Blank');
    assert.equal(body.memory, String(4096 * 1024 * 1024));
    assert.deepEqual(body.cpu.topology, { sockets: '2', cores: '1', threads: '1' });
    assert.equal(body.os.type, 'windows_10x64');
    assert.deepEqual(body.os.boot.devices.device, ['network', 'hd']);
    assert.equal(body.bios.type, 'q35_ovmf');

    const disk0 = calls.find((c) => c.path.endsWith('/diskattachments'))!.body as any;
    assert.equal(disk0.interface, 'sata', 'Windows Setup has in-box SATA drivers');
    assert.equal(disk0.bootable, 'true');
    assert.equal(disk0.disk.provisioned_size, String(40 * 1024 ** 3));
    assert.equal(disk0.disk.storage_domains.storage_domain['@_id'], [...b.fake.store.storageDomains.values()][0]!.id);
    const nic = calls.find((c) => c.path.endsWith('/nics'))!.body as any;
    const profile = [...b.fake.store.vnicProfiles.values()].find((p) => p.name === 'vizor-net')!;
    assert.equal(nic.vnic_profile['@_id'], profile.id);
    assert.equal(nic.interface, 'e1000');

    assert.equal(vm.power, 'halted');
    assert.equal(vm.isTemplate, false);
    assert.deepEqual(vm.tag, { role: 'build', owner: 'build-17' });
    assert.deepEqual(vm.macs, [b.fake.store.vms.get(vm.id)!.nics[0]!.mac]);
    assert.match(vm.macs[0]!, /^56:6f:/);
    assert.deepEqual(await b.driver.getVm(vm.id), vm);
  });

  test('a Linux BIOS container with a given MAC, in a named cluster and storage domain', async () => {
    const vm = await b.driver.createContainer(
      containerSpec({ name: 'deb-1', firmware: 'bios', osType: 'debian12', mac: '56:6F:00:AA:BB:01', placement: { cluster: 'Default', storage: 'data' }, tag: { role: 'build', owner: 'build-18' } }),
    );
    assert.deepEqual(vm.macs, ['56:6f:00:aa:bb:01']);
    const rec = b.fake.store.vms.get(vm.id)!;
    assert.equal(rec.config.biosType, 'q35_sea_bios');
    assert.equal(rec.config.osType, 'other_linux');
    assert.equal(rec.nics[0]!.interface, 'virtio');
    assert.equal(rec.attachments[0]!.interface, 'virtio_scsi');
  });

  test('listVms filters by owner and role through vizor tags', async () => {
    const all = await b.driver.listVms();
    assert.deepEqual(all.map((v) => v.name).sort(), ['build-17-vm', 'deb-1']);
    assert.deepEqual((await b.driver.listVms({ owner: 'build-18' })).map((v) => v.name), ['deb-1']);
    assert.deepEqual(await b.driver.listVms({ role: 'room' }), []);
    const search = b.fake.calls.filter((c) => c.path === '/vms' && c.method === 'GET').at(-1)!;
    assert.match(search.query.search!, /^tag=vizor-build-/);
    assert.equal(search.query.follow, 'nics,tags');
  });

  test('a VM vizor did not tag is not listed', async () => {
    const before = (await b.driver.listVms()).length;
    b.fake.store.tags.set('t-foreign', { id: 't-foreign', name: 'production', description: 'vizor:build:build-17', parentId: null });
    assert.equal((await b.driver.listVms()).length, before);
  });

  test('missing network: HvNotFoundError naming it, and no VM is created', async () => {
    const start = b.fake.calls.length;
    await assert.rejects(b.driver.createContainer(containerSpec({ name: 'x1', network: 'no-such-net' })), (e: unknown) => e instanceof HvNotFoundError && /no-such-net/.test(e.message) && /vizor-net/.test(e.message));
    assert.ok(!b.fake.calls.slice(start).some((c) => c.method === 'POST'));
  });

  test('missing cluster and bad MAC are refused before anything is created', async () => {
    const start = b.fake.calls.length;
    await assert.rejects(b.driver.createContainer(containerSpec({ name: 'x2', placement: { cluster: 'Nowhere' } })), HvNotFoundError);
    await assert.rejects(b.driver.createContainer(containerSpec({ name: 'x3', mac: '56:6f:00' })), HvRequestError);
    assert.ok(!b.fake.calls.slice(start).some((c) => c.method === 'POST'));
  });

  test('a failed disk job: HvJobFailedError and the half-made VM is removed', async () => {
    b.fake.hooks.failNextJob('disk');
    await assert.rejects(b.driver.createContainer(containerSpec({ name: 'x4' })), HvJobFailedError);
    assert.ok(![...b.fake.store.vms.values()].some((v) => v.name === 'x4'));
  });

  test('a VM creation job the engine rolls back is HvJobFailedError', async () => {
    b.fake.hooks.failNextJob('vm');
    await assert.rejects(b.driver.createContainer(containerSpec({ name: 'x5' })), HvJobFailedError);
  });

  test('getVm of an unknown id is HvNotFoundError with the platform status', async () => {
    await assert.rejects(b.driver.getVm('5e1f0000-0000-0000-0000-000000000000'), (e: unknown) => e instanceof HvNotFoundError && e.platformCode === '404');
  });
});
