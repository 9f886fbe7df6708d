import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaFileSystem } from '../../../../src/media/filesystem.js';
import { CachedSource, FileSource } from '../../../../src/media/source.js';
import { openIso9660, readElTorito, type IsoOpenResult } from '../../../../src/media/iso9660/iso9660.js';
import { cleanName } from '../../../../src/media/iso9660/record.js';
import type { IsoNode } from '../../../../src/media/iso9660/view.js';
import { XORRISO_EMULATION, XORRISO_PLATFORM, requireTool, run, tempDir, walkDisk, walkView, type Walked } from './tools.js';

/** Real boot ISOs shipped by Debian packages, read and checked against xorriso and isoinfo. */
const ISOS = [
  { path: '/usr/lib/ipxe/ipxe.iso', pkg: 'ipxe', views: ['iso9660', 'rockridge', 'joliet'] },
  { path: '/usr/lib/grub-rescue/grub-rescue-cdrom.iso', pkg: 'grub-rescue-pc', views: ['iso9660', 'rockridge'] },
];

function viewOf(opened: IsoOpenResult, kind: string): MediaFileSystem {
  const fs = opened.fileSystems.find((f) => f.kind === kind);
  assert.ok(fs, `${kind} view present`);
  return fs;
}

async function nodeAt(fs: MediaFileSystem, path: string): Promise<IsoNode> {
  let ref = fs.rootRef;
  for (const part of path.split('/').filter(Boolean)) {
    const entries = await fs.readDir(await fs.resolve(ref));
    const hit = entries.find((e) => e.name === part);
    assert.ok(hit, `${path}: no ${part}`);
    ref = hit.ref;
  }
  return (await fs.resolve(ref)) as IsoNode;
}

for (const iso of ISOS) {
  describe(`Debian ${iso.path}`, () => {
    let source: CachedSource;
    let opened: IsoOpenResult;
    let dir = '';

    before(async () => {
      requireTool('xorriso', 'xorriso');
      requireTool('isoinfo', 'genisoimage');
      assert.ok(existsSync(iso.path), `${iso.path} is missing: run 'apt-get install -y ${iso.pkg}'`);
      source = new CachedSource(await FileSource.open(iso.path));
      const res = await openIso9660(source);
      assert.ok(res);
      opened = res;
      dir = tempDir();
    });
    after(async () => {
      await source?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('views and volume id match isoinfo -d', () => {
      assert.deepEqual(opened.fileSystems.map((f) => f.kind), iso.views);
      assert.deepEqual(opened.warnings, []);
      const d = run('isoinfo', ['-d', '-i', iso.path]);
      assert.equal(opened.info.volumeId, /^Volume id: (.*)$/m.exec(d)?.[1]);
      assert.equal(opened.info.volumeSpaceBlocks, Number(/^Volume size is: (\d+)$/m.exec(d)?.[1]));
      assert.equal(opened.info.hasJoliet, /Joliet with UCS level/.test(d));
      assert.equal(opened.info.hasRockRidge, /Rock Ridge signatures/.test(d));
    });

    test('El Torito entries match xorriso -report_el_torito and the named boot files', async () => {
      const out = run('xorriso', ['-indev', iso.path, '-report_el_torito', 'plain']);
      const report = [...out.matchAll(/^El Torito boot img\s*:\s*(\d+)\s+(\S+)\s+([yn])\s+(\S+)\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\d+)\s+(\d+)\s*$/gim)];
      const paths = new Map([...out.matchAll(/^El Torito img path\s*:\s*(\d+)\s+(\S+)\s*$/gm)].map((m) => [Number(m[1]), m[2]!]));
      assert.equal(opened.info.bootCatalogLba, Number(/^El Torito catalog\s*:\s*(\d+)/m.exec(out)?.[1]));
      const cat = await readElTorito(source, opened.info.bootCatalogLba!);
      assert.equal(cat.entries.length, report.length);
      const rr = viewOf(opened, 'rockridge');
      for (const [i, e] of cat.entries.entries()) {
        const m = report[i]!;
        assert.deepEqual(
          [XORRISO_PLATFORM[e.platform], e.bootable ? 'y' : 'n', XORRISO_EMULATION[e.mediaType], e.loadSegment, e.systemType, e.sectorCount, e.loadLba],
          [m[2], m[3], m[4], Number(m[5]) || 0x7c0, Number(m[6]), Number(m[7]), Number(m[8])],
        );
        const node = await nodeAt(rr, paths.get(i + 1)!);
        const first = node.extents[0]!;
        assert.equal(first.kind === 'data' ? first.sourceOffset / 2048 : -1, e.loadLba, `entry ${i + 1} points at ${paths.get(i + 1)}`);
      }
    });

    test('Rock Ridge tree equals xorriso -extract: names, types, SHA-256', async () => {
      const out = join(dir, 'x');
      run('xorriso', ['-osirrox', 'on', '-indev', iso.path, '-extract', '/', out]);
      const want = walkDisk(out);
      const got = await walkView(viewOf(opened, 'rockridge'), source);
      assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
      for (const [path, w] of want) {
        const g = got.get(path)!;
        assert.deepEqual([g.isDirectory, g.size, g.sha256, g.symlinkTarget], [w.isDirectory, w.size, w.sha256, w.symlinkTarget], path);
      }
    });

    test('plain (and Joliet) names match isoinfo -f; files hash like their Rock Ridge twins', async () => {
      const rrHashes = (m: Map<string, Walked>) => [...m.values()].filter((w) => !w.isDirectory).map((w) => w.sha256).sort();
      const rr = await walkView(viewOf(opened, 'rockridge'), source);
      for (const [kind, flag] of [['iso9660', []], ['joliet', ['-J']]] as const) {
        if (!iso.views.includes(kind)) continue;
        const listed = run('isoinfo', [...flag, '-f', '-i', iso.path]).split('\n').filter(Boolean);
        const oracle = listed.map((p) => p.slice(1).split('/').map(cleanName).join('/')).sort();
        const got = await walkView(viewOf(opened, kind), source);
        assert.deepEqual([...got.keys()].sort(), oracle, kind);
        assert.deepEqual(rrHashes(got), rrHashes(rr), kind);
      }
    });

    test('opening and listing the root touches little of the image', async () => {
      const fresh = await FileSource.open(iso.path);
      try {
        const res = await openIso9660(fresh);
        const fs = res!.fileSystems[0]!;
        await fs.readDir(await fs.resolve(fs.rootRef));
        assert.ok(fresh.bytesRead < 256 * 1024, `read ${fresh.bytesRead} bytes`);
      } finally {
        await fresh.close();
      }
    });
  });
}
