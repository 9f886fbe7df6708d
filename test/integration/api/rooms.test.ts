// /api/v1/rooms on the oVirt fake: list, per-VM status, a rollout action in the background,
// delete only with confirmation, read tokens cannot act.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOvirtDriver } from '../../../src/hypervisors/ovirt/index.js';
import { startOvirtFake } from '../../fakes/ovirt/index.js';
import { tempApp } from '../../helpers/catalog.js';
import { apiBench } from './harness.js';
import { lockRoom } from '../../../src/rooms/index.js';

test('rooms: list, show, rollout in the background, delete needs confirm', { timeout: 120_000 }, async (t) => {
  const fake = await startOvirtFake();
  t.after(() => fake.close());
  fake.hooks.guestHaltsAfter(150);
  const app = tempApp();
  const roomsDir = join(app.dataDir, '..', 'rooms.d');
  mkdirSync(roomsDir, { recursive: true });
  const api = await apiBench(app, { roomsDir });
  t.after(() => api.close());
  api.store.hypervisors.add({ name: 'hv', kind: 'ovirt', url: fake.url, username: fake.user, options: { pollIntervalMs: 10 }, secretName: 'hypervisor:hv' });
  api.secrets.set('hypervisor:hv', fake.password);
  const d = createOvirtDriver({ url: fake.url, user: fake.user, password: fake.password, pollIntervalMs: 5 });
  const src = await d.createContainer({ name: 'gold-src', vcpus: 1, memoryMiB: 1024, diskGiB: 10, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'b1' }, placement: { storage: 'data' } });
  const tpl = await d.convertToTemplate(src.id, 'gold');
  await d.close().catch(() => undefined);
  api.store.templates.upsert({ name: 'gold', hypervisor: 'hv', platformId: tpl.id, buildId: 'b1', isoId: null, source: {} });
  writeFileSync(join(roomsDir, 'a1.yaml'), 'room: a1\nhypervisor: hv\ntemplate: gold\nusb: false\nplacement: { network: vizor-net }\nsnapshot: { name: clean, description: api }\naddressing: { subnet: 10.5.0.0/24, gateway: 10.5.0.1, first: 10.5.0.10 }\ngroups:\n  - name: s\n    ids: [1, 2]\n');

  const list = await api.call('GET', '/api/v1/rooms', { token: api.reader });
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.map((r: { room: string; vms: number }) => [r.room, r.vms]), [['a1', 2]]);
  assert.equal((await api.call('POST', '/api/v1/rooms/a1/actions/rollout', { token: api.reader, body: {} })).status, 403);
  // A command holding the room (e.g. the CLI) makes the API answer 409 at once.
  const release = lockRoom(api.store, 'a1', 'rollout');
  const busy = await api.call('POST', '/api/v1/rooms/a1/actions/rollout', { body: {} });
  assert.equal(busy.status, 409);
  assert.equal(busy.body.error.code, 'ROOM_LOCKED');
  release();
  const started = await api.call('POST', '/api/v1/rooms/a1/actions/rollout', { body: {} });
  assert.equal(started.status, 202);
  assert.equal(started.body.state, 'running');
  const second = await api.call('POST', '/api/v1/rooms/a1/actions/start', { body: {} });
  assert.equal(second.status, 409, 'a second action while one runs is refused');
  assert.equal((await api.call('GET', '/api/v1/rooms/a1')).body.lastAction.action, 'rollout', 'and the running one stays shown');
  let room;
  for (let i = 0; i < 200; i++) {
    room = (await api.call('GET', '/api/v1/rooms/a1')).body;
    if (room.lastAction?.state !== 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(room.lastAction.state, 'done', JSON.stringify(room.lastAction));
  assert.deepEqual(room.vms.map((v: { name: string; exists: boolean; resetTo: string }) => [v.name, v.exists, v.resetTo]), [['a1-vd01', true, 'clean'], ['a1-vd02', true, 'clean']]);
  const noConfirm = await api.call('POST', '/api/v1/rooms/a1/actions/delete', { body: {} });
  assert.equal(noConfirm.status, 400);
  assert.equal(noConfirm.body.error.code, 'ROOM_CONFIRM');
  assert.equal((await api.call('GET', '/api/v1/rooms/nope')).status, 404);
  assert.equal((await api.call('POST', '/api/v1/rooms/a1/actions/explode', { body: {} })).status, 400);
});
