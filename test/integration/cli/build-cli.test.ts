// `vizor build start` without a running service: the request is validated and recorded
// (values, image, stage timeouts) for `vizor serve` to run; bad requests are refused whole.
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { runVizor as run } from '../../helpers/cli.js';

test('build start records a validated build; unknown values, stages and images are refused', async () => {
  const dir = await isoFolder({ 'debian.iso': 'debian-netinst.iso' });
  const app = tempApp();
  const configFile = join(app.dataDir, '..', 'vizor.yaml');
  writeFileSync(configFile, `builds:\n  values: { timezone: Europe/Zurich, locale: en_US.UTF-8 }\n`);
  const env = { ...app.env, VIZOR_CONFIG: configFile };
  assert.equal((await run(env, ['source', 'add', 'lab', `file://${dir}`])).status, 0);
  assert.equal((await run(env, ['catalog', 'scan', 'lab'])).status, 0);
  const iso = String(JSON.parse((await run(env, ['--json', 'catalog', 'list'])).stdout)[0].id);
  assert.equal((await run(env, ['hypervisor', 'add', 'q', 'qemu', `qemu://${app.dataDir}/qemu`])).status, 0);
  assert.equal((await run(env, ['profile', 'add', 'small', '--hypervisor', 'q', '--network', 'isolated', '--firmware', 'bios', '--set', 'locale=de_CH.UTF-8'])).status, 0);

  const ok = await run(env, ['--json', 'build', 'start', '--image', iso, '--profile', 'small', '--set', 'hostname=web1', '--timeout', 'installer=120', '--timeout', 'powered-off=60']);
  assert.equal(ok.status, 0, ok.stderr);
  const b = JSON.parse(ok.stdout);
  assert.equal(b.state, 'running');
  assert.equal(b.stage, 'created');
  assert.equal(b.family, 'debian');
  assert.deepEqual({ hostname: b.spec.values.hostname, locale: b.spec.values.locale, timezone: b.spec.values.timezone }, { hostname: 'web1', locale: 'de_CH.UTF-8', timezone: 'Europe/Zurich' }, 'site defaults ← profile ← --set');
  assert.equal(b.spec.timeouts.installer, 120);
  assert.equal(b.spec.timeouts['powered-off'], 60);
  assert.match((await run(env, ['build', 'list'])).stdout, new RegExp(`${b.id}\\s+running\\s+created\\s+debian`));

  const bad = await run(env, ['build', 'start', '--image', iso, '--profile', 'small', '--set', 'hostnme=x', '--timeout', 'instaler=5', '--admin-password-stdin'], 'Secr3t!');
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /unknown value "hostnme" for a debian build/);
  assert.match(bad.stderr, /bad timeout instaler=5: give a stage/);
  assert.match((await run(env, ['build', 'start', '--image', iso, '--profile', 'small', '--timeout', 'installer']).then((r) => r.stderr)), /expected key=value, got "installer"/);
  assert.equal(JSON.parse((await run(env, ['--json', 'build', 'list'])).stdout).length, 1, 'nothing recorded for refused requests');
  assert.deepEqual((JSON.parse((await run(env, ['--json', 'secret', 'list'])).stdout) as string[]).filter((n) => n.startsWith('build-admin:')), [], 'no password left behind by a refused build');
});
