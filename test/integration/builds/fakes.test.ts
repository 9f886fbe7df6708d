// A whole Linux build against the XenServer and oVirt fakes: the runner creates the
// container, boots it, follows the (scripted) installer through vizor's own HTTP
// endpoints, waits for the guest to power off, makes and publishes the template.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startXapiFake } from '../../fakes/xapi/index.js';
import { startOvirtFake } from '../../fakes/ovirt/index.js';
import { startCloudStackFake } from '../../fakes/cloudstack/index.js';
import { MediaImage } from '../../../src/media/index.js';
import { BufferSource } from '../../../src/media/index.js';
import { startBuild } from '../../../src/builds/index.js';
import { buildBench, driveBuild, playDebianInstaller } from './harness.js';

describe('builds on the platform fakes', () => {
  test('XenServer: container, install, template, published', async (t) => {
    const fake = await startXapiFake();
    t.after(() => fake.close());
    const bench = await buildBench({ kind: 'xenserver', url: fake.url, username: fake.user, secret: fake.password }, { network: 'vizor-net', firmware: 'bios', diskGiB: 20, memoryMiB: 2048 });
    t.after(() => bench.close());
    const build = startBuild(bench.server.store, { isoId: bench.isoId, profile: 'p', publish: true, set: { hostname: 'web1' }, templateName: 'debian-web' });
    fake.clearCalls();
    let played: string[] = [];
    const end = await driveBuild(bench.server, build.id, async (b) => {
      if (b.stage === 'booting') {
        played = await playDebianInstaller(bench.http, b.mac!);
        fake.powerOff(b.vmId!); // the installer's poweroff
      }
    });
    assert.equal(end.state, 'done', JSON.stringify(bench.server.store.builds.events(build.id).slice(-3)));
    assert.deepEqual(played.map((u) => u.replace(/^.*\/answers\/[^/]+\//, '')), ['stage/installer-started', 'stage/disk-written', 'done']);
    const stages = bench.server.store.builds.events(build.id).filter((e) => e.kind === 'stage').map((e) => e.stage);
    assert.deepEqual(stages, ['created', 'container', 'booting', 'installer', 'setup-done', 'powered-off', 'template', 'published']);
    const methods = fake.calls.map((c) => c.method.replace(/^Async\./, ''));
    const order = ['VM.clone', 'VM.provision', 'VIF.create', 'VM.start', 'VM.set_is_a_template'].map((m) => methods.indexOf(m));
    assert.ok(order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)), `platform calls in order: ${methods.join(' ')}`);
    const tpl = fake.record(end.templateId!)!;
    assert.equal(tpl.is_a_template, true);
    assert.equal((tpl.other_config as Record<string, string>)['vizor.published'], 'true');
    const row = bench.server.store.templates.get('debian-web');
    assert.equal(row.published, true);
    assert.equal(row.platformId, end.templateId);
    assert.equal(bench.server.store.nodes.find(end.mac!)?.task.kind, 'local', 'the build node keeps its timeline but no install task');
    assert.equal((await fetch(played[2]!)).status, 404, 'the answer URLs died with the build');
  });

  test('oVirt: container, install, template (VM removed), published to Everyone', async (t) => {
    const fake = await startOvirtFake();
    t.after(() => fake.close());
    fake.hooks.guestHaltsAfter(1500);
    const bench = await buildBench({ kind: 'ovirt', url: fake.url, username: fake.user, secret: fake.password, options: { pollIntervalMs: 20 } }, { network: 'vizor-net', firmware: 'uefi', diskGiB: 20, placement: { storage: 'data' } });
    t.after(() => bench.close());
    const build = startBuild(bench.server.store, { isoId: bench.isoId, profile: 'p', publish: true, templateName: 'debian-ovirt' });
    const end = await driveBuild(bench.server, build.id, async (b) => {
      if (b.stage === 'booting') await playDebianInstaller(bench.http, b.mac!);
    });
    assert.equal(end.state, 'done', JSON.stringify(bench.server.store.builds.events(build.id).slice(-3)));
    const calls = fake.calls.map((c) => `${c.method} ${c.path.replace(/[0-9a-f-]{36}/g, '{id}')}`);
    for (const want of ['POST /vms', 'POST /vms/{id}/start', 'POST /templates', 'DELETE /vms/{id}', 'POST /templates/{id}/permissions']) {
      assert.ok(calls.some((c) => c.startsWith(want)), `${want} in ${calls.join('\n')}`);
    }
    assert.equal(bench.server.store.templates.get('debian-ovirt').published, true);
  });
});

describe('builds on the CloudStack fake', () => {
  test('CloudStack: boots from vizor\'s iPXE ISO, installs, template from the ROOT volume, made public', async (t) => {
    const fake = await startCloudStackFake({ guest: { haltAfterMs: 1500 } });
    t.after(() => fake.close());
    const bench = await buildBench(
      { kind: 'cloudstack', url: fake.url, username: fake.apiKey, secret: fake.secretKey, options: { pollIntervalMs: 20, ipxeIsoUrl: 'http://127.0.0.1:1/boot/vizor-ipxe.iso' } },
      { network: 'vizor-net', firmware: 'bios', diskGiB: 20, vcpus: 2, memoryMiB: 2048 },
    );
    t.after(() => bench.close());
    // The ISO CloudStack would download from vizor: a bootable image chaining back to vizor.
    const res = await fetch(`${bench.http}/boot/vizor-ipxe.iso`);
    assert.equal(res.status, 200);
    const iso = Buffer.from(await res.arrayBuffer());
    const image = await MediaImage.open(new BufferSource(iso, 'vizor-ipxe.iso'));
    assert.ok(image.boot?.entries.length, 'El Torito boot entry');
    assert.match((await image.readFile('/vizor.ipxe')).toString(), new RegExp(`chain .*${bench.http.replace(/[.]/g, '\\.')}/boot/ipxe\\?`));
    const build = startBuild(bench.server.store, { isoId: bench.isoId, profile: 'p', publish: true, templateName: 'debian-cs' });
    const end = await driveBuild(bench.server, build.id, async (b) => {
      if (b.stage === 'booting') await playDebianInstaller(bench.http, b.mac!);
    });
    assert.equal(end.state, 'done', JSON.stringify(bench.server.store.builds.events(build.id).slice(-3)));
    const commands = fake.calls.map((c) => c.command);
    for (const want of ['registerIso', 'deployVirtualMachine', 'startVirtualMachine', 'listVolumes', 'createTemplate', 'updateTemplatePermissions']) assert.ok(commands.includes(want), `${want} in ${commands.join(' ')}`);
    const perm = fake.calls.find((c) => c.command === 'updateTemplatePermissions')!;
    assert.equal(perm.params.ispublic, 'true');
    assert.equal(bench.server.store.templates.get('debian-cs').published, true);
  });
});

describe('build failure, timeout and cancel leave nothing behind', () => {
  test('an installer that never calls back times out; VM destroyed, node gone, logs say where', async (t) => {
    const fake = await startXapiFake();
    t.after(() => fake.close());
    const bench = await buildBench({ kind: 'xenserver', url: fake.url, username: fake.user, secret: fake.password }, { network: 'vizor-net', firmware: 'bios', diskGiB: 10 });
    t.after(() => bench.close());
    const build = startBuild(bench.server.store, { isoId: bench.isoId, profile: 'p', timeouts: { installer: 1 } });
    const end = await driveBuild(bench.server, build.id, () => undefined);
    assert.equal(end.state, 'failed');
    assert.match(end.error!, /^installer: timed out after 1 s waiting for stage installer/);
    assert.equal(fake.all('VM').filter(({ record }) => (record.other_config as Record<string, string>)['vizor.owner'] === build.id).length, 0, 'the container was destroyed');
    assert.deepEqual(bench.server.store.nodes.list().map((n) => n.task.kind), ['local'], 'no install task (or token) left');
    assert.deepEqual(bench.server.store.builds.events(build.id).map((e) => e.kind).slice(-3), ['error', 'cleaned', 'state']);
  });

  test('--keep keeps the VM of a failed build; retry adopts it instead of making a second one', async (t) => {
    const fake = await startXapiFake();
    t.after(() => fake.close());
    const bench = await buildBench({ kind: 'xenserver', url: fake.url, username: fake.user, secret: fake.password }, { network: 'vizor-net', firmware: 'bios', diskGiB: 10 });
    t.after(() => bench.close());
    const { retryBuild } = await import('../../../src/builds/index.js');
    const build = startBuild(bench.server.store, { isoId: bench.isoId, profile: 'p', keep: true, timeouts: { installer: 1 } });
    assert.equal((await driveBuild(bench.server, build.id, () => undefined)).state, 'failed');
    const mine = () => fake.all('VM').filter(({ record }) => (record.other_config as Record<string, string>)['vizor.owner'] === build.id && !record.is_a_template);
    assert.equal(mine().length, 1, 'kept');
    retryBuild(bench.server.store, build.id);
    // The same 1 s installer timeout: this time the installer answers at once.
    const end = await driveBuild(bench.server, build.id, async (b) => {
      if (b.stage === 'booting') {
        await playDebianInstaller(bench.http, b.mac!);
        fake.powerOff(b.vmId!);
      }
    });
    assert.equal(end.state, 'done');
    assert.equal(fake.calls.filter((c) => c.method.replace(/^Async\./, '') === 'VM.clone').length, 1, 'the kept VM was adopted, not cloned again');
  });

  test('cancel: the runner destroys the VM and marks the build cancelled', async (t) => {
    const fake = await startXapiFake();
    t.after(() => fake.close());
    const bench = await buildBench({ kind: 'xenserver', url: fake.url, username: fake.user, secret: fake.password }, { network: 'vizor-net', firmware: 'bios', diskGiB: 10 });
    t.after(() => bench.close());
    const { cancelBuild } = await import('../../../src/builds/index.js');
    const build = startBuild(bench.server.store, { isoId: bench.isoId, profile: 'p' });
    const end = await driveBuild(bench.server, build.id, (b) => {
      if (b.stage === 'booting') cancelBuild(bench.server.store, b.id);
    });
    assert.equal(end.state, 'cancelled');
    assert.equal(fake.all('VM').filter(({ record }) => (record.other_config as Record<string, string>)['vizor.owner'] === build.id).length, 0);
    assert.throws(() => cancelBuild(bench.server.store, build.id), /only a running build can be cancelled/);
  });
});
