// Room rollout wall time on the QEMU driver: a template made from the test guest's disk
// (the same "installed OS" the end-to-end build produces), then rooms of 1, 4 and 8 VMs:
// clone (qcow2 overlay), FAT12 payload, boot from disk (TCG), the guest reads its payload
// and powers off, post-processing, snapshot. Concurrency 4 (the default). There is no
// reference tool to run beside it (amoothei-vm-rollout needs an oVirt engine), so it prints
// the scaling: seconds per room and per VM.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';

const dist = new URL('../../dist/', import.meta.url);
const { createLab } = await import(new URL('test/helpers/lab.js', dist));
const { buildTestGuest } = await import(new URL('test/helpers/guest/index.js', dist));
const { createQemuDriver } = await import(new URL('src/hypervisors/qemu/index.js', dist));
const { Store } = await import(new URL('src/store/index.js', dist));
const { loadRoomFile, planRoom, rolloutRoom, deleteRoomVms } = await import(new URL('src/rooms/index.js', dist));

const sizes = (process.argv[2] ?? '1,4,8').split(',').map(Number);
const guest = await buildTestGuest({ httpPort: 8080 });
const lab = await createLab({ bridges: ['br0'] });
const work = mkdtempSync(join(tmpdir(), 'bench-rooms-'));
try {
  const br0 = lab.bridge('br0');
  const net = br0.address.split('.').slice(0, 3).join('.');
  const driver = createQemuDriver({ stateDir: join(work, 'qemu'), bridge: 'br0', netns: lab.name, accel: 'tcg', machine: 'pc' });
  // The template: a container whose disk is the guest's installed disk.
  const src = await driver.createContainer({ name: 'bench-src', vcpus: 1, memoryMiB: 256, diskGiB: 1, network: 'br0', firmware: 'bios', tag: { role: 'build', owner: 'bench' } });
  execFileSync('qemu-img', ['dd', '-f', 'raw', '-O', 'qcow2', `if=${guest.diskImage}`, `of=${String(src.details.disk)}`, 'bs=1M'], { stdio: 'ignore' });
  const tpl = await driver.convertToTemplate(src.id, 'bench-tpl');
  const store = Store.open(join(work, 'vizor.db'));
  store.hypervisors.add({ name: 'lab', kind: 'qemu', url: `qemu://${join(work, 'qemu')}`, username: null, options: {}, secretName: null });
  store.templates.upsert({ name: 'bench-tpl', hypervisor: 'lab', platformId: tpl.id, buildId: null, isoId: null, source: {} });
  const ctx = { store, driver: async () => driver, secret: () => null, payloadDir: join(work, 'payloads'), reportBase: null, log: pino({ level: 'silent' }), powerOffTimeoutMs: 900_000 };
  const rows = [];
  for (const n of sizes) {
    const file = join(work, `b${n}.yaml`);
    writeFileSync(file, `room: b${n}\nhypervisor: lab\ntemplate: bench-tpl\nusb: false\nplacement: { network: br0 }\nsnapshot: { name: clean, description: bench }\naddressing: { subnet: ${net}.0/24, gateway: ${br0.address}, first: ${net}.160 }\ngroups:\n  - name: seats\n    ids: ["1-${n}"]\n`);
    const plan = planRoom(await loadRoomFile(file));
    const t0 = Date.now();
    const results = await rolloutRoom(ctx, plan);
    const secs = (Date.now() - t0) / 1000;
    const failed = results.filter((r) => !r.ok);
    if (failed.length) throw new Error(`rollout of ${n} failed: ${JSON.stringify(failed)}`);
    rows.push({ n, secs });
    await deleteRoomVms(ctx, plan);
  }
  console.log('Room rollout on the QEMU driver (TCG, concurrency 4, clone + payload + first boot + snapshot)');
  for (const r of rows) console.log(`  ${String(r.n).padStart(2)} VMs: ${r.secs.toFixed(1).padStart(6)} s  (${(r.secs / r.n).toFixed(1)} s per VM, ${(r.secs / rows[0].secs).toFixed(2)}x the 1-VM time)`);
  await driver.deleteTemplate(tpl.id);
  store.close();
} finally {
  await lab.destroy();
  rmSync(work, { recursive: true, force: true });
}
