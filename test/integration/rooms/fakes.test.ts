// A room of 4 VMs on the oVirt fake: rollout (clone, floppy payload with the VM's own
// identity and encrypted-at-rest secrets, first boot, post-processing, permissions,
// snapshot), reset, a failing VM that does not stop the others, delete by tag only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Store } from '../../../src/store/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { createOvirtDriver } from '../../../src/hypervisors/ovirt/index.js';
import { deleteRoomVms, loadRoomFile, planRoom, resetRoomVms, roomStatus, rolloutRoom, withRoomLock, type RoomContext } from '../../../src/rooms/index.js';
import { startOvirtFake, EVERYONE_ID } from '../../fakes/ovirt/index.js';

const ADMIN = 'Adm1n<&>"pw';
const JOIN = 'J0in]]>pw';

async function setup(t: { after: (fn: () => unknown) => void }) {
  const fake = await startOvirtFake();
  t.after(() => fake.close());
  const dir = mkdtempSync(join(tmpdir(), 'vizor-room-'));
  const store = Store.open(join(dir, 'vizor.db'));
  t.after(() => store.close());
  const secrets = new SecretStore(store.secrets, join(dir, 'secret.key'));
  secrets.set('lab-admin', ADMIN);
  secrets.set('lab-join', JOIN);
  const driver = createOvirtDriver({ url: fake.url, user: fake.user, password: fake.password, pollIntervalMs: 5 });
  t.after(() => driver.close().catch(() => undefined));
  // The template a build made.
  const base = await driver.createContainer({ name: 'gold-src', vcpus: 2, memoryMiB: 2048, diskGiB: 20, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'b1' }, placement: { storage: 'data' }, osType: 'windows10_64' });
  const tpl = await driver.convertToTemplate(base.id, 'gold');
  store.templates.upsert({ name: 'gold', hypervisor: 'hv', platformId: tpl.id, buildId: 'b1', isoId: null, source: {} });
  const roomFile = join(dir, 'lab1.yaml');
  writeFileSync(roomFile, `room: lab1
hypervisor: hv
template: gold
usb: false
placement: { network: vizor-net }
thinClient: { group: ${EVERYONE_ID}, role: UserRole }
snapshot: { name: clean, description: "rollout of \${name}" }
reset: { start: never }
addressing: { subnet: 10.1.2.0/24, gateway: 10.1.2.1, first: 10.1.2.101, dns: [10.1.2.10] }
domain: { name: corp.example.org, ou: "OU=Lab1,DC=corp,DC=example,DC=org", user: join-svc, passwordSecret: lab-join }
dhcp: { reserve: true }
unattend:
  template: unattend
  values: { version: windows-10, arch: amd64, timeZone: UTC }
  secrets: { adminPassword: lab-admin }
groups:
  - name: seats
    ids: ["1-4"]
`);
  const ctx: RoomContext = {
    store, driver: async () => driver, secret: (n) => secrets.get(n), payloadDir: join(dir, 'payloads'), reportBase: 'http://10.1.2.1:8080',
    log: pino({ level: 'silent' }), powerOffTimeoutMs: 10_000, powerTimeoutMs: 10_000,
  };
  return { fake, store, driver, ctx, plan: planRoom(await loadRoomFile(roomFile)), dir };
}

