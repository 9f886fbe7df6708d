import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSource } from '../../../../src/media/source.js';
import { openUdf } from '../../../../src/media/udf/index.js';
import { hashLocalTree, requireTool, run, sha256Node, walkTree } from './helpers.js';

const FIXED_MTIME = new Date('2020-01-02T03:04:05Z');

/** A Windows-media-like tree: nested and mixed-case dirs, 300 files, unicode, odd sizes. */
function makeTree(root: string): void {
  const file = (rel: string, data: Buffer | string): void => {
    const p = join(root, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, data);
  };
  file('README.TXT', 'This disc contains a "UDF" file system.\n');
  file('bootmgr', randomBytes(4097));
  file('Boot/BCD', randomBytes(2048));
  file('boot/boot.sdi', randomBytes(2049));
  file('efi/Microsoft/Boot/efisys.bin', randomBytes(1_474_560));
  file('sources/install.wim', randomBytes(3 * 1024 * 1024 + 123));
  file('sources/empty.dat', '');
  file('a/b/c/d/e/f/deep.txt', 'deep\n');
  file('Ünïcödé ✓/中文 файл.txt', 'unicode\n');
  file('MixedCase/SeTuP.ExE', randomBytes(777));
  for (let i = 0; i < 300; i++) file(`many/file-${String(i).padStart(3, '0')}.txt`, `file ${i}\n`.repeat(i));
  utimesSync(join(root, 'README.TXT'), FIXED_MTIME, FIXED_MTIME);
}

describe('genisoimage -udf (UDF 1.02 bridge, like Windows media)', () => {
  let dir = '';
  let iso = '';
  before(() => {
    requireTool('genisoimage', 'genisoimage');
    dir = mkdtempSync(join(tmpdir(), 'vizor-udf-geniso-'));
    makeTree(join(dir, 'tree'));
    iso = join(dir, 't.iso');
    run('genisoimage', ['-quiet', '-udf', '-iso-level', '3', '-input-charset', 'utf-8', '-hide', 'sources', '-V', 'VIZOR_TEST', '-o', iso, join(dir, 'tree')], {
      // A zone far from UTC proves the recorded timezone offset is applied.
      env: { ...process.env, TZ: 'Asia/Kolkata' },
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('volume info', async () => {
    const source = await FileSource.open(iso);
    const udf = await openUdf(source);
    await source.close();
    assert.ok(udf);
    assert.equal(udf.info.revisionText, '1.02');
    assert.equal(udf.info.revision, 0x0102);
    assert.equal(udf.info.volumeId, 'VIZOR_TEST');
    assert.equal(udf.info.blockSize, 2048);
    assert.equal(udf.info.hasMetadataPartition, false);
    assert.ok(udf.info.vrs.includes('CD001') && udf.info.vrs.includes('NSR02'), udf.info.vrs.join(','));
    assert.equal(udf.fileSystem.kind, 'udf');
  });

  test('every file reads back with the same SHA-256, and names survive', async () => {
    const source = await FileSource.open(iso);
    try {
      const udf = await openUdf(source);
      assert.ok(udf);
      const tree = await walkTree(udf.fileSystem);
      const expected = hashLocalTree(join(dir, 'tree'));
      const files = [...tree].filter(([, n]) => !n.isDirectory);
      assert.deepEqual(files.map(([p]) => p).sort(), [...expected.keys()].sort());
      for (const [path, node] of files) assert.equal(await sha256Node(source, node), expected.get(path), path);
      assert.ok(tree.has('/Ünïcödé ✓/中文 файл.txt'));
      assert.ok(tree.has('/Boot/') && tree.has('/boot/'), 'case-distinct directories stay distinct');
      assert.equal([...tree.keys()].filter((p) => p.startsWith('/many/') && p !== '/many/').length, 300);
      assert.equal(tree.get('/README.TXT')?.mtime?.getTime(), FIXED_MTIME.getTime());
    } finally {
      await source.close();
    }
  });

  test('a plain ISO 9660 image without UDF gives null', async () => {
    const plain = join(dir, 'plain.iso');
    run('genisoimage', ['-quiet', '-o', plain, join(dir, 'tree', 'a')]);
    const source = await FileSource.open(plain);
    assert.equal(await openUdf(source), null);
    await source.close();
  });
});
