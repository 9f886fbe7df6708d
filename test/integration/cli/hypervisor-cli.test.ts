// `vizor hypervisor …` and `vizor vm …` against the XAPI fake: the secret goes in encrypted
// and never comes out; only VMs carrying vizor's tag can be acted on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startXapiFake } from '../../fakes/xapi/index.js';
import { createXenServerDriver } from '../../../src/hypervisors/xenserver/index.js';
import { tempApp } from '../../helpers/catalog.js';
import { runVizor } from '../../helpers/cli.js';


/** Runs the CLI without blocking this process (the fake answers in it). */
const run = runVizor;

test('hypervisor add/list/show/test/remove and vm list/show/stop/destroy over vizor-tagged VMs only', async (t) => {
  const fake = await startXapiFake();
  t.after(() => fake.close());
  const app = tempApp();
  const env = app.env;

  const noPw = await run(env, ['hypervisor', 'add', 'xcp1', 'xenserver', fake.url, '--user', fake.user]);
  assert.equal(noPw.status, 2);
  assert.match(noPw.stderr, /give the password with --password-stdin/);
  const badKind = await run(env, ['hypervisor', 'add', 'x', 'vmware', fake.url]);
  assert.match(badKind.stderr, /unknown kind "vmware"/);
  const badOpt = await run(env, ['hypervisor', 'add', 'x', 'xenserver', fake.url, '--user', 'u', '--option', 'colour=blue', '--password-stdin'], 'pw\n');
  assert.match(badOpt.stderr, /unknown xenserver option "colour"/);

  const add = await run(env, ['--json', 'hypervisor', 'add', 'xcp1', 'xenserver', fake.url, '--user', fake.user, '--password-stdin'], `${fake.password}\n`);
  assert.equal(add.status, 0, add.stderr);
  assert.equal(JSON.parse(add.stdout).hasSecret, true);
  const shown = (await run(env, ['hypervisor', 'show', 'xcp1'])).stdout + (await run(env, ['--json', 'hypervisor', 'list'])).stdout;
  assert.match(shown, /Secret:\s+stored \(encrypted\)/);
  assert.ok(!shown.includes(fake.password));
  assert.ok(!readFileSync(join(app.dataDir, 'vizor.db')).includes(fake.password), 'the database holds the password only encrypted');

  const probe = await run(env, ['--json', 'hypervisor', 'test', 'xcp1']);
  assert.equal(probe.status, 0, probe.stderr);
  const info = JSON.parse(probe.stdout);
  assert.equal(info.kind, 'xenserver');
  assert.ok(info.networks.includes('vizor-net'));

  // One VM made by vizor (through the driver), and the fake's own untagged "unrelated-vm".
  const d = createXenServerDriver({ url: fake.url, user: fake.user, password: fake.password });
  const vm = await d.createContainer({ name: 'vizor-cli-vm', vcpus: 1, memoryMiB: 512, diskGiB: 1, network: 'vizor-net', firmware: 'bios', tag: { role: 'build', owner: 'bcli' } });
  await d.close();
  const list = JSON.parse((await run(env, ['--json', 'vm', 'list', '--hypervisor', 'xcp1'])).stdout) as { id: string; name: string }[];
  assert.deepEqual(list.map((v) => v.name), ['vizor-cli-vm'], 'only vizor\'s VM is listed');
  assert.match((await run(env, ['vm', 'show', vm.id, '--hypervisor', 'xcp1'])).stdout, /Tag:\s+build bcli/);
  const foreign = fake.all('VM').find(({ record }) => record.name_label === 'unrelated-vm')!;
  const refused = await run(env, ['vm', 'destroy', String(foreign.record.uuid), '--hypervisor', 'xcp1']);
  assert.equal(refused.status, 8);
  assert.match(refused.stderr, /was not created by vizor: refusing to destroy it/);
  assert.ok(fake.all('VM').some(({ record }) => record.name_label === 'unrelated-vm'), 'the foreign VM survives');
  assert.equal((await run(env, ['vm', 'start', vm.id, '--hypervisor', 'xcp1', '--wait', '30'])).status, 0);
  assert.equal((await run(env, ['vm', 'stop', vm.id, '--hypervisor', 'xcp1', '--wait', '30'])).status, 0);
  assert.equal((await run(env, ['vm', 'destroy', vm.id, '--hypervisor', 'xcp1'])).status, 0);
  assert.equal((await run(env, ['vm', 'show', vm.id, '--hypervisor', 'xcp1'])).status, 3, 'gone: not found');

  fake.setPassword('changed');
  const auth = await run(env, ['hypervisor', 'test', 'xcp1']);
  assert.equal(auth.status, 8);
  assert.ok(!auth.stderr.includes(fake.password));
  assert.equal((await run(env, ['hypervisor', 'remove', 'xcp1'])).status, 0);
  assert.equal((await run(env, ['hypervisor', 'show', 'xcp1'])).status, 3);
});