describe('rooms on the oVirt fake', () => {
  test('rollout, reset, delete only what carries the room tag', { timeout: 120_000 }, async (t) => {
    const { fake, store, driver, ctx, plan, dir } = await setup(t);
    assert.deepEqual(plan.map((v) => [v.name, v.ip]), [['lab1-vd01', '10.1.2.101'], ['lab1-vd02', '10.1.2.102'], ['lab1-vd03', '10.1.2.103'], ['lab1-vd04', '10.1.2.104']]);
    // A foreign VM with a room-like name that vizor did not create.
    const foreign = await driver.createContainer({ name: 'lab1-vd05', vcpus: 1, memoryMiB: 512, diskGiB: 1, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'someone-else' }, placement: { storage: 'data' } });
    fake.hooks.guestHaltsAfter(300);
    const payloads: Record<string, string> = {};
    const seen = setInterval(() => {
      for (const vm of fake.store.vms.values()) for (const p of vm.payloads) for (const f of p.files) if (f.name === 'vizor.txt') payloads[vm.name] = f.content;
    }, 20);
    const results = await withRoomLock(store, 'lab1', 'rollout', () => rolloutRoom(ctx, plan));
    clearInterval(seen);
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    for (const vm of plan) {
      assert.match(payloads[vm.name] ?? '', new RegExp(`^hostname=${vm.hostname}$[\\s\\S]*^ip=${vm.ip!.replace(/\./g, '\\.')}/24$`, 'm'), `${vm.name} got its own identity`);
      const f = fake.store.vms.get(results.find((r) => r.name === vm.name)!.detail!.id as string)!;
      assert.deepEqual(f.payloads, [], 'payload removed after first boot');
      assert.ok(f.permissions.some((p) => p.principal.kind === 'group' && p.principal.id === EVERYONE_ID), 'thin-client group permission');
      assert.equal(f.snapshots.filter((s) => s.description.startsWith('clean')).length, 1, 'one rollout snapshot');
    }
    assert.deepEqual(readdirSync(join(dir, 'payloads')).filter((f) => !f.startsWith('.')), [], 'no payload image (with passwords) left on disk');
    assert.deepEqual(store.dhcp.reservations().map((r) => [r.ip, r.hostname, r.owner]), plan.map((v) => [v.ip, v.hostname, 'room:lab1']), 'vizor\'s DHCP reserves each VM\'s address for its MAC');

    // Rollout again: nothing is cloned twice.
    const vmsBefore = fake.store.vms.size;
    const again = await rolloutRoom(ctx, plan);
    assert.ok(again.every((r) => r.ok && r.action === 'exists'));
    assert.equal(fake.store.vms.size, vmsBefore);

    const status = await roomStatus(ctx, plan);
    assert.ok(status.every((s) => s.exists && s.resetTo?.startsWith('clean')), JSON.stringify(status));
    const reset = await resetRoomVms(ctx, plan);
    assert.ok(reset.every((r) => r.ok && r.action.startsWith('reverted to clean')), JSON.stringify(reset));

    const deleted = await deleteRoomVms(ctx, plan);
    assert.ok(deleted.every((r) => r.ok && r.action === 'deleted'));
    assert.ok(fake.store.vms.has(foreign.id), 'the foreign lab1-vd05 survives');
    assert.deepEqual([...fake.store.vms.values()].map((v) => v.name), ['lab1-vd05']);
    assert.deepEqual(store.rooms.vms('lab1'), []);
    assert.deepEqual(store.dhcp.reservations(), [], 'reservations go with the VMs');
  });

  test('a VM that never powers off times out; a platform error on one VM does not stop the others; the room lock', { timeout: 120_000 }, async (t) => {
    const { fake, store, ctx, plan } = await setup(t);
    fake.hooks.guestHaltsAfter(200);
    fake.hooks.guestHaltsAfter(3_600_000, 'lab1-vd02'); // never, in test time
    fake.hooks.failNextJob('vm'); // the first clone fails
    const results = await rolloutRoom({ ...ctx, powerOffTimeoutMs: 1500 }, plan);
    const failed = results.filter((r) => !r.ok).map((r) => r.name).sort();
    assert.equal(failed.length, 2, JSON.stringify(results));
    assert.ok(failed.includes('lab1-vd02'));
    assert.match(results.find((r) => r.name === 'lab1-vd02')!.error!, /timed out/i);
    assert.equal(results.filter((r) => r.ok).length, 2, 'the others finished');
    // Second rollout: only the failed ones are retried (vd02's guest has finished meanwhile).
    const stuck = [...fake.store.vms.values()].find((v) => v.name === 'lab1-vd02')!;
    await ctx.driver('hv').then((d) => d.stop(stuck.id));
    const retry = await rolloutRoom({ ...ctx, powerOffTimeoutMs: 10_000 }, plan);
    assert.ok(retry.every((r) => r.ok), JSON.stringify(retry));
    assert.equal(retry.filter((r) => r.action === 'exists').length, 2);
    // A second command on the room while one runs is refused.
    await withRoomLock(store, 'lab1', 'reset', async () => {
      await assert.rejects(withRoomLock(store, 'lab1', 'delete', async () => undefined), /room lab1 is busy: "reset"/);
    });
  });
});

