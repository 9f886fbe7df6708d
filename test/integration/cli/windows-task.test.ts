// `vizor node set-task … windows-install`: refused at assignment time without wimboot or
// with a wrong image; stored with the password only as an encrypted secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isoFolder, tempApp } from '../../helpers/catalog.js';

const bin = fileURLToPath(new URL('../../../../bin/vizor.js', import.meta.url));

test('set-task windows-install checks wimboot and the image, and keeps the password secret', async () => {
  const dir = await isoFolder({ 'win10.iso': 'win10.iso' });
  const app = tempApp();
  const run = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...app.env }, encoding: 'utf8', input });
  assert.equal(run(['source', 'add', 'lab', `file://${dir}`]).status, 0);
  assert.equal(run(['catalog', 'scan', 'lab']).status, 0);
  const isoId = String(JSON.parse(run(['--json', 'catalog', 'list']).stdout)[0].id);
  assert.equal(run(['node', 'add', '52:54:00:aa:bb:01', '--name', 'pc1']).status, 0);
  const password = 'Adm1n<&>"pw';
  const args = ['node', 'set-task', 'pc1', 'windows-install', '--iso', isoId, '--release', 'windows-10', '--image-index', '2', '--admin-password-stdin'];

  const noWimboot = run(args, password);
  assert.equal(noWimboot.status, 2);
  assert.match(noWimboot.stderr, /wimboot not found at .*boot\/wimboot/);

  mkdirSync(join(app.dataDir, 'boot'), { recursive: true });
  writeFileSync(join(app.dataDir, 'boot', 'wimboot'), 'x');
  const badImage = run([...args.slice(0, -2), '9', '--admin-password-stdin'], password);
  assert.equal(badImage.status, 2);
  assert.match(badImage.stderr, /has no image 9: it has 1 \(/);
  const badVersion = run(args.map((a) => (a === 'windows-10' ? 'windows-95' : a)), password);
  assert.equal(badVersion.status, 2);
  assert.match(badVersion.stderr, /version must be one of/);

  const ok = run(['--json', ...args], password);
  assert.equal(ok.status, 0, ok.stderr);
  const row = JSON.parse(ok.stdout);
  assert.equal(row.task.kind, 'windows-install');
  assert.deepEqual(row.task.image, { index: 2 });
  assert.equal(row.task.adminPasswordSecret, 'node-admin:52:54:00:aa:bb:01');
  assert.ok(!ok.stdout.includes(password));
  assert.ok(!readFileSync(join(app.dataDir, 'vizor.db')).includes(password), 'the database holds the password only encrypted');
  assert.match(run(['node', 'show', 'pc1']).stdout, /windows-install \(ISO \d+, windows-10\)/);
});
