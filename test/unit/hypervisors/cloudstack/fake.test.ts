import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCloudStackFake, type CloudStackFake } from '../../../fakes/cloudstack/index.js';
import { raw, waitRawJob } from './helpers.js';

const UNAUTHORIZED = { uuidList: [], errorcode: 401, errortext: 'unable to verify user credentials and/or request signature' };

let fake: CloudStackFake;
before(async () => {
  fake = await startCloudStackFake({ jobPolls: 2 });
});
after(() => fake.close());

test('a signed GET and a signed POST both answer with the lower-case <command>response wrapper', async () => {
  for (const method of ['GET', 'POST'] as const) {
    const r = await raw(fake, 'listZones', {}, { method });
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ['listzonesresponse']);
    assert.equal(r.body.listzonesresponse.count, 1);
    assert.equal(r.body.listzonesresponse.zone[0].name, 'zone1');
  }
});

test('a tampered signature gets 401 with the ExceptionResponse body', async () => {
  const r = await raw(fake, 'listZones', {}, { tamper: (p) => (p.signature = `${p.signature!.slice(0, -2)}A=`) });
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { listzonesresponse: UNAUTHORIZED });
  assert.equal(fake.calls.at(-1)?.authFailure, 'bad-signature');
});

test('a parameter changed after signing is refused', async () => {
  const r = await raw(fake, 'listNetworks', { keyword: 'vizor' }, { tamper: (p) => (p.keyword = 'other') });
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { listnetworksresponse: UNAUTHORIZED });
});

test('an unknown API key and a wrong secret are refused alike', async () => {
  const unknown = await raw(fake, 'listZones', {}, { apiKey: 'nobody' });
  assert.equal(unknown.status, 401);
  assert.equal(fake.calls.at(-1)?.authFailure, 'unknown-key');
  const wrong = await raw(fake, 'listZones', {}, { secretKey: 'not-the-secret' });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.body, { listzonesresponse: UNAUTHORIZED });
});

test('signatureVersion 3: a future expiry passes, a past one is refused', async () => {
  assert.equal((await raw(fake, 'listZones', {}, { expiresInMs: 60_000 })).status, 200);
  const expired = await raw(fake, 'listZones', {}, { expiresInMs: 60_000, now: () => new Date(Date.now() - 3_600_000) });
  assert.equal(expired.status, 401);
  assert.equal(fake.calls.at(-1)?.authFailure, 'expired');
  const noExpiry = await raw(fake, 'listZones', { signatureVersion: '3' });
  assert.equal(noExpiry.status, 401);
  assert.equal(fake.calls.at(-1)?.authFailure, 'missing-expires');
});

test('enforce.post.requests.and.timestamps: version 3 required, expiry capped at 15 min, GET refused for changes', async () => {
  const strict = await startCloudStackFake({ enforcePostAndTimestamps: true });
  try {
    assert.equal((await raw(strict, 'listZones')).status, 401);
    assert.equal(strict.calls.at(-1)?.authFailure, 'post-and-timestamps-enforced');
    assert.equal((await raw(strict, 'listZones', {}, { expiresInMs: 3_600_000 })).status, 401);
    assert.equal(strict.calls.at(-1)?.authFailure, 'expires-too-far');
    assert.equal((await raw(strict, 'listZones', {}, { expiresInMs: 60_000, method: 'GET' })).status, 200);
    assert.equal((await raw(strict, 'stopVirtualMachine', { id: 'x' }, { expiresInMs: 60_000, method: 'GET' })).status, 405);
  } finally {
    await strict.close();
  }
});

test('an unknown command is refused like a bad signature, under errorresponse', async () => {
  const r = await raw(fake, 'launchMissiles');
  assert.equal(r.status, 401);
  assert.deepEqual(r.body, { errorresponse: UNAUTHORIZED });
});

test('a missing required parameter is 431 with ParamProcessWorker\'s text', async () => {
  const r = await raw(fake, 'deployVirtualMachine', { serviceofferingid: 'x', templateid: 'y' });
  assert.equal(r.status, 431);
  assert.deepEqual(r.body, {
    deployvirtualmachineresponse: { uuidList: [], errorcode: 431, cserrorcode: 9999, errortext: 'Unable to execute API command deployvirtualmachine due to missing parameter zoneid' },
  });
});

test('an unknown UUID is 431 "entity does not exist"; empty lists are omitted entirely', async () => {
  const r = await raw(fake, 'listVirtualMachines', { id: 'no-such-vm' });
  assert.equal(r.status, 431);
  assert.match(r.body.listvirtualmachinesresponse.errortext, /Invalid parameter id value=no-such-vm .*entity does not exist/);
  const empty = await raw(fake, 'listVirtualMachines');
  assert.equal(empty.text, '{"listvirtualmachinesresponse":{}}');
});

