import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaUnsupportedError } from '../../../../src/media/errors.js';
import { FileSource } from '../../../../src/media/source.js';
import { openUdf } from '../../../../src/media/udf/index.js';
import { hashLocalTree, requireTool, run, sha256Node, walkTree } from './helpers.js';

let dir = '';
before(() => {
  requireTool('mkudffs', 'udftools');
  dir = mkdtempSync(join(tmpdir(), 'vizor-udf-mkudffs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function mkudffs(name: string, args: string[], megabytes = 20): string {
  const img = join(dir, name);
  run('truncate', ['-s', `${megabytes}M`, img]);
  run('mkudffs', [...args, '--label=VizorUDF', img]);
  return img;
}

async function openImage(img: string) {
  const source = await FileSource.open(img);
  try {
    return await openUdf(source);
  } finally {
    await source.close();
  }
}

describe('mkudffs empty file systems', () => {
  for (const blockSize of [2048, 512]) {
    for (const rev of [0x0102, 0x0150, 0x0201]) {
      for (const ad of ['inicb', 'short', 'long']) {
        const label = `rev ${rev.toString(16)}, ${blockSize}-byte blocks, root ADs ${ad}`;
        test(label, async () => {
          const img = mkudffs(`e-${blockSize}-${rev}-${ad}.img`, ['--media-type=hd', `--blocksize=${blockSize}`, `--udfrev=0x${rev.toString(16).padStart(4, '0')}`, `--ad=${ad}`]);
          const udf = await openImage(img);
          assert.ok(udf);
          assert.equal(udf.info.revision, rev);
          assert.equal(udf.info.blockSize, blockSize);
          assert.equal(udf.info.logicalVolumeId, 'VizorUDF');
          assert.equal(udf.info.hasMetadataPartition, false);
          assert.ok(udf.info.vrs.includes(rev >= 0x0200 ? 'NSR03' : 'NSR02'), udf.info.vrs.join(','));
          const source = await FileSource.open(img);
          const udf2 = (await openUdf(source))!;
          const root = await udf2.fileSystem.resolve(udf2.fileSystem.rootRef);
          assert.equal(root.isDirectory, true);
          assert.deepEqual(await udf2.fileSystem.readDir(root), []);
          await source.close();
        });
      }
    }
  }

  for (const [name, args] of [
    ['4096-byte blocks', ['--blocksize=4096']],
    ['ICB strategy 4096', ['--blocksize=2048', '--strategy=4096']],
    ['plain FEs instead of EFEs', ['--blocksize=2048', '--noefe']],
  ] as const) {
    test(`rev 2.01 with ${name}`, async () => {
      const img = mkudffs(`x-${name.replace(/\W+/g, '-')}.img`, ['--media-type=hd', ...args]);
      const source = await FileSource.open(img);
      try {
        const udf = await openUdf(source);
        assert.ok(udf);
        assert.equal(udf.info.revisionText, '2.01');
        assert.deepEqual(udf.info.vrs, ['BEA01', 'NSR03', 'TEA01']);
        assert.deepEqual(await udf.fileSystem.readDir(await udf.fileSystem.resolve(udf.fileSystem.rootRef)), []);
      } finally {
        await source.close();
      }
    });
  }

  // mkudffs 2.3 makes 2.50/2.60 only for write-once media, always with a VAT, and
  // packet-written media with a sparing table: both must be refused cleanly.
  for (const [media, rev, kind] of [
    ['bdr', '0x0250', 'Virtual'],
    ['bdr', '0x0260', 'Virtual'],
    ['dvdr', '0x0250', 'Virtual'],
    ['cdrw', '0x0201', 'Sparable'],
  ] as const) {
    test(`${media} rev ${rev} (${kind} partition) is rejected as unsupported`, async () => {
      const img = mkudffs(`u-${media}-${rev}.img`, [`--media-type=${media}`, `--udfrev=${rev}`], 40);
      await assert.rejects(openImage(img), (err) => err instanceof MediaUnsupportedError && err.message.includes(kind));
    });
  }
});

describe('mkudffs + udfclient (files written in user space)', () => {
  for (const blockSize of [2048, 512]) {
    for (const rev of ['0x0102', '0x0150', '0x0201']) {
      test(`rev ${rev}, ${blockSize}-byte blocks: every file reads back`, async () => {
        requireTool('udfclient', 'udfclient');
        const img = mkudffs(`c-${blockSize}-${rev}.img`, ['--media-type=hd', `--blocksize=${blockSize}`, `--udfrev=${rev}`]);
        // udfclient 0.8.11 fails ("No space left on device") once a directory grows past a
        // few entries, and stores UTF-8 bytes as 8-bit CS0, so this tree stays small and ASCII.
        const src = join(dir, `src-${blockSize}-${rev}`);
        mkdirSync(join(src, 'Sub'), { recursive: true });
        writeFileSync(join(src, 'tiny.txt'), 'tiny\n');
        writeFileSync(join(src, 'data.bin'), randomBytes(700_000));
        writeFileSync(join(src, 'Sub', 'More.Mixed.bin'), randomBytes(5000));
        writeFileSync(join(src, 'Sub', 'x.txt'), 'x\n');
        // udfclient shows the volume as one top-level directory named after the volume set.
        const listing = run('udfclient', ['-b', `${blockSize}`, img], { input: 'ls\nquit\n' });
        const volume = /^d\S+\s+\S+\s+\S+\s+\S+\s+(.+)$/m.exec(listing)?.[1]?.trim();
        assert.ok(volume, `volume directory in udfclient output:\n${listing}`);
        run('udfclient', ['-b', `${blockSize}`, '-W', img], { cwd: src, input: `cd ${volume}\nput tiny.txt\nput data.bin\nput Sub\nquit\n` });
        const source = await FileSource.open(img);
        try {
          const udf = await openUdf(source);
          assert.ok(udf);
          const tree = await walkTree(udf.fileSystem);
          const expected = hashLocalTree(src);
          const files = [...tree].filter(([, n]) => !n.isDirectory);
          assert.deepEqual(files.map(([p]) => p).sort(), [...expected.keys()].sort());
          for (const [path, node] of files) assert.equal(await sha256Node(source, node), expected.get(path), path);
          assert.equal(tree.get('/tiny.txt')?.extents[0]?.kind, 'inline', 'udfclient embeds small files in their ICB');
        } finally {
          await source.close();
        }
      });
    }
  }
});