describe('rooms on the CloudStack fake', () => {
  test('ISO payloads registered from vizor\'s /payloads URL and deleted after first boot; VM snapshots; reset; delete', { timeout: 120_000 }, async (t) => {
    const { startCloudStackFake } = await import('../../fakes/cloudstack/index.js');
    const { createCloudStackDriver } = await import('../../../src/hypervisors/cloudstack/index.js');
    const express = (await import('express')).default;
    const { payloadRouter } = await import('../../../src/server/payload-route.js');
    const fake = await startCloudStackFake({ guest: { haltAfterMs: 200 } });
    t.after(() => fake.close());
    const dir = mkdtempSync(join(tmpdir(), 'vizor-room-cs-'));
    // vizor's payload route, serving the rollout's payload folder.
    const app = express().use(payloadRouter({ payloadRoot: join(dir, 'payloads'), log: pino({ level: 'silent' }) }));
    const http = await new Promise<import('node:http').Server>((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
    t.after(() => new Promise<void>((r) => http.close(() => r())));
    const base = `http://127.0.0.1:${(http.address() as { port: number }).port}/payloads`;
    const store = Store.open(join(dir, 'vizor.db'));
    t.after(() => store.close());
    const secrets = new SecretStore(store.secrets, join(dir, 'secret.key'));
    secrets.set('lab-admin', ADMIN);
    const driver = createCloudStackDriver({ url: fake.url, apiKey: fake.apiKey, secretKey: fake.secretKey, ipxeIsoUrl: 'http://127.0.0.1:1/boot/vizor-ipxe.iso', payloadBaseUrl: base, pollIntervalMs: 5 });
    t.after(() => driver.close().catch(() => undefined));
    const src = await driver.createContainer({ name: 'gold-src', vcpus: 2, memoryMiB: 2048, diskGiB: 20, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'b1' } });
    const tpl = await driver.convertToTemplate(src.id, 'gold');
    store.templates.upsert({ name: 'gold', hypervisor: 'hv', platformId: tpl.id, buildId: 'b1', isoId: null, source: {} });
    const roomFile = join(dir, 'cs1.yaml');
    writeFileSync(roomFile, `room: cs1
hypervisor: hv
template: gold
usb: false
placement: { network: vizor-net }
thinClient: { user: teacher, role: owner }
snapshot: { name: clean, description: rollout }
reset: { start: always }
addressing: { subnet: 10.9.0.0/24, gateway: 10.9.0.1, first: 10.9.0.11 }
unattend:
  template: unattend
  values: { version: windows-11, arch: amd64 }
  secrets: { adminPassword: lab-admin }
groups:
  - name: seats
    ids: [1, 2, 3, 4]
`);
    const plan = planRoom(await loadRoomFile(roomFile));
    const fetched: { status: number; bytes: number }[] = [];
    const watcher = setInterval(() => {
      for (const c of fake.calls.filter((x) => x.command === 'registerIso' && x.params.url?.startsWith(base))) {
        if (fetched.length < 8) void fetch(c.params.url!).then(async (r) => fetched.push({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }), () => undefined);
      }
    }, 50);
    const ctx: RoomContext = { store, driver: async () => driver, secret: (n) => secrets.get(n), payloadDir: join(dir, 'payloads', 'cs1'), reportBase: null, log: pino({ level: 'silent' }), powerOffTimeoutMs: 20_000 };
    const results = await rolloutRoom(ctx, plan);
    clearInterval(watcher);
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    const registered = fake.calls.filter((c) => c.command === 'registerIso' && c.params.url?.startsWith(base));
    assert.equal(registered.length, 4, 'one payload ISO per VM, registered from vizor\'s URL');
    assert.ok(registered.every((c) => /\/payloads\/cs1-vd0\d-[0-9a-f]{12}\.iso$/.test(c.params.url!)));
    assert.ok(fetched.some((f) => f.status === 200 && f.bytes > 0), 'vizor served a payload while it was needed');
    assert.equal(fake.calls.filter((c) => c.command === 'deleteIso').length, 4, 'every payload ISO deleted from the platform after first boot');
    assert.equal((await fetch(registered[0]!.params.url!)).status, 404, 'and no longer served');
    assert.equal(fake.calls.filter((c) => c.command === 'createVMSnapshot').length, 4);
    assert.equal(fake.calls.filter((c) => c.command === 'assignVirtualMachine').length, 4, 'each VM assigned to the thin-client account');
    const reset = await resetRoomVms(ctx, plan);
    assert.ok(reset.every((r) => r.ok && r.action === 'reverted to clean, started'), JSON.stringify(reset));
    assert.equal(fake.calls.filter((c) => c.command === 'revertToVMSnapshot').length, 4);
    const deleted = await deleteRoomVms(ctx, plan);
    assert.ok(deleted.every((r) => r.ok));
    assert.deepEqual(await driver.listVms({ role: 'room' }), []);
  });
});

describe('rooms on the XenServer fake', () => {
  test('ISO payloads through the ISO library SR, snapshots, reset, delete', { timeout: 120_000 }, async (t) => {
    const { startXapiFake } = await import('../../fakes/xapi/index.js');
    const { createXenServerDriver } = await import('../../../src/hypervisors/xenserver/index.js');
    const fake = await startXapiFake();
    t.after(() => fake.close());
    fake.defaultGuest().haltAfter(200);
    const dir = mkdtempSync(join(tmpdir(), 'vizor-room-xen-'));
    const store = Store.open(join(dir, 'vizor.db'));
    t.after(() => store.close());
    const secrets = new SecretStore(store.secrets, join(dir, 'secret.key'));
    secrets.set('lab-admin', ADMIN);
    const isoLibrary = fake.srDir('ISO library');
    const driver = createXenServerDriver({ url: fake.url, user: fake.user, password: fake.password, payloadSr: 'ISO library', payloadDir: isoLibrary });
    t.after(() => driver.close().catch(() => undefined));
    const src = await driver.createContainer({ name: 'gold-src', vcpus: 2, memoryMiB: 2048, diskGiB: 20, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'b1' } });
    const tpl = await driver.convertToTemplate(src.id, 'gold');
    store.templates.upsert({ name: 'gold', hypervisor: 'hv', platformId: tpl.id, buildId: 'b1', isoId: null, source: {} });
    const roomFile = join(dir, 'x1.yaml');
    writeFileSync(roomFile, `room: x1\nhypervisor: hv\ntemplate: gold\nusb: false\nplacement: { network: vizor-net }\nsnapshot: { name: clean, description: rollout }\nreset: { start: if-running }\naddressing: { subnet: 10.8.0.0/24, gateway: 10.8.0.1, first: 10.8.0.11 }\nunattend:\n  template: unattend\n  values: { version: server-2022, arch: amd64 }\n  secrets: { adminPassword: lab-admin }\ngroups:\n  - name: seats\n    ids: ["1-4"]\n`);
    const plan = planRoom(await loadRoomFile(roomFile));
    const ctx: RoomContext = { store, driver: async () => driver, secret: (n) => secrets.get(n), payloadDir: join(dir, 'payloads', 'x1'), reportBase: null, log: pino({ level: 'silent' }), powerOffTimeoutMs: 20_000 };
    fake.clearCalls();
    const results = await rolloutRoom(ctx, plan);
    assert.ok(results.every((r) => r.ok), JSON.stringify(results));
    const methods = fake.calls.map((c) => c.method.replace(/^Async\./, ''));
    assert.equal(methods.filter((m) => m === 'VM.clone').length, 4);
    assert.ok(methods.filter((m) => m === 'SR.scan').length >= 8, 'a scan after each payload is written and after each is removed');
    assert.equal(methods.filter((m) => m === 'VBD.insert').length, 4, 'each payload ISO went into a CD drive');
    assert.equal(methods.filter((m) => m === 'VM.snapshot').length, 4);
    assert.deepEqual(readdirSync(isoLibrary).filter((f) => f.startsWith('x1-')), [], 'no payload ISO (with the admin password) left in the ISO library');
    assert.ok(!fake.all('VDI').some(({ record }) => String(record.name_label).startsWith('x1-')), 'and none left as a VDI');
    const reset = await resetRoomVms(ctx, plan);
    assert.ok(reset.every((r) => r.ok && r.action === 'reverted to clean'), JSON.stringify(reset));
    assert.equal(fake.calls.filter((c) => c.method.replace(/^Async\./, '') === 'VM.revert').length, 4);
    const deleted = await deleteRoomVms(ctx, plan);
    assert.ok(deleted.every((r) => r.ok));
    assert.deepEqual((await driver.listVms({ role: 'room' })).length, 0);
  });
});