test('async jobs stay pending for the configured polls, then carry the object; failures carry errorcode/errortext', async () => {
  const zone = (await raw(fake, 'listZones')).body.listzonesresponse.zone[0];
  const iso = (await raw(fake, 'listIsos', { name: 'installer.iso' })).body.listisosresponse.iso[0];
  const net = (await raw(fake, 'listNetworks')).body.listnetworksresponse.network[0];
  const so = (await raw(fake, 'listServiceOfferings', { name: 'Small Instance' })).body.listserviceofferingsresponse.serviceoffering[0];
  const disk = (await raw(fake, 'listDiskOfferings', { name: 'Small' })).body.listdiskofferingsresponse.diskoffering[0];
  const deploy = { zoneid: zone.id, templateid: iso.id, serviceofferingid: so.id, diskofferingid: disk.id, networkids: net.id, hypervisor: 'KVM', startvm: 'false' };
  const sub = (await raw(fake, 'deployVirtualMachine', { ...deploy, name: 'jobs-1' })).body.deployvirtualmachineresponse;
  assert.ok(sub.id && sub.jobid);
  const polls = [];
  for (let i = 0; i < 3; i++) polls.push((await raw(fake, 'queryAsyncJobResult', { jobid: sub.jobid })).body.queryasyncjobresultresponse);
  assert.deepEqual(polls.map((p) => p.jobstatus), [0, 0, 1]);
  assert.equal(polls[0].jobresult, undefined);
  assert.equal(polls[2].jobresult.virtualmachine.id, sub.id);
  assert.equal(polls[2].jobresult.virtualmachine.state, 'Stopped');
  assert.equal(polls[2].jobresult.virtualmachine.isoid, iso.id);

  fake.hooks.failNextJob('startVirtualMachine', { errortext: 'Insufficient capacity' });
  const start = (await raw(fake, 'startVirtualMachine', { id: sub.id })).body.startvirtualmachineresponse;
  const failed = await waitRawJob(fake, start.jobid);
  assert.equal(failed.jobstatus, 2);
  assert.equal(failed.jobresultcode, 530);
  assert.deepEqual(failed.jobresult, { errorcode: 530, errortext: 'Insufficient capacity' });
  const vm = (await raw(fake, 'listVirtualMachines', { id: sub.id })).body.listvirtualmachinesresponse.virtualmachine[0];
  assert.equal(vm.state, 'Stopped');
});

test('deploying from an ISO needs a hypervisor and a disk offering, as CloudStack insists', async () => {
  const zone = (await raw(fake, 'listZones')).body.listzonesresponse.zone[0];
  const iso = (await raw(fake, 'listIsos', { name: 'installer.iso' })).body.listisosresponse.iso[0];
  const so = (await raw(fake, 'listServiceOfferings', { name: 'Small Instance' })).body.listserviceofferingsresponse.serviceoffering[0];
  const r = await raw(fake, 'deployVirtualMachine', { zoneid: zone.id, templateid: iso.id, serviceofferingid: so.id, name: 'x1' });
  assert.equal(r.status, 431);
  assert.equal(r.body.deployvirtualmachineresponse.cserrorcode, 4350);
  assert.match(r.body.deployvirtualmachineresponse.errortext, /Hypervisor parameter is needed/);
});

test('a registered ISO becomes ready after a few listIsos polls; resource tags filter lists', async () => {
  const zone = (await raw(fake, 'listZones')).body.listzonesresponse.zone[0];
  const os = (await raw(fake, 'listOsTypes')).body.listostypesresponse.ostype[0];
  const bad = await raw(fake, 'registerIso', { name: 'x', url: 'http://h/x.img', zoneid: zone.id, ostypeid: os.id });
  assert.equal(bad.status, 431);
  const reg = (await raw(fake, 'registerIso', { name: 'boot.iso', url: 'http://h/boot.iso', zoneid: zone.id, ostypeid: os.id })).body.registerisoresponse;
  assert.equal(reg.iso[0].isready, false);
  const id = reg.iso[0].id;
  const ready = [];
  for (let i = 0; i < 3; i++) ready.push((await raw(fake, 'listIsos', { id })).body.listisosresponse.iso[0].isready);
  assert.deepEqual(ready, [false, false, true]);
  const tag = (await raw(fake, 'createTags', { resourceids: id, resourcetype: 'ISO', 'tags[0].key': 'k', 'tags[0].value': 'v' })).body.createtagsresponse;
  assert.equal((await waitRawJob(fake, tag.jobid)).jobstatus, 1);
  const hit = (await raw(fake, 'listIsos', { 'tags[0].key': 'k', 'tags[0].value': 'v' })).body.listisosresponse;
  assert.deepEqual(hit.iso.map((i: { id: string }) => i.id), [id]);
  assert.deepEqual(hit.iso[0].tags, [{ key: 'k', value: 'v', resourcetype: 'ISO', resourceid: id }]);
  assert.deepEqual((await raw(fake, 'listIsos', { 'tags[0].key': 'k', 'tags[0].value': 'w' })).body.listisosresponse, {});
});

test('the fake records each call without the transport parameters', async () => {
  await raw(fake, 'listNetworks', { keyword: 'vizor' }, { expiresInMs: 60_000 });
  assert.deepEqual(fake.calls.at(-1), { command: 'listNetworks', params: { keyword: 'vizor' }, method: 'POST', status: 200 });
});

test('injected 429 and 503 answers come before any check', async () => {
  fake.hooks.failNextRequests(1, 429);
  fake.hooks.failNextRequests(1, 503);
  const limited = await raw(fake, 'listZones');
  assert.equal(limited.status, 429);
  assert.equal(limited.body.listzonesresponse.errorcode, 429);
  const res = await fetch(fake.url, { method: 'POST' });
  assert.equal(res.status, 503);
  assert.equal((await raw(fake, 'listZones')).status, 200);
});
