// Templates and clones against the fake engine: convert (VM removed afterwards), publish,
// clone with a fixed MAC, delete.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvJobFailedError, HvNotFoundError, HvStateError } from '../../../../src/hypervisors/errors.js';
import { CDROM_ID, EVERYONE_ID } from '../../../fakes/ovirt/index.js';
import { bench, containerSpec, WAIT, type Bench } from './setup.js';

describe('oVirt driver: templates and clones', () => {
  let b: Bench;
  let templateId: string;
  before(async () => (b = await bench()));
  after(() => b.close());

  const mutations = (start: number) => b.fake.calls.slice(start).filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);

  test('convertToTemplate: eject, clear payload, POST /templates, tag, remove the VM', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'gold-1' }));
    const iso = (await b.driver.listResources('iso'))[0]!;
    await b.driver.attachIso(vm.id, iso.id);
    await b.driver.attachPayload(vm.id, { kind: 'floppy', path: '/p', name: 'p', files: [{ name: 'autounattend.xml', content: Buffer.from('<secret/>') }] });
    const start = b.fake.calls.length;
    const tpl = await b.driver.convertToTemplate(vm.id, 'win10-gold');
    const tagPost = b.fake.calls.slice(start).find((c) => c.path === '/tags' && c.method === 'POST');
    assert.ok(tagPost, 'a template tag is created');
    assert.deepEqual(mutations(start).filter((l) => !l.startsWith('DELETE /tags/')), [
      `PUT /vms/${vm.id}/cdroms/${CDROM_ID}`,
      `PUT /vms/${vm.id}`,
      'POST /templates',
      'POST /tags',
      `POST /templates/${tpl.id}/tags`,
      `DELETE /vms/${vm.id}`,
    ]);
    assert.deepEqual((b.fake.calls.find((c) => c.method === 'POST' && c.path === '/templates')!.body as any).vm, { '@_id': vm.id });
    assert.deepEqual(tpl, { id: tpl.id, name: 'win10-gold', published: false });
    assert.equal(b.fake.store.templates.get(tpl.id)!.status, 'ok');
    assert.equal(b.fake.store.vms.has(vm.id), false, 'the VM id stops being a VM');
    await assert.rejects(b.driver.getVm(vm.id), HvNotFoundError);
    const listed = await b.driver.listVms({ role: 'template' });
    assert.deepEqual(listed.map((t) => [t.id, t.isTemplate, t.tag?.owner]), [[tpl.id, true, 'build-17']]);
    templateId = tpl.id;
  });

  test('a running VM cannot become a template', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'gold-2' }));
    await b.driver.start(vm.id);
    await b.driver.waitForPower(vm.id, 'running', WAIT);
    await assert.rejects(b.driver.convertToTemplate(vm.id, 'nope'), HvStateError);
    await b.driver.destroy(vm.id);
  });

  test('a failed template job is HvJobFailedError and the VM stays', async () => {
    const vm = await b.driver.createContainer(containerSpec({ name: 'gold-3' }));
    b.fake.hooks.failNextJob('template');
    await assert.rejects(b.driver.convertToTemplate(vm.id, 'broken'), HvJobFailedError);
    assert.equal((await b.driver.getVm(vm.id)).power, 'halted');
  });

  test('publishTemplate grants Everyone UserTemplateBasedVm, once; unpublish removes it', async () => {
    const role = b.fake.store.roleId('UserTemplateBasedVm');
    let start = b.fake.calls.length;
    await b.driver.publishTemplate(templateId, true);
    assert.deepEqual(mutations(start), [`POST /templates/${templateId}/permissions`]);
    assert.deepEqual(b.fake.calls.at(-1)!.body, { role: { name: 'UserTemplateBasedVm' }, group: { '@_id': EVERYONE_ID } });
    await b.driver.publishTemplate(templateId, true);
    const perms = b.fake.store.templates.get(templateId)!.permissions;
    assert.deepEqual(perms.map((p) => [p.roleId, p.principal.id]), [[role, EVERYONE_ID]]);
    start = b.fake.calls.length;
    await b.driver.publishTemplate(templateId, false);
    assert.deepEqual(mutations(start), [`DELETE /templates/${templateId}/permissions/${perms[0]!.id}`]);
    assert.deepEqual(b.fake.store.templates.get(templateId)!.permissions, []);
  });

  test('clone: POST /vms?clone=true from the template, NIC given the MAC, tagged', async () => {
    const start = b.fake.calls.length;
    const vm = await b.driver.clone({ name: 'pc-01', templateId, tag: { role: 'room', owner: 'lab-1/run-3' }, mac: '56:6f:aa:00:00:01', vcpus: 4, memoryMiB: 8192 });
    const post = b.fake.calls.slice(start).find((c) => c.method === 'POST' && c.path === '/vms')!;
    assert.deepEqual(post.query, { clone: 'true' });
    assert.deepEqual((post.body as any).template, { '@_id': templateId });
    const nicId = b.fake.store.vms.get(vm.id)!.nics[0]!.id;
    assert.deepEqual(mutations(start), ['POST /vms', `PUT /vms/${vm.id}/nics/${nicId}`, 'POST /tags', `POST /vms/${vm.id}/tags`]);
    assert.deepEqual(vm.macs, ['56:6f:aa:00:00:01']);
    assert.deepEqual(vm.tag, { role: 'room', owner: 'lab-1/run-3' });
    assert.equal(vm.details?.vcpus, 4);
    assert.equal(vm.details?.memoryMiB, 8192);
    assert.equal(b.fake.store.vms.get(vm.id)!.thin, false, 'independent disks');
    assert.equal(b.fake.store.vms.get(vm.id)!.attachments.length, 1, 'the template disk was copied');
  });

  test('clone without MAC or network keeps the pool MAC; onto a named storage domain', async () => {
    const start = b.fake.calls.length;
    const vm = await b.driver.clone({ name: 'pc-02', templateId, tag: { role: 'room', owner: 'lab-1/run-3' }, placement: { storage: 'data' } });
    assert.deepEqual(mutations(start), ['POST /vms', `POST /vms/${vm.id}/tags`]);
    assert.match(vm.macs[0]!, /^56:6f:1a:2b:/);
    const body = b.fake.calls.slice(start).find((c) => c.method === 'POST' && c.path === '/vms')!.body as any;
    assert.ok(body.disk_attachments.disk_attachment.disk.storage_domains.storage_domain['@_id']);
    assert.equal((await b.driver.listVms({ owner: 'lab-1/run-3' })).length, 2);
  });

  test('clone of an unknown template is HvNotFoundError', async () => {
    await assert.rejects(b.driver.clone({ name: 'pc-x', templateId: 'no-such-template', tag: { role: 'room', owner: 'r' } }), HvNotFoundError);
  });

  test('deleteTemplate removes it (and its tag once unused); again is a no-op', async () => {
    await b.driver.deleteTemplate(templateId);
    assert.equal(b.fake.store.templates.has(templateId), false);
    assert.deepEqual(await b.driver.listVms({ role: 'template' }), []);
    assert.ok(![...b.fake.store.tags.values()].some((t) => t.name.startsWith('vizor-template-')));
    const start = b.fake.calls.length;
    await b.driver.deleteTemplate(templateId);
    assert.deepEqual(mutations(start), []);
  });
});
