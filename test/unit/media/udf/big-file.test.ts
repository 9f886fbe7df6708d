import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { readExtents, type Extent } from '../../../../src/media/extent.js';
import { FileSource } from '../../../../src/media/source.js';
import { openUdf } from '../../../../src/media/udf/index.js';
import { repoRoot, requireTool, run } from './helpers.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const SIZE = 4600 * MiB;
const START_MARK = Buffer.from('VIZOR-UDF-BIG-START\n');
const DEEP_MARK = Buffer.from('VIZOR-UDF-BIG-MARK-AT-4.55-GB\n');
// Decimal GB: 4600 MiB is only 4.49 GiB, and these offsets must lie inside it yet beyond 4 GiB.
const DEEP_AT = 4_550_000_000;
const ZERO_AT = 4_500_000_000;
const cacheDir = join(repoRoot, '.cache', 'udf-test');
const iso = join(cacheDir, 'big-v2.iso');

/** Builds the 4.6 GB sparse UDF 1.02 bridge image once and keeps it in .cache (gitignored). */
async function buildBigIso(): Promise<void> {
  if (existsSync(iso)) return;
  requireTool('genisoimage', 'genisoimage');
  requireTool('fallocate', 'util-linux');
  mkdirSync(cacheDir, { recursive: true });
  const work = join(cacheDir, 'big-build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, 'tree', 'sources'), { recursive: true });
  writeFileSync(join(work, 'tree', 'README.TXT'), 'big-file fixture\n');
  const big = join(work, 'tree', 'sources', 'big.bin');
  run('truncate', ['-s', `${SIZE}`, big]);
  const fh = await open(big, 'r+');
  await fh.write(START_MARK, 0, START_MARK.length, 0);
  await fh.write(DEEP_MARK, 0, DEEP_MARK.length, DEEP_AT);
  await fh.close();
  const tmp = join(work, 'big.iso');
  run('genisoimage', ['-quiet', '-udf', '-iso-level', '3', '-allow-limited-size', '-V', 'BIGTEST', '-o', tmp, join(work, 'tree')]);
  run('fallocate', ['--dig-holes', tmp]);
  renameSync(tmp, iso);
  rmSync(work, { recursive: true, force: true });
}

/** Where file offset `offset` lies in the image. */
function sourceOffsetOf(extents: readonly Extent[], offset: number): number {
  let base = 0;
  for (const e of extents) {
    if (offset < base + e.length) return e.kind === 'data' ? e.sourceOffset + (offset - base) : -1;
    base += e.length;
  }
  return -1;
}

test('a 4600 MiB file in a genisoimage UDF image maps beyond 4 GiB and reads sparsely', { timeout: 20 * 60_000 }, async (t) => {
  await buildBigIso();
  const source = await FileSource.open(iso);
  try {
    const udf = await openUdf(source);
    assert.ok(udf, 'UDF found');
    const fs = udf.fileSystem;
    const root = await fs.resolve(fs.rootRef);
    const sources = (await fs.readDir(root)).find((e) => e.name === 'sources');
    assert.ok(sources);
    const entry = (await fs.readDir(await fs.resolve(sources.ref))).find((e) => e.name === 'big.bin');
    assert.ok(entry);
    const node = await fs.resolve(entry.ref);
    assert.equal(node.size, SIZE);
    assert.ok(node.extents.length > 1, `expected several extents, got ${node.extents.length}`);
    let expectOffset = -1;
    for (const e of node.extents) {
      assert.equal(e.kind, 'data');
      assert.ok(e.length <= 0x3fffffff, 'one allocation descriptor holds at most 2^30 - 1 bytes');
      if (e.kind === 'data' && expectOffset >= 0) assert.equal(e.sourceOffset, expectOffset, 'genisoimage writes the file contiguously');
      if (e.kind === 'data') expectOffset = e.sourceOffset + e.length;
    }
    assert.ok(expectOffset > 4 * GiB, 'the last byte maps beyond 4 GiB in the image');
    assert.ok(sourceOffsetOf(node.extents, DEEP_AT) > 4 * GiB, 'the marker lies beyond 4 GiB in the image');
    t.diagnostic(`big.bin extents: ${node.extents.map((e) => (e.kind === 'data' ? `${e.sourceOffset}+${e.length}` : e.kind)).join(', ')}`);
    const before = source.bytesRead;
    assert.deepEqual(await readExtents(source, node.extents, 0, START_MARK.length), START_MARK);
    assert.deepEqual(await readExtents(source, node.extents, ZERO_AT, 4096), Buffer.alloc(4096));
    const around = await readExtents(source, node.extents, DEEP_AT - 16, DEEP_MARK.length + 32);
    assert.deepEqual(around, Buffer.concat([Buffer.alloc(16), DEEP_MARK, Buffer.alloc(16)]));
    assert.deepEqual(await readExtents(source, node.extents, SIZE - 8, 8), Buffer.alloc(8));
    assert.ok(source.bytesRead - before < 64 * 1024, `read ${source.bytesRead - before} bytes for four small reads`);
    assert.ok(source.bytesRead < 1024 * 1024, `whole test touched ${source.bytesRead} bytes`);
    t.diagnostic(`bytes read from the 4.8 GB image: ${source.bytesRead}`);
  } finally {
    await source.close();
  }
});

