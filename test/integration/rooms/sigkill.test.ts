// `vizor room rollout` is SIGKILLed mid-rollout and run again: every VM ends up rolled out
// exactly once. While it runs, payload images (they hold passwords) are private to vizor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Store } from '../../../src/store/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { createOvirtDriver } from '../../../src/hypervisors/ovirt/index.js';
import { startOvirtFake } from '../../fakes/ovirt/index.js';
import { tempApp } from '../../helpers/catalog.js';

const bin = fileURLToPath(new URL('../../../../bin/vizor.js', import.meta.url));

test('SIGKILL mid-rollout, then rollout again: no duplicates, all done; payloads 0600 in a 0700 folder', { timeout: 180_000 }, async (t) => {
  const fake = await startOvirtFake();
  t.after(() => fake.close());
  fake.hooks.guestHaltsAfter(1500);
  const app = tempApp();
  const store = Store.open(join(app.dataDir, 'vizor.db'));
  t.after(() => store.close());
  const secrets = new SecretStore(store.secrets, app.keyFile);
  store.hypervisors.add({ name: 'hv', kind: 'ovirt', url: fake.url, username: fake.user, options: { pollIntervalMs: 20 }, secretName: 'hypervisor:hv' });
  secrets.set('hypervisor:hv', fake.password);
  secrets.set('k-admin', 'S3cret-admin');
  const d = createOvirtDriver({ url: fake.url, user: fake.user, password: fake.password, pollIntervalMs: 5 });
  const src = await d.createContainer({ name: 'gold-src', vcpus: 1, memoryMiB: 1024, diskGiB: 10, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'b1' }, placement: { storage: 'data' } });
  const tpl = await d.convertToTemplate(src.id, 'gold');
  store.templates.upsert({ name: 'gold', hypervisor: 'hv', platformId: tpl.id, buildId: 'b1', isoId: null, source: {} });
  const roomFile = join(app.dataDir, '..', 'k1.yaml');
  writeFileSync(roomFile, `room: k1\nhypervisor: hv\ntemplate: gold\nusb: false\nplacement: { network: vizor-net }\nsnapshot: { name: clean, description: rollout }\naddressing: { subnet: 10.3.0.0/24, gateway: 10.3.0.1, first: 10.3.0.21 }\nunattend:\n  template: unattend\n  values: { version: windows-10, arch: amd64 }\n  secrets: { adminPassword: k-admin }\ngroups:\n  - name: seats\n    ids: ["1-6"]\n`);

  const rollout = () => spawn(process.execPath, [bin, '--json', 'room', 'rollout', roomFile], { env: { ...process.env, ...app.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const first = rollout();
  let second: ReturnType<typeof rollout> | undefined;
  // Whatever happens to the assertions, no rollout process outlives the test.
  t.after(() => {
    first.kill('SIGKILL');
    second?.kill('SIGKILL');
    return d.close().catch(() => undefined);
  });
  // Kill once some VMs exist and their payloads are on disk.
  const payloadDir = join(app.dataDir, 'payloads', 'k1');
  let checkedModes = false;
  for (let i = 0; i < 600; i++) {
    const files = existsSync(payloadDir) ? readdirSync(payloadDir).filter((f) => f.endsWith('.img')) : [];
    if (files.length > 0 && !checkedModes) {
      assert.equal(statSync(payloadDir).mode & 0o777, 0o700);
      for (const f of files) assert.equal(statSync(join(payloadDir, f)).mode & 0o777, 0o600, f);
      checkedModes = true;
    }
    if (fake.store.vms.size >= 4 && checkedModes) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(checkedModes, 'payloads were written');
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const midway = [...fake.store.vms.values()].filter((v) => v.name.startsWith('k1-')).length;
  assert.ok(midway >= 3 && midway < 6, `killed mid-rollout (${midway} of 6 VMs so far)`);
  assert.ok(store.rooms.vms('k1').some((r) => r.state !== 'done'), 'some VM was still being rolled out when the command died');

  second = rollout();
  let out = '';
  second.stdout.on('data', (c) => (out += c));
  const code = await new Promise((r) => second.once('exit', r));
  assert.equal(code, 0, out);
  const results = JSON.parse(out) as { name: string; ok: boolean }[];
  assert.equal(results.length, 6);
  assert.ok(results.every((r) => r.ok));
  const names = [...fake.store.vms.values()].map((v) => v.name).filter((n) => n.startsWith('k1-')).sort();
  assert.deepEqual(names, ['k1-vd01', 'k1-vd02', 'k1-vd03', 'k1-vd04', 'k1-vd05', 'k1-vd06'], 'each VM exactly once');
  for (const v of fake.store.vms.values()) if (v.name.startsWith('k1-')) assert.deepEqual(v.payloads, [], `${v.name}: payload removed`);
  assert.equal(store.rooms.vms('k1').filter((r) => r.state === 'done').length, 6);
  assert.deepEqual(readdirSync(payloadDir), [], 'no payload image left behind, not even one the killed run wrote');
});
