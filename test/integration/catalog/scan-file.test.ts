import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, openSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../../src/store/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { scanSources, SourceService, type ScanEvent } from '../../../src/catalog/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { testImagePath } from '../../helpers/media.js';

async function setup(files: Record<string, string>) {
  const dir = await isoFolder(files);
  const app = tempApp();
  const store = Store.open(join(app.dataDir, 'vizor.db'));
  const sources = new SourceService(store, new SecretStore(store.secrets, app.keyFile), join(app.dataDir, 'mnt'));
  sources.add('lab', `file://${dir}`);
  const events: ScanEvent[] = [];
  const scan = (concurrency = 3) => scanSources(store, store.sources.list(), { concurrency, mountRoot: join(app.dataDir, 'mnt'), password: () => null, onEvent: (e) => events.push(e) });
  return { dir, store, sources, scan, events };
}

const FILES = {
  'win10.iso': 'win10.iso',
  'Windows/11/WIN11.ISO': 'win11-esd.iso',
  'split.iso': 'win-split.iso',
  'lp/langpack.iso': 'langpack.iso',
  'tools/xen-tools.iso': 'xen-tools.iso',
  'tools/virtio-win.iso': 'virtio-win.iso',
  'linux/debian.iso': 'debian-netinst.iso',
  'linux/rocky.iso': 'rhel-like.iso',
  'other/eltorito.iso': 'eltorito.iso',
  'notes.txt': 'manifest.json',
};

describe('catalog scan of a local folder', () => {
  test('first scan catalogs every ISO with its kind; an unreadable one is reported, not fatal', async () => {
    const t = await setup(FILES);
    writeFileSync(join(t.dir, 'broken.iso'), Buffer.alloc(300_000, 0x5a));
    const s = await t.scan();
    assert.equal(s.new, 9);
    assert.equal(s.failed, 1);
    assert.deepEqual(s.failures.map((f) => [f.path, f.code]), [['broken.iso', 'MEDIA_NO_FILESYSTEM']]);
    const kinds = Object.fromEntries(t.store.query.listIsos().map((i) => [i.path, i.kind]));
    assert.deepEqual(kinds, {
      'broken.iso': 'unreadable', 'linux/debian.iso': 'linux-installer', 'linux/rocky.iso': 'linux-installer', 'lp/langpack.iso': 'windows-langpack',
      'other/eltorito.iso': 'other', 'split.iso': 'windows-install', 'tools/virtio-win.iso': 'guest-tools', 'tools/xen-tools.iso': 'guest-tools',
      'win10.iso': 'windows-install', 'Windows/11/WIN11.ISO': 'windows-install',
    });
    assert.equal(t.store.query.findEditions().length, 3 + 4 + 2);
    assert.deepEqual(t.store.query.findEditions({ editionId: 'Professional', arch: 'arm64' }).map((e) => [e.isoPath, e.index, e.build]), [['Windows/11/WIN11.ISO', 3, 22631]]);
    const lp = t.store.query.getIso('lab:lp/langpack.iso');
    assert.deepEqual([...new Set(lp.langpacks.map((p) => p.locale))].sort(), ['de-DE', 'fr-FR']);
    assert.deepEqual(t.store.query.getIso('lab:tools/virtio-win.iso').tools, { family: 'virtio', version: '0.1.240' });
    assert.equal(t.store.query.getIso('lab:linux/rocky.iso').linux?.kernelPath, 'images/pxeboot/vmlinuz');
    const run = t.store.scans.list(1)[0]!;
    assert.equal(run.status, 'done');
    assert.equal(run.errors.length, 1);
  });

  test('a second scan re-reads nothing but the 4.5 KiB fingerprint of each ISO', async () => {
    const t = await setup(FILES);
    await t.scan();
    const before = t.store.query.getIso('lab:win10.iso').inspectedAt;
    t.events.length = 0;
    const s = await t.scan();
    assert.equal(s.unchanged, 9);
    assert.equal(s.new + s.changed + s.renamed + s.failed, 0);
    for (const e of t.events) if (e.type === 'iso') assert.ok(e.bytesRead <= 4608, `${e.path} read ${e.bytesRead}`);
    assert.equal(t.store.query.getIso('lab:win10.iso').inspectedAt, before, 'not re-inspected');
  });

  test('changes are detected: new content, and same size and mtime with a different volume descriptor', async () => {
    const t = await setup(FILES);
    await t.scan();
    // Replace win10.iso by the ESD ISO (other size and editions).
    rmSync(join(t.dir, 'win10.iso'));
    copyFileSync(await testImagePath('win11-esd.iso'), join(t.dir, 'win10.iso'));
    // Same size and mtime, one byte of the volume id changed.
    const rocky = join(t.dir, 'linux/rocky.iso');
    rmSync(rocky);
    copyFileSync(await testImagePath('rhel-like.iso'), rocky);
    const st = statSync(rocky);
    const fd = openSync(rocky, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, 16 * 2048 + 40);
    writeSync(fd, Buffer.from([b[0]! ^ 0x20]), 0, 1, 16 * 2048 + 40);
    closeSync(fd);
    utimesSync(rocky, st.atime, st.mtime);
    const s = await t.scan();
    assert.equal(s.changed, 2);
    assert.equal(t.store.query.getIso('lab:win10.iso').editions, 4);
  });

  test('a moved ISO is a rename (same catalog id, not re-read); a deleted one is marked missing', async () => {
    const t = await setup(FILES);
    await t.scan();
    const id = t.store.query.getIso('lab:win10.iso').id;
    renameSync(join(t.dir, 'win10.iso'), join(t.dir, 'Windows/win10-moved.iso'));
    rmSync(join(t.dir, 'tools/xen-tools.iso'));
    const s = await t.scan();
    assert.equal(s.renamed, 1);
    assert.equal(s.missing, 1);
    const moved = t.store.query.getIso('lab:Windows/win10-moved.iso');
    assert.equal(moved.id, id);
    assert.equal(moved.editions, 3);
    assert.ok(!t.store.query.listIsos().some((i) => i.path === 'tools/xen-tools.iso'));
    assert.ok(t.store.query.listIsos({ includeMissing: true }).find((i) => i.path === 'tools/xen-tools.iso')?.missing);
    copyFileSync(await testImagePath('xen-tools.iso'), join(t.dir, 'tools/xen-tools.iso'));
    const again = await t.scan();
    assert.equal(again.missing, 0);
    assert.ok(t.store.query.listIsos().some((i) => i.path === 'tools/xen-tools.iso'), 'back when it reappears');
  });

  test('concurrency 1 and 6 give the same catalog', async () => {
    const a = await setup(FILES);
    const b = await setup(FILES);
    await a.scan(1);
    await b.scan(6);
    const view = (t: typeof a) => t.store.query.findEditions().map((e) => `${e.isoPath}#${e.index}:${e.name}`).sort();
    assert.deepEqual(view(a), view(b));
  });

  test('an unreachable source is reported and the others are still scanned', async () => {
    const t = await setup({ 'win10.iso': 'win10.iso' });
    t.sources.add('gone', 'file:///nonexistent/isos');
    const s = await t.scan();
    assert.equal(s.new, 1);
    assert.deepEqual(s.failures.map((f) => [f.source, f.code]), [['gone', 'SOURCE_UNAVAILABLE']]);
    assert.equal(t.store.scans.list(1)[0]!.status, 'failed');
  });
});
