// vizor's main job end to end on the QEMU driver, inside a private namespace where vizor
// serves DHCP, iPXE and HTTP: `vizor build start` turns a cataloged installer ISO into a
// template (container created, PXE boot through vizor, the installer fetches its preseed,
// reports its stages, writes the disk and powers off, vizor makes the template); then a
// room of 4 VMs is cloned from it: each boots from its disk, reads its own floppy payload
// and reports the hostname and address it was given; snapshot, reset, and a delete that
// spares a same-named VM vizor did not create for the room.
// The installer role is played by vizor's small test guest (Debian kernel + busybox
// initramfs, test/helpers/guest) over the same HTTP endpoints d-i uses: the real Debian
// installer cannot finish an install offline in the time a suite allows under TCG.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createLab, type Lab } from '../../helpers/lab.js';
import { startVizorInLab, vizorCli, type LabVizor } from '../../helpers/vizor-lab.js';
import { buildTestGuest } from '../../helpers/guest/index.js';
import { createQemuDriver } from '../../../src/hypervisors/qemu/index.js';

describe('main job on QEMU: build a template through vizor, then roll out a room from it', { timeout: 1_500_000 }, () => {
  let lab: Lab;
  let vizor: LabVizor;
  let stateDir: string;
  let net: string;
  let gateway: string;
  const roomFile = () => join(lab.dir, 'lab1.yaml');

  before(async () => {
    const guest = await buildTestGuest({ httpPort: 8080 });
    lab = await createLab({ bridges: ['br0'] });
    const br0 = lab.bridge('br0');
    gateway = br0.address;
    net = br0.address.split('.').slice(0, 3).join('.');
    vizor = await startVizorInLab(lab, {
      interfaces: ['br0'], defaultTask: 'local', advertiseAddress: br0.address,
      dhcp: { mode: 'full', poolStart: `${net}.100`, poolEnd: `${net}.150`, router: br0.address, dns: [br0.address] },
    });
    const isos = join(lab.dir, 'isos');
    mkdirSync(isos);
    copyFileSync(guest.installerIso, join(isos, 'guest-installer.iso'));
    await vizorCli(vizor.configFile, ['source', 'add', 'isos', `file://${isos}`]);
    await vizorCli(vizor.configFile, ['catalog', 'scan', 'isos']);
    stateDir = join(lab.dir, 'qemu');
    // vizor serve runs inside the namespace, so its QEMU driver needs no netns of its own.
    await vizorCli(vizor.configFile, ['hypervisor', 'add', 'lab', 'qemu', `qemu://${stateDir}`, '--option', 'bridge=br0', '--option', 'accel=tcg', '--option', 'machine=pc']);
    await vizorCli(vizor.configFile, ['profile', 'add', 'small', '--hypervisor', 'lab', '--network', 'br0', '--firmware', 'bios', '--vcpus', '1', '--memory', '384', '--disk', '1']);
  });

  after(async () => {
    await lab?.destroy();
  });

  /** Room commands run where the VMs' bridge is: inside the namespace, like vizor serve. */
  const roomCli = async (args: string[]): Promise<string> =>
    (await lab.exec('env', ['VIZOR_ROOM_POWEROFF_TIMEOUT=420', process.execPath, bin, '--config', vizor.configFile, ...args])).stdout;
  const db = () => new Database(join(vizor.dataDir, 'vizor.db'), { readonly: true, fileMustExist: true });

  test('vizor build start --wait: PXE install through vizor to a template', { timeout: 900_000 }, async () => {
    const isos = JSON.parse(await vizorCli(vizor.configFile, ['--json', 'catalog', 'list'])) as { id: number; path: string }[];
    const isoId = isos.find((i) => i.path === 'guest-installer.iso')!.id;
    const out = await vizorCli(vizor.configFile, ['--json', 'build', 'start', '--image', String(isoId), '--profile', 'small', '--template-name', 'guest-tpl', '--set', 'hostname=golden', '--wait']);
    const build = JSON.parse(out) as { id: string; state: string; mac: string; templateId: string; error: string | null };
    assert.equal(build.state, 'done', `build ended ${build.state}: ${build.error}`);
    const d = db();
    try {
      const stages = (d.prepare("SELECT stage FROM build_events WHERE build_id = ? AND kind = 'stage' ORDER BY id").all(build.id) as { stage: string }[]).map((r) => r.stage);
      assert.deepEqual(stages, ['created', 'container', 'booting', 'installer', 'setup-done', 'powered-off', 'template']);
    } finally {
      d.close();
    }
    const kinds = vizor.events(build.mac).map((e) => e.kind);
    for (const k of ['dhcp-ack', 'http-script', 'http-fetch', 'answer-fetch', 'install-stage', 'install-done']) assert.ok(kinds.includes(k), `${k} in ${kinds.join(',')}`);
    const stagesSeen = vizor.events(build.mac).filter((e) => e.kind === 'install-stage').map((e) => e.detail.stage);
    assert.deepEqual(stagesSeen, ['installer-started', 'disk-written'], 'the installer reported its stages over HTTP');
    const templates = JSON.parse(await vizorCli(vizor.configFile, ['--json', 'template', 'list'])) as { name: string; platformId: string }[];
    assert.deepEqual(templates.map((t) => [t.name, t.platformId]), [['guest-tpl', build.templateId]]);
  });

  test('a room of 4 VMs from the template: each reads its own payload and reports the identity it was given', { timeout: 600_000 }, async () => {
    // A foreign VM with a room-like name, not made for the room.
    const driver = createQemuDriver({ stateDir, bridge: 'br0', netns: lab.name, accel: 'tcg' });
    const foreign = await driver.createContainer({ name: 'lab1-vd05', vcpus: 1, memoryMiB: 128, diskGiB: 1, network: 'br0', firmware: 'bios', tag: { role: 'build', owner: 'not-the-room' } });
    writeFileSync(roomFile(), `room: lab1
hypervisor: lab
template: guest-tpl
usb: false
placement: { network: br0 }
snapshot: { name: clean, description: "after rollout of \${name}" }
reset: { start: never }
addressing: { subnet: ${net}.0/24, gateway: ${gateway}, first: ${net}.201 }
groups:
  - name: seats
    ids: ["1-4"]
`);
    const rollout = JSON.parse(await roomCli(['--json', 'room', 'rollout', roomFile()])) as { name: string; ok: boolean; error?: string }[];
    assert.ok(rollout.every((r) => r.ok), JSON.stringify(rollout));
    const show = JSON.parse(await roomCli(['--json', 'room', 'show', roomFile()])) as { name: string; hostname: string; ip: string; exists: boolean; resetTo: string | null; report: Record<string, string> | null }[];
    assert.equal(show.length, 4);
    for (const vm of show) {
      assert.ok(vm.exists);
      assert.equal(vm.resetTo, 'clean');
      assert.ok(vm.report, `${vm.name} reported from its first boot`);
      assert.equal(vm.report.hostname, vm.hostname, `${vm.name}: the hostname it was given`);
      assert.equal(vm.report.ip, `${vm.ip}/24`, `${vm.name}: the address (and prefix) it was given`);
      assert.equal(vm.report.mode, 'disk', `${vm.name} booted from its disk (the template's)`);
    }
    assert.deepEqual(show.map((s) => s.ip), [`${net}.201`, `${net}.202`, `${net}.203`, `${net}.204`]);

    const reset = JSON.parse(await roomCli(['--json', 'room', 'reset', roomFile()])) as { ok: boolean; action: string }[];
    assert.ok(reset.every((r) => r.ok && r.action === 'reverted to clean'), JSON.stringify(reset));
    const del = JSON.parse(await roomCli(['--json', 'room', 'delete', roomFile(), '--yes'])) as { ok: boolean; action: string }[];
    assert.deepEqual(del.map((r) => r.action), ['deleted', 'deleted', 'deleted', 'deleted']);
    const left = await driver.listVms();
    assert.ok(left.some((v) => v.id === foreign.id), 'the foreign lab1-vd05 survives');
    assert.deepEqual(left.filter((v) => v.tag?.role === 'room'), []);
    await driver.destroy(foreign.id);
  });
});

const bin = fileURLToPath(new URL('../../../../bin/vizor.js', import.meta.url));
