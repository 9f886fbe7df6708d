// The fake engine itself, spoken to with plain HTTP: SSO, bearer check, XML shapes,
// faults and status transitions, so the driver tests rest on a faithful double.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { startOvirtFake, type OvirtFake } from '../../../fakes/ovirt/index.js';

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false });

describe('oVirt fake engine', () => {
  let fake: OvirtFake;
  let origin: string;
  let token: string;

  const api = async (method: string, path: string, body?: string, bearer: string | null = token) => {
    const headers: Record<string, string> = { Version: '4', Accept: 'application/xml' };
    if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
    if (body) headers['Content-Type'] = 'application/xml';
    const res = await fetch(`${fake.url}${path}`, { method, headers, ...(body ? { body } : {}) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, doc: text.startsWith('<?xml') ? (xml.parse(text) as Record<string, any>) : null };
  };
  const login = (username: string, password: string) =>
    fetch(`${origin}/ovirt-engine/sso/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'password', scope: 'ovirt-app-api', username, password }).toString(),
    });

  before(async () => {
    fake = await startOvirtFake({ stepMs: 20 });
    origin = new URL(fake.url).origin;
    const res = await login(fake.user, fake.password);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; token_type: string };
    assert.equal(body.token_type, 'bearer');
    token = body.access_token;
  });
  after(() => fake.close());

  test('wrong password: 400 with {error_code, error}, and the password is not recorded', async () => {
    const res = await login(fake.user, 'not-it');
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as Record<string, string>;
    assert.equal(body.error_code, 'access_denied');
    assert.match(body.error!, /Cannot authenticate user/);
    assert.ok(!JSON.stringify(fake.calls).includes('not-it'));
  });

  test('API without a bearer token, or with an unknown one, is 401', async () => {
    assert.equal((await api('GET', '/vms', undefined, null)).status, 401);
    assert.equal((await api('GET', '/vms', undefined, 'bogus')).status, 401);
    assert.equal((await api('GET', '/vms')).status, 200);
  });

  test('XML shapes: id/href attributes only, references, links, product_info', async () => {
    const root = await api('GET', '');
    assert.equal(root.doc!.api.product_info.name, 'oVirt Engine');
    const clusters = await api('GET', '/clusters');
    assert.match(clusters.type, /application\/xml/);
    const c = clusters.doc!.clusters.cluster;
    assert.equal(c.name, 'Default');
    assert.equal(c['@_href'], `/ovirt-engine/api/clusters/${c['@_id']}`);
    assert.deepEqual(Object.keys(c).filter((k) => k.startsWith('@_')).sort(), ['@_href', '@_id']);
    assert.ok(c.data_center['@_id'], 'reference to the data center');
    const tpl = (await api('GET', '/templates')).doc!.templates.template;
    assert.equal(tpl.name, 'Blank');
    assert.equal(tpl['@_id'], '00000000-0000-0000-0000-000000000000');
  });

  test('faults: 400 incomplete, 404 unknown, 409 state, Version 3 refused', async () => {
    const bad = await api('POST', '/vms', '<vm><cluster><name>Default</name></cluster></vm>');
    assert.equal(bad.status, 400);
    assert.equal(bad.doc!.fault.reason, 'Incomplete parameters');
    const missing = await api('GET', '/vms/nope');
    assert.equal(missing.status, 404);
    assert.match(missing.doc!.fault.detail, /Entity not found/);
    const v3 = await fetch(`${fake.url}/vms`, { headers: { Authorization: `Bearer ${token}`, Version: '3' } });
    assert.equal(v3.status, 400);
  });

  test('a VM goes image_locked → down, powering_up → up, and refuses a second start with 409', async () => {
    const manual = await startOvirtFake({ stepMs: 'manual' });
    try {
      const tok = ((await (await fetch(`${new URL(manual.url).origin}/ovirt-engine/sso/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({ grant_type: 'password', scope: 'ovirt-app-api', username: manual.user, password: manual.password }).toString(),
      })).json()) as { access_token: string }).access_token;
      const call = async (method: string, path: string, body?: string) => {
        const headers: Record<string, string> = { Version: '4', Authorization: `Bearer ${tok}`, ...(body ? { 'Content-Type': 'application/xml' } : {}) };
        const res = await fetch(`${manual.url}${path}`, { method, headers, ...(body ? { body } : {}) });
        return { status: res.status, doc: xml.parse(await res.text()) as Record<string, any> };
      };
      const status = async (id: string) => (await call('GET', `/vms/${id}`)).doc.vm.status as string;
      const add = await call('POST', '/vms', '<vm><name>shape-1</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>');
      assert.equal(add.status, 201);
      const id = add.doc.vm['@_id'] as string;
      assert.equal(add.doc.vm.status, 'image_locked');
      const locked = await call('POST', `/vms/${id}/start`, '<action/>');
      assert.equal(locked.status, 409);
      assert.match(locked.doc.fault.detail, /locked/);
      assert.equal(manual.hooks.settle(), 1);
      assert.equal(await status(id), 'down');
      const profile = [...manual.store.vnicProfiles.values()].find((p) => p.name === 'vizor-net')!;
      const nic = await call('POST', `/vms/${id}/nics`, `<nic><name>nic1</name><vnic_profile id="${profile.id}"/></nic>`);
      assert.equal(nic.status, 201);
      assert.match(nic.doc.nic.mac.address, /^56:6f:[0-9a-f]{2}(:[0-9a-f]{2}){3}$/);
      const snap = await call('POST', `/vms/${id}/snapshots`, '<snapshot><description>s</description></snapshot>');
      const snapId = snap.doc.snapshot['@_id'] as string;
      assert.equal(snap.doc.snapshot.snapshot_status, 'locked');
      assert.equal((await call('POST', `/vms/${id}/start`, '<action/>')).status, 409, 'locked while the snapshot is taken');
      manual.hooks.settle();
      assert.equal((await call('GET', `/vms/${id}/snapshots/${snapId}`)).doc.snapshot.snapshot_status, 'ok');
      assert.equal((await call('POST', `/vms/${id}/start`, '<action/>')).doc.action.status, 'complete');
      assert.equal(await status(id), 'powering_up');
      manual.hooks.settle();
      assert.equal(await status(id), 'up');
      const again = await call('POST', `/vms/${id}/start`, '<action/>');
      assert.equal(again.status, 409);
      assert.equal(again.doc.fault.detail, '[Cannot run VM. VM is running.]');
      const early = await call('POST', `/vms/${id}/snapshots/${snapId}/restore`, '<action/>');
      assert.equal(early.status, 409);
      assert.match(early.doc.fault.detail, /VM is not down/);
      assert.equal((await call('POST', `/vms/${id}/shutdown`, '<action/>')).status, 200);
      assert.equal(await status(id), 'powering_down');
      manual.hooks.settle();
      assert.equal(await status(id), 'down');
      assert.equal((await call('POST', `/vms/${id}/snapshots/${snapId}/restore`, '<action/>')).status, 200);
      assert.equal(await status(id), 'image_locked');
      manual.hooks.settle();
      assert.equal(await status(id), 'down');
      assert.equal((await call('POST', `/vms/${id}/snapshots/nope/restore`, '<action/>')).status, 404);
    } finally {
      await manual.close();
    }
  });

  test('records method, path, query, headers and parsed body of every call', async () => {
    await api('GET', '/vms?search=name%3Dshape-*&follow=nics,tags');
    const c = fake.calls.at(-1)!;
    assert.equal(c.method, 'GET');
    assert.equal(c.path, '/vms');
    assert.deepEqual(c.query, { search: 'name=shape-*', follow: 'nics,tags' });
    assert.equal(c.status, 200);
    assert.deepEqual(c.headers, { version: '4', accept: 'application/xml', contentType: undefined, bearer: true });
  });
});
