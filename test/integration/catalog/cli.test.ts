import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isoFolder, tempApp } from '../../helpers/catalog.js';

const bin = fileURLToPath(new URL('../../../../bin/vizor.js', import.meta.url));

test('source and catalog commands end to end; passwords never appear in output or files in clear', async () => {
  const dir = await isoFolder({ 'a/win10.iso': 'win10.iso', 'b/debian.iso': 'debian-netinst.iso' });
  const app = tempApp();
  const run = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...app.env }, encoding: 'utf8', input });

  assert.equal(run(['source', 'add', 'lab', `file://${dir}`]).status, 0);
  const dup = run(['source', 'add', 'lab', `file://${dir}`]);
  assert.equal(dup.status, 1);
  assert.match(dup.stderr, /a source named "lab" already exists/);
  const bad = run(['source', 'add', 'x', 'ftp://h/x']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unsupported scheme/);

  const secret = 'Sup3r-S3cret-Pw!';
  const smb = run(['--json', 'source', 'add', 'fs1', 'smb://CORP;alice@192.0.2.1/media', '--password-stdin'], `${secret}\n`);
  assert.equal(smb.status, 0, smb.stderr);
  const test1 = run(['--json', 'source', 'test', 'lab']);
  assert.equal(test1.status, 0);
  assert.equal(JSON.parse(test1.stdout).isos, 2);

  const scan = run(['--json', 'catalog', 'scan', 'lab']);
  assert.equal(scan.status, 0, scan.stderr);
  assert.equal(JSON.parse(scan.stdout).new, 2);
  const events = scan.stderr.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(events.every((e) => e.event === 'scan'), 'off a TTY progress is JSON events');
  assert.equal(events.filter((e) => e.type === 'iso').length, 2);

  const find = run(['--json', 'catalog', 'find', '--edition', 'Enterprise', '--lang', 'de-DE']);
  assert.deepEqual(JSON.parse(find.stdout).map((e: { name: string; index: number }) => [e.name, e.index]), [['Windows 10 Enterprise', 2]]);
  assert.match(run(['catalog', 'list', '--kind', 'linux-installer']).stdout, /b\/debian\.iso\s+linux-installer/);
  assert.match(run(['catalog', 'show', 'lab:a/win10.iso']).stdout, /Windows 10 Education\s+Education\s+x64/);
  assert.equal(run(['catalog', 'show', 'lab:nope.iso']).status, 3);
  assert.equal(run(['catalog', 'find', '--build', 'abc']).status, 2);

  const listed = run(['--json', 'source', 'list']).stdout + run(['source', 'show', 'fs1']).stdout + run(['--json', 'source', 'show', 'fs1']).stdout;
  assert.ok(!listed.includes(secret));
  assert.match(run(['source', 'show', 'fs1']).stdout, /Password:\s+stored \(encrypted\)/);
  for (const f of readdirSync(app.dataDir)) {
    const p = join(app.dataDir, f);
    if (statSync(p).isFile()) assert.ok(!readFileSync(p).includes(secret), `${f} holds the password in clear`);
  }
  assert.equal(statSync(app.keyFile).mode & 0o777, 0o600);

  assert.equal(run(['source', 'remove', 'lab']).status, 0);
  assert.equal(JSON.parse(run(['--json', 'catalog', 'list']).stdout).length, 0, 'its ISOs went with it');
});
