import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { isoFolder, tempApp } from '../../helpers/catalog.js';

const bin = fileURLToPath(new URL('../../../../bin/vizor.js', import.meta.url));

test('SIGKILL mid-scan, then scanning again, leaves a consistent catalog without duplicates', { timeout: 180_000 }, async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`batch${i % 4}/iso${String(i).padStart(2, '0')}.iso`] = i % 3 === 0 ? 'win11-esd.iso' : i % 3 === 1 ? 'win10.iso' : 'debian-netinst.iso';
  const dir = await isoFolder(files);
  const app = tempApp();
  const env = { ...process.env, ...app.env };
  assert.equal(spawnSync(process.execPath, [bin, 'source', 'add', 'lab', `file://${dir}`], { env }).status, 0);

  const child = spawn(process.execPath, [bin, 'catalog', 'scan', '--concurrency', '2'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let isoEvents = 0;
  const killed = new Promise<void>((resolve) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.includes('"type":"iso"') && ++isoEvents === 7) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
  await killed;
  assert.ok(isoEvents >= 7 && isoEvents < 40, `killed after ${isoEvents} ISOs`);

  const db = new Database(join(app.dataDir, 'vizor.db'), { readonly: true });
  assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  const partial = db.prepare("SELECT i.path, i.kind, (SELECT count(*) FROM editions e WHERE e.iso_id = i.id) AS n FROM isos i").all() as { path: string; kind: string; n: number }[];
  for (const r of partial) if (r.kind === 'windows-install') assert.ok(r.n === 3 || r.n === 4, `${r.path} has all its editions or none was written (${r.n})`);
  db.close();

  const again = spawnSync(process.execPath, [bin, '--json', 'catalog', 'scan'], { env, encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  const summary = JSON.parse(again.stdout);
  assert.equal(summary.new + summary.unchanged, 40);
  assert.equal(summary.failed, 0);

  const db2 = new Database(join(app.dataDir, 'vizor.db'), { readonly: true });
  assert.equal((db2.prepare('SELECT count(*) n FROM isos').get() as { n: number }).n, 40);
  assert.equal((db2.prepare('SELECT count(*) n FROM editions').get() as { n: number }).n, 14 * 4 + 13 * 3);
  const runs = db2.prepare('SELECT status FROM scan_runs ORDER BY id').all() as { status: string }[];
  assert.deepEqual(runs.map((r) => r.status), ['interrupted', 'done']);
  db2.close();
});
