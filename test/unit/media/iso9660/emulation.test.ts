import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileSource } from '../../../../src/media/source.js';
import { openIso9660, readElTorito } from '../../../../src/media/iso9660/iso9660.js';
import { XORRISO_EMULATION, requireTool, run, tempDir, xorrisoElTorito } from './tools.js';

/** A 1 MiB disk image whose MBR holds one active FAT16 partition, as -hard-disk-boot requires. */
function hardDiskImage(): Buffer {
  const img = Buffer.alloc(1024 * 1024);
  const heads = 16;
  const sectors = 63;
  const chs = (lba: number) => {
    const c = Math.floor(lba / (heads * sectors));
    return [Math.floor(lba / sectors) % heads, ((c >> 2) & 0xc0) | ((lba % sectors) + 1), c & 0xff];
  };
  const start = 63;
  const count = 2048 - start;
  const entry = Buffer.from([0x80, ...chs(start), 0x06, ...chs(start + count - 1), 0, 0, 0, 0, 0, 0, 0, 0]);
  entry.writeUInt32LE(start, 8);
  entry.writeUInt32LE(count, 12);
  entry.copy(img, 446);
  img[510] = 0x55;
  img[511] = 0xaa;
  return img;
}

describe('El Torito emulation modes and UDF bridge', () => {
  let dir = '';
  before(() => {
    requireTool('genisoimage', 'genisoimage');
    requireTool('xorriso', 'xorriso');
    dir = tempDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'floppy.img'), randomBytes(1474560));
    writeFileSync(join(dir, 'src', 'hd.img'), hardDiskImage());
    writeFileSync(join(dir, 'src', 'readme.txt'), 'x\n');
  });
  after(() => void (dir && rmSync(dir, { recursive: true, force: true })));

  const cases: [string, string[], { mediaType: string; sectorCount: number; systemType: number }][] = [
    ['1.44 MB floppy emulation', ['-b', 'floppy.img', '-c', 'boot.cat', '-hide', 'hd.img'], { mediaType: 'floppy-1.44', sectorCount: 1, systemType: 0 }],
    ['hard-disk emulation', ['-b', 'hd.img', '-hard-disk-boot', '-c', 'boot.cat', '-hide', 'floppy.img'], { mediaType: 'hard-disk', sectorCount: 1, systemType: 6 }],
  ];
  for (const [name, args, want] of cases) {
    test(name, async () => {
      const iso = join(dir, `${want.mediaType}.iso`);
      run('genisoimage', ['-quiet', '-R', ...args, '-o', iso, join(dir, 'src')]);
      const source = await FileSource.open(iso);
      try {
        const opened = await openIso9660(source);
        const report = xorrisoElTorito(iso);
        assert.equal(opened?.info.bootCatalogLba, report.catalogLba);
        const cat = await readElTorito(source, opened!.info.bootCatalogLba!);
        assert.equal(cat.entries.length, 1);
        const e = cat.entries[0]!;
        assert.deepEqual(
          [e.platform, e.bootable, e.mediaType, e.sectorCount, e.systemType, e.loadSegment],
          ['x86', true, want.mediaType, want.sectorCount, want.systemType, 0x7c0],
        );
        const x = report.images[0]!;
        assert.deepEqual([XORRISO_EMULATION[e.mediaType], e.sectorCount, e.loadLba, e.systemType], [x.emulation, x.loadSize, x.lba, x.systemType]);
      } finally {
        await source.close();
      }
    });
  }

  test('genisoimage -udf: the UDF Volume Recognition Sequence follows the terminator', async () => {
    const iso = join(dir, 'udf.iso');
    run('genisoimage', ['-quiet', '-udf', '-iso-level', '3', '-o', iso, join(dir, 'src')]);
    const source = await FileSource.open(iso);
    try {
      const opened = await openIso9660(source);
      assert.deepEqual(opened?.info.udfVrs, ['BEA01', 'NSR02', 'TEA01']);
      assert.equal(opened?.info.bootCatalogLba, null);
    } finally {
      await source.close();
    }
  });
});
