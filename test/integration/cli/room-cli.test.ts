// `vizor room …` and `vizor secret …` as an admin uses them, against the oVirt fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Store } from '../../../src/store/index.js';
import { createOvirtDriver } from '../../../src/hypervisors/ovirt/index.js';
import { startOvirtFake } from '../../fakes/ovirt/index.js';
import { tempApp } from '../../helpers/catalog.js';
import { runVizor } from '../../helpers/cli.js';

const legacy = fileURLToPath(new URL('../../../../test/fixtures/rooms/legacy/vm-rollout.conf', import.meta.url));

const run = runVizor;

test('room validate/plan/rollout/show/reset/delete, secret set/list, legacy import', { timeout: 120_000 }, async (t) => {
  const fake = await startOvirtFake();
  t.after(() => fake.close());
  fake.hooks.guestHaltsAfter(200);
  const app = tempApp();
  const env = app.env;
  assert.equal((await run(env, ['hypervisor', 'add', 'hv', 'ovirt', fake.url, '--user', fake.user, '--option', 'pollIntervalMs=20', '--password-stdin'], fake.password)).status, 0);
  const set = await run(env, ['secret', 'set', 'r-admin'], 'Adm1n!pw\n');
  assert.equal(set.status, 0, set.stderr);
  assert.deepEqual(JSON.parse((await run(env, ['--json', 'secret', 'list'])).stdout), ['hypervisor:hv', 'r-admin']);
  const d = createOvirtDriver({ url: fake.url, user: fake.user, password: fake.password, pollIntervalMs: 5 });
  const src = await d.createContainer({ name: 'gold-src', vcpus: 1, memoryMiB: 1024, diskGiB: 10, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'b1' }, placement: { storage: 'data' } });
  const tpl = await d.convertToTemplate(src.id, 'gold');
  await d.close().catch(() => undefined);
  const store = Store.open(join(app.dataDir, 'vizor.db'));
  store.templates.upsert({ name: 'gold', hypervisor: 'hv', platformId: tpl.id, buildId: 'b1', isoId: null, source: {} });
  store.close();

  const dir = mkdtempSync(join(tmpdir(), 'vizor-roomcli-'));
  const room = (template: string, network = 'vizor-net') => `room: c1\nhypervisor: hv\ntemplate: ${template}\nusb: false\nplacement: { network: ${network} }\nsnapshot: { name: clean, description: rollout }\naddressing: { subnet: 10.4.0.0/24, gateway: 10.4.0.1, first: 10.4.0.31 }\nunattend:\n  template: unattend\n  values: { version: windows-10, arch: amd64 }\n  secrets: { adminPassword: r-admin }\ngroups:\n  - name: seats\n    ids: ["1-2"]\n`;
  writeFileSync(join(dir, 'bad.yaml'), room('nope', 'no-net').replace('usb: false\n', 'usb: false\nthinClient: { group: no-such-group, role: NoSuchRole }\n'));
  const bad = await run(env, ['room', 'validate', join(dir, 'bad.yaml')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /template "nope" does not exist on hv/);
  assert.match(bad.stdout, /network "no-net" does not exist on hv/);
  assert.match(bad.stdout, /role "NoSuchRole" does not exist on hv/);
  assert.match(bad.stdout, /group "no-such-group" does not exist on hv/);
  const file = join(dir, 'c1.yaml');
  writeFileSync(file, room('gold'));
  const ok = await run(env, ['room', 'validate', file]);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /2 VMs, no problems/);

  const dry = await run(env, ['--json', 'room', 'rollout', file, '--dry-run']);
  assert.deepEqual(JSON.parse(dry.stdout).map((r: { action: string }) => r.action), ['would rollout', 'would rollout']);
  assert.equal(fake.store.vms.size, 0, 'a dry run creates nothing');
  const roll = await run(env, ['room', 'rollout', file]);
  assert.equal(roll.status, 0, roll.stdout + roll.stderr);
  assert.match(roll.stdout, /c1-vd01\s+ok\s+rolled out/);
  const show = JSON.parse((await run(env, ['--json', 'room', 'show', file])).stdout) as { name: string; exists: boolean; resetTo: string }[];
  assert.deepEqual(show.map((s) => [s.name, s.exists, s.resetTo]), [['c1-vd01', true, 'clean'], ['c1-vd02', true, 'clean']]);
  assert.equal((await run(env, ['room', 'reset', file, '--only', 'c1-vd02'])).status, 0);
  const noYes = await run(env, ['room', 'delete', file]);
  assert.equal(noYes.status, 2);
  assert.match(noYes.stderr, /needs --yes when not run interactively/);
  assert.equal((await run(env, ['room', 'delete', file, '--yes'])).status, 0);
  assert.equal(fake.store.vms.size, 0);

  const imported = await run(env, ['room', 'import', legacy, '--room', 'test01', '--out', dir]);
  assert.equal(imported.status, 0, imported.stderr);
  const yaml = readFileSync(join(dir, 'test01.yaml'), 'utf8');
  assert.match(yaml, /room: test01/);
  assert.doesNotMatch(yaml, /Adm1n-Engine-Pw/, 'no password from the legacy file');
});
