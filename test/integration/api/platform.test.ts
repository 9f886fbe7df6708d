// Hypervisors, VMs, profiles, builds, templates and instances over the API against the
// XAPI fake: secrets are write-only, foreign VMs refused, builds start/cancel/retry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startXapiFake, type XapiFake } from '../../fakes/xapi/index.js';
import { createXenServerDriver } from '../../../src/hypervisors/xenserver/index.js';
import { apiBench, type ApiBench } from './harness.js';

const BUILD_PASSWORD = 'Build-Adm1n-secret-42';

describe('API: hypervisors, VMs, profiles, builds, templates, instances', () => {
  let b: ApiBench;
  let fake: XapiFake;
  let isoId: number;
  let buildId: string;
  before(async () => {
    fake = await startXapiFake();
    b = await apiBench();
    isoId = (await b.catalog({ 'debian.iso': 'debian-netinst.iso' }))['debian.iso']!;
  });
  after(async () => {
    await b?.close();
    await fake?.close();
  });
  const driver = () => createXenServerDriver({ url: fake.url, user: fake.user, password: fake.password });

  test('hypervisor add: each missing or bad field is named', async () => {
    const ok = { name: 'xcp1', kind: 'xenserver', url: fake.url, user: fake.user, password: fake.password };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, password: undefined }, 'password'],
      [{ ...ok, user: undefined }, 'user'],
      [{ ...ok, kind: 'vmware' }, 'kind'],
      [{ ...ok, name: 'XCP' }, 'name'],
      [{ ...ok, url: 'xcp1.lab' }, 'url'],
      [{ ...ok, options: { colour: 'blue' } }, 'options'],
      [{ name: 'q', kind: 'qemu', url: 'qemu:relative' }, 'url'],
    ];
    for (const [body, field] of cases) {
      const a = await b.call('POST', '/api/v1/hypervisors', { body });
      assert.deepEqual([a.status, a.body.error.code, a.body.error.field], [400, 'VALIDATION', field], JSON.stringify(body));
    }
    assert.equal(b.store.hypervisors.list().length, 0);
  });

  test('hypervisor add/list/show/test; the password is stored encrypted and never returned', async () => {
    const added = await b.call('POST', '/api/v1/hypervisors', { body: { name: 'xcp1', kind: 'xenserver', url: fake.url, user: fake.user, password: fake.password, options: { allowUnauthorized: true } } });
    assert.equal(added.status, 201, added.text);
    assert.deepEqual([added.body.hasSecret, added.body.options], [true, { allowUnauthorized: true }]);
    assert.equal(b.secrets.get('hypervisor:xcp1'), fake.password);
    assert.equal((await b.call('POST', '/api/v1/hypervisors', { body: { name: 'xcp1', kind: 'qemu', url: 'qemu:///tmp/q' } })).status, 409);
    assert.equal((await b.call('GET', '/api/v1/hypervisors', { token: b.reader })).body[0].name, 'xcp1');
    assert.equal((await b.call('GET', '/api/v1/hypervisors/xcp1')).body.username, fake.user);
    const probe = await b.call('POST', '/api/v1/hypervisors/xcp1/test');
    assert.equal(probe.status, 200, probe.text);
    assert.equal(probe.body.kind, 'xenserver');
    assert.ok(probe.body.networks.includes('vizor-net'));
    await b.call('POST', '/api/v1/hypervisors', { body: { name: 'wrongpw', kind: 'xenserver', url: fake.url, user: fake.user, password: 'not-the-password' } });
    const refused = await b.call('POST', '/api/v1/hypervisors/wrongpw/test');
    assert.deepEqual([refused.status, refused.body.error.code], [502, 'HV_AUTH']);
    assert.equal((await b.call('GET', '/api/v1/hypervisors/nope')).status, 404);
  });

  test('VMs: only vizor-tagged ones listed and acted on; start/stop wait; destroy', async () => {
    const d = driver();
    const vm = await d.createContainer({ name: 'vizor-api-vm', vcpus: 1, memoryMiB: 512, diskGiB: 1, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'bapi' } });
    await d.close();
    const list = await b.call('GET', '/api/v1/hypervisors/xcp1/vms');
    assert.deepEqual(list.body.map((v: { name: string }) => v.name), ['vizor-api-vm']);
    assert.deepEqual((await b.call('GET', '/api/v1/hypervisors/xcp1/vms?owner=other')).body, []);
    const shown = await b.call('GET', `/api/v1/hypervisors/xcp1/vms/${vm.id}`);
    assert.deepEqual([shown.body.tag, shown.body.snapshots], [{ role: 'build', owner: 'bapi' }, []]);
    const foreign = String(fake.all('VM').find(({ record }) => record.name_label === 'unrelated-vm')!.record.uuid);
    const refused = await b.call('DELETE', `/api/v1/hypervisors/xcp1/vms/${foreign}`);
    assert.deepEqual([refused.status, refused.body.error.code], [409, 'HV_STATE']);
    assert.match(refused.body.error.message, /not created by vizor/);
    assert.equal((await b.call('POST', `/api/v1/hypervisors/xcp1/vms/${foreign}/start`, { body: {} })).status, 409);
    const started = await b.call('POST', `/api/v1/hypervisors/xcp1/vms/${vm.id}/start`, { body: { waitSeconds: 30 } });
    assert.deepEqual(started.body, { id: vm.id, done: 'start' });
    assert.equal((await b.call('GET', `/api/v1/hypervisors/xcp1/vms/${vm.id}`)).body.power, 'running');
    assert.equal((await b.call('POST', `/api/v1/hypervisors/xcp1/vms/${vm.id}/stop`, { body: { waitSeconds: -1 } })).body.error.field, 'waitSeconds');
    assert.equal((await b.call('POST', `/api/v1/hypervisors/xcp1/vms/${vm.id}/stop`, { body: { waitSeconds: 30 } })).status, 200);
    assert.equal((await b.call('DELETE', `/api/v1/hypervisors/xcp1/vms/${vm.id}`)).status, 204);
    const gone = await b.call('GET', `/api/v1/hypervisors/xcp1/vms/${vm.id}`);
    assert.deepEqual([gone.status, gone.body.error.code], [404, 'HV_NOT_FOUND']);
  });

  test('profiles: validation by the build spec schema, add/list/show', async () => {
    const bad = await b.call('POST', '/api/v1/profiles', { body: { name: 'p', hypervisor: 'xcp1', spec: { network: 'vizor-net', vcpus: 0 } } });
    assert.deepEqual([bad.status, bad.body.error.field], [400, 'spec.vcpus']);
    assert.equal((await b.call('POST', '/api/v1/profiles', { body: { name: 'p', hypervisor: 'xcp1', spec: {} } })).body.error.field, 'spec.network');
    assert.equal((await b.call('POST', '/api/v1/profiles', { body: { name: 'p', hypervisor: 'nope', spec: { network: 'n' } } })).status, 404);
    const made = await b.call('POST', '/api/v1/profiles', { body: { name: 'p', hypervisor: 'xcp1', spec: { network: 'vizor-net', memoryMiB: 1024, firmware: 'bios' } } });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.spec.vcpus, 2, 'defaults filled in');
    assert.equal((await b.call('GET', '/api/v1/profiles')).body.length, 1);
    assert.equal((await b.call('GET', '/api/v1/profiles/p')).body.spec.memoryMiB, 1024);
  });

  test('builds: validation, start (no token or password returned), list, show, logs, cancel, retry', async () => {
    assert.equal((await b.call('POST', '/api/v1/builds', { body: { profile: 'p' } })).body.error.field, 'isoId');
    assert.equal((await b.call('POST', '/api/v1/builds', { body: { isoId: isoId, profile: 'p', timeouts: { warp: 1 } } })).body.error.field, 'timeouts.warp');
    assert.equal((await b.call('POST', '/api/v1/builds', { body: { isoId: 999999, profile: 'p' } })).status, 404);
    const invalid = await b.call('POST', '/api/v1/builds', { body: { isoId, profile: 'p', values: { colour: 'blue' }, adminPassword: BUILD_PASSWORD } });
    assert.deepEqual([invalid.status, invalid.body.error.code], [400, 'BUILD_INVALID']);
    assert.equal((b.store.db.prepare("SELECT count(*) AS n FROM secrets WHERE name LIKE 'build-admin:%'").get() as { n: number }).n, 0, 'a refused build leaves no password behind');

    const started = await b.call('POST', '/api/v1/builds', { body: { isoId, profile: 'p', values: { hostname: 'deb-api' }, adminPassword: BUILD_PASSWORD, keep: true } });
    assert.equal(started.status, 201, started.text);
    buildId = started.body.id;
    assert.deepEqual([started.body.state, started.body.stage, started.body.family], ['running', 'created', 'debian']);
    assert.equal(started.body.token, undefined);
    assert.equal(started.headers.get('location'), `/api/v1/builds/${buildId}`);
    const secretName = String(b.store.builds.get(buildId).spec.adminPasswordSecret);
    assert.equal(b.secrets.get(secretName), BUILD_PASSWORD);
    assert.deepEqual((await b.call('GET', '/api/v1/builds?state=running', { token: b.reader })).body.map((x: { id: string }) => x.id), [buildId]);
    assert.deepEqual((await b.call('GET', '/api/v1/builds?state=done')).body, []);
    assert.equal((await b.call('GET', '/api/v1/builds?state=bogus')).body.error.field, 'state');
    assert.equal((await b.call('GET', `/api/v1/builds/${buildId}`)).body.spec.values.hostname, 'deb-api');
    const logs = await b.call('GET', `/api/v1/builds/${buildId}/logs`);
    assert.deepEqual(logs.body.map((e: { kind: string; stage: string }) => `${e.stage}/${e.kind}`), ['created/stage']);
    assert.deepEqual((await b.call('GET', `/api/v1/builds/${buildId}/logs?after=${logs.body[0].id}`)).body, []);
    assert.equal((await b.call('GET', '/api/v1/builds/bnope/logs')).status, 404);

    assert.equal((await b.call('POST', `/api/v1/builds/${buildId}/retry`)).body.error.code, 'BUILD_STATE');
    const cancelled = await b.call('POST', `/api/v1/builds/${buildId}/cancel`);
    assert.equal(cancelled.body.state, 'cancelling');
    const again = await b.call('POST', `/api/v1/builds/${buildId}/cancel`);
    assert.deepEqual([again.status, again.body.error.code], [409, 'BUILD_STATE']);
    const newer = await b.call('GET', `/api/v1/builds/${buildId}/logs?after=${logs.body[0].id}`);
    assert.deepEqual(newer.body.map((e: { kind: string; detail: { state?: string } }) => `${e.kind}:${e.detail.state}`), ['state:cancelling']);
    b.store.builds.setState(buildId, 'cancelled');
    const retried = await b.call('POST', `/api/v1/builds/${buildId}/retry`);
    assert.deepEqual([retried.status, retried.body.state, retried.body.stage], [200, 'running', 'created']);
  });

  test('templates: list, show, publish, unpublish, delete on the platform; instances list/show; refresh', async () => {
    const d = driver();
    const vm = await d.createContainer({ name: 'vizor-tpl-src', vcpus: 1, memoryMiB: 512, diskGiB: 1, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: buildId } });
    const tpl = await d.convertToTemplate(vm.id, 'api-template');
    const inst = await d.createContainer({ name: 'vizor-inst', vcpus: 1, memoryMiB: 512, diskGiB: 1, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: buildId } });
    await d.close();
    const t = b.store.templates.upsert({ name: 'api-template', hypervisor: 'xcp1', platformId: tpl.id, buildId, isoId, source: { edition: 'debian' } });
    const i = b.store.instances.upsert({ name: 'vizor-inst', hypervisor: 'xcp1', platformId: inst.id, role: 'build', owner: buildId, source: {}, state: 'halted' });
    assert.deepEqual((await b.call('GET', '/api/v1/templates', { token: b.reader })).body.map((x: { name: string }) => x.name), ['api-template']);
    assert.equal((await b.call('GET', '/api/v1/templates/api-template')).body.id, t.id);
    assert.equal((await b.call('POST', '/api/v1/templates/api-template/publish', { token: b.reader })).status, 403);
    assert.equal((await b.call('POST', `/api/v1/templates/${t.id}/publish`)).body.published, true);
    assert.equal((await b.call('POST', `/api/v1/templates/${t.id}/unpublish`)).body.published, false);
    const refreshed = await b.call('POST', '/api/v1/inventory/refresh');
    assert.deepEqual(refreshed.body, { templates: { present: 1, missing: 0 }, instances: { present: 1, missing: 0 } });
    assert.deepEqual((await b.call('GET', `/api/v1/instances?owner=${buildId}`)).body.map((x: { id: number }) => x.id), [i.id]);
    assert.equal((await b.call('GET', `/api/v1/instances/${i.id}`)).body.platformId, inst.id);
    assert.equal((await b.call('GET', '/api/v1/instances/999')).status, 404);
    assert.equal((await b.call('GET', '/api/v1/instances/abc')).body.error.field, 'id');
    assert.equal((await b.call('DELETE', `/api/v1/templates/${t.id}`)).status, 204);
    assert.equal(fake.record(tpl.id), undefined, 'gone from the platform');
    assert.equal((await b.call('GET', `/api/v1/templates/${t.id}`)).status, 404);
    assert.equal((await b.call('GET', '/api/v1/templates?all=true')).body[0].state, 'deleted');
  });

  test('remove a profile and a hypervisor (with its secret)', async () => {
    assert.equal((await b.call('DELETE', '/api/v1/profiles/p')).status, 204);
    assert.equal((await b.call('DELETE', '/api/v1/hypervisors/wrongpw')).status, 204);
    assert.equal(b.secrets.get('hypervisor:wrongpw'), null);
    assert.equal((await b.call('DELETE', '/api/v1/hypervisors/wrongpw')).status, 404);
  });

  test('no platform password, build password or build token in any response or log line', () => {
    b.assertNoLeak([fake.password, 'not-the-password', BUILD_PASSWORD, b.store.builds.get(buildId).token, b.admin, b.reader]);
  });
});
