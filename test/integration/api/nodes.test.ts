// Nodes and events over the API: register, tasks of every kind (answer tokens and the
// Windows password never come back), incremental boot timelines and the merged live feed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiBench, type ApiBench } from './harness.js';

const ADMIN_PASSWORD = 'Win-Adm1n-password-xyz';
const MAC = '52:54:00:aa:bb:01';
const answerTokens: string[] = [];
const tokenOf = (b: ApiBench) => String((b.store.nodes.get(MAC).task as { token?: unknown }).token);

describe('API: nodes and events', () => {
  let b: ApiBench;
  let ids: Record<string, number>;
  before(async () => {
    b = await apiBench();
    ids = await b.catalog({ 'debian.iso': 'debian-netinst.iso', 'win10.iso': 'win10.iso' });
  });
  after(() => b?.close());

  test('register a node; bad MAC, bad task and duplicates are refused with their field', async () => {
    const made = await b.call('POST', '/api/v1/nodes', { body: { mac: '52-54-00-AA-BB-01', name: 'lab-pc-01', task: { kind: 'menu' } } });
    assert.equal(made.status, 201);
    assert.equal(made.body.mac, MAC);
    assert.deepEqual(made.body.task, { kind: 'menu' });
    assert.equal(made.headers.get('location'), `/api/v1/nodes/${encodeURIComponent(MAC)}`);
    const badMac = await b.call('POST', '/api/v1/nodes', { body: { mac: 'zz:zz' } });
    assert.deepEqual([badMac.status, badMac.body.error.field], [400, 'mac']);
    const badTask = await b.call('POST', '/api/v1/nodes', { body: { mac: '52:54:00:aa:bb:02', task: { kind: 'reboot' } } });
    assert.equal(badTask.status, 400);
    assert.equal(badTask.body.error.field, 'task.kind');
    const noScript = await b.call('POST', '/api/v1/nodes', { body: { mac: '52:54:00:aa:bb:02', task: { kind: 'script' } } });
    assert.equal(noScript.body.error.field, 'task.script');
    assert.equal((await b.call('POST', '/api/v1/nodes', { body: { mac: MAC } })).status, 409);
    const list = await b.call('GET', '/api/v1/nodes', { token: b.reader });
    assert.deepEqual(list.body.map((n: { name: string }) => n.name), ['lab-pc-01']);
  });

  test('show by name or MAC; an unregistered MAC has a timeline too; a bad ref is 404', async () => {
    const byName = await b.call('GET', '/api/v1/nodes/lab-pc-01');
    assert.equal(byName.body.mac, MAC);
    assert.equal(byName.body.node.name, 'lab-pc-01');
    assert.equal(byName.body.lease, null);
    const seenOnly = await b.call('GET', '/api/v1/nodes/52:54:00:ff:ff:ff');
    assert.deepEqual([seenOnly.status, seenOnly.body.node], [200, null]);
    assert.equal((await b.call('GET', '/api/v1/nodes/no-such-node')).status, 404);
    assert.equal((await b.call('PUT', '/api/v1/nodes/no-such-node/task', { body: { task: { kind: 'local' } } })).status, 404);
  });

  test('tasks: script, linux-install (token kept inside), windows-install (needs wimboot; password write-only)', async () => {
    const script = await b.call('PUT', `/api/v1/nodes/${MAC}/task`, { body: { task: { kind: 'script', script: '#!ipxe\necho hi\n' } } });
    assert.deepEqual(script.body.task, { kind: 'script', script: 'echo hi\n' });
    const linux = await b.call('PUT', '/api/v1/nodes/lab-pc-01/task', { body: { task: { kind: 'linux-install', isoId: ids['debian.iso'], values: { hostname: 'deb1' } } } });
    assert.equal(linux.status, 200, linux.text);
    assert.equal(linux.body.task.kind, 'linux-install');
    assert.equal(linux.body.task.token, undefined, 'the answer token stays inside');
    assert.match(tokenOf(b), /^[A-Za-z0-9_-]{16,}$/);
    answerTokens.push(tokenOf(b));
    const wrongIso = await b.call('PUT', '/api/v1/nodes/lab-pc-01/task', { body: { task: { kind: 'linux-install', isoId: ids['win10.iso'] } } });
    assert.deepEqual([wrongIso.status, wrongIso.body.error.field], [400, 'task.isoId']);
    const badValue = await b.call('PUT', '/api/v1/nodes/lab-pc-01/task', { body: { task: { kind: 'linux-install', isoId: ids['debian.iso'], values: { hostname: 'two\nlines' } } } });
    assert.deepEqual([badValue.status, badValue.body.error.field], [400, 'task.values']);

    const win = { kind: 'windows-install', isoId: ids['win10.iso'], release: 'windows-10', adminPassword: ADMIN_PASSWORD };
    const noWimboot = await b.call('PUT', '/api/v1/nodes/lab-pc-01/task', { body: { task: win } });
    assert.deepEqual([noWimboot.status, noWimboot.body.error.code], [409, 'PRECONDITION']);
    const noPassword = await b.call('PUT', '/api/v1/nodes/lab-pc-01/task', { body: { task: { ...win, adminPassword: undefined } } });
    assert.equal(noPassword.body.error.field, 'task.adminPassword');
    writeFileSync(join(b.bootDir, 'wimboot'), 'not really wimboot');
    const set = await b.call('PUT', '/api/v1/nodes/lab-pc-01/task', { body: { task: win } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.task.kind, 'windows-install');
    assert.equal(set.body.task.adminPasswordSecret, `node-admin:${MAC}`);
    assert.equal(b.secrets.get(`node-admin:${MAC}`), ADMIN_PASSWORD);
    answerTokens.push(tokenOf(b));
  });

  test('boot timeline: latest events, then only newer ones with after=', async () => {
    const task = b.store.nodes.get(MAC).task;
    b.store.nodes.record(MAC, 'dhcp-offer', { ip: '10.0.0.5' });
    b.store.nodes.record(MAC, 'http-script', { task });
    const all = await b.call('GET', `/api/v1/nodes/${MAC}/events`, { token: b.reader });
    assert.deepEqual(all.body.map((e: { kind: string }) => e.kind), ['dhcp-offer', 'http-script']);
    assert.equal(all.body[1].detail.task.token, undefined, 'tokens are taken out of event details too');
    const last = all.body[1].id as number;
    assert.deepEqual((await b.call('GET', `/api/v1/nodes/${MAC}/events?after=${last}`)).body, []);
    b.store.nodes.record(MAC, 'tftp-done', { file: 'ipxe.efi' });
    const newer = await b.call('GET', `/api/v1/nodes/lab-pc-01/events?after=${last}`);
    assert.deepEqual(newer.body.map((e: { kind: string }) => e.kind), ['tftp-done']);
    assert.equal((await b.call('GET', `/api/v1/nodes/${MAC}/events?after=-1`)).body.error.field, 'after');
  });

  test('the merged feed: node and build events by time; the cursor returns each event once', async () => {
    const first = await b.call('GET', '/api/v1/events?limit=2');
    assert.equal(first.body.events.length, 2);
    const cursor = first.body.cursor as string;
    assert.deepEqual((await b.call('GET', `/api/v1/events?after=${cursor}`)).body.events, []);
    b.store.nodes.record(MAC, 'http-fetch', { path: '/boot/wimboot' });
    b.store.db.prepare("INSERT INTO builds (id, hypervisor, profile, iso_id, family, spec, state, stage, stage_started_at, token, created_at, updated_at) VALUES ('bfeed', 'hv', 'p', ?, 'debian', '{}', 'running', 'created', ?, 'tok', ?, ?)").run(ids['debian.iso'], new Date().toISOString(), new Date().toISOString(), new Date().toISOString());
    b.store.builds.event('bfeed', 'created', 'stage', {});
    b.store.nodes.record(MAC, 'http-fetch', { path: '/boot/bcd' });
    // Events in the same millisecond have no order between tables; each comes exactly once.
    const one = await b.call('GET', `/api/v1/events?after=${cursor}&limit=2`);
    assert.equal(one.body.events.length, 2);
    const two = await b.call('GET', `/api/v1/events?after=${one.body.cursor}`);
    const got = [...one.body.events, ...two.body.events] as { source: string; kind: string; at: string; detail: { path?: string } }[];
    assert.deepEqual(got.map((e) => `${e.source}:${e.kind}:${e.detail.path ?? ''}`).sort(), ['build:stage:', 'node:http-fetch:/boot/bcd', 'node:http-fetch:/boot/wimboot']);
    assert.ok(one.body.events[0].at <= one.body.events[1].at, 'oldest first');
    assert.deepEqual((await b.call('GET', `/api/v1/events?after=${two.body.cursor}`)).body.events, []);
    assert.equal((await b.call('GET', '/api/v1/events?after=garbage')).body.error.field, 'after');
  });

  test('remove a node', async () => {
    assert.equal((await b.call('DELETE', '/api/v1/nodes/lab-pc-01')).status, 204);
    assert.equal((await b.call('GET', '/api/v1/nodes/lab-pc-01')).status, 404);
  });

  test('no password or answer token in any response or log line', () => {
    assert.equal(answerTokens.length, 2, 'the store did hold answer tokens');
    b.assertNoLeak([ADMIN_PASSWORD, b.admin, ...answerTokens]);
  });
});
