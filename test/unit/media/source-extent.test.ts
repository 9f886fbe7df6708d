import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferSource, CachedSource, FileSource } from '../../../src/media/source.js';
import { readExtents, streamExtents, validateExtents, STREAM_CHUNK, type Extent } from '../../../src/media/extent.js';
import { MediaCorruptError, MediaIoError } from '../../../src/media/errors.js';

const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7) & 0xff));

describe('sources', () => {
  test('FileSource reads at offsets and counts bytes', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'vizor-src-')), 'x.bin');
    writeFileSync(f, bytes);
    const src = await FileSource.open(f);
    assert.equal(src.size, bytes.length);
    assert.deepEqual(await src.read(500, 10), bytes.subarray(500, 510));
    assert.equal(src.bytesRead, 10);
    await assert.rejects(src.read(bytes.length - 5, 10), (e: unknown) => e instanceof MediaIoError && /runs past the end/.test(e.message));
    await assert.rejects(src.read(-1, 1), MediaIoError);
    await src.close();
  });

  test('FileSource names the file and errno when it cannot open', async () => {
    await assert.rejects(FileSource.open('/nonexistent/x.iso'), (e: unknown) => e instanceof MediaIoError && e.message === 'cannot open /nonexistent/x.iso: ENOENT');
    await assert.rejects(FileSource.open(tmpdir()), (e: unknown) => e instanceof MediaIoError && /not a regular file/.test(e.message));
  });

  test('CachedSource serves repeated small reads from cache and bypasses it for large ones', async () => {
    const inner = new BufferSource(bytes);
    const cached = new CachedSource(inner, 4096, 4);
    for (let i = 0; i < 10; i++) assert.deepEqual(await cached.read(100, 50), bytes.subarray(100, 150));
    assert.equal(inner.bytesRead, 4096, 'one block fetched for ten reads');
    assert.deepEqual(await cached.read(4000, 200), bytes.subarray(4000, 4200), 'a read across a block boundary');
    assert.equal(inner.bytesRead, 8192);
    await cached.read(0, 60_000);
    assert.equal(inner.bytesRead, 8192 + 60_000, 'large reads go straight through');
    for (let b = 0; b < 8; b++) await cached.read(b * 4096, 1);
    const before = inner.bytesRead;
    await cached.read(0, 1);
    assert.equal(inner.bytesRead, before + 4096, 'evicted block is fetched again (LRU of 4)');
    assert.deepEqual(await cached.read(bytes.length - 10, 10), bytes.subarray(bytes.length - 10), 'last partial block');
  });
});

describe('extents', () => {
  const src = new BufferSource(bytes);
  const extents: Extent[] = [
    { kind: 'data', sourceOffset: 1000, length: 300 },
    { kind: 'zero', length: 200 },
    { kind: 'inline', data: Buffer.from('hello world'), length: 11 },
    { kind: 'data', sourceOffset: 50_000, length: 5000 },
  ];
  const whole = Buffer.concat([bytes.subarray(1000, 1300), Buffer.alloc(200), Buffer.from('hello world'), bytes.subarray(50_000, 55_000)]);
  const ranges: [number, number][] = [[0, whole.length], [0, 1], [299, 301], [450, 520], [505, 511], [511, 512], [1000, 4000], [whole.length - 1, whole.length], [7, 7]];
  for (const [start, end] of ranges) {
    test(`range ${start}-${end} crosses extents correctly`, async () => {
      assert.deepEqual(await readExtents(src, extents, start, end - start), whole.subarray(start, end));
    });
  }

  test('streams in chunks of at most STREAM_CHUNK', async () => {
    const big = new BufferSource(Buffer.alloc(3 * STREAM_CHUNK + 5));
    const sizes: number[] = [];
    for await (const c of streamExtents(big, [{ kind: 'data', sourceOffset: 0, length: big.size }], 0, big.size)) sizes.push(c.length);
    assert.deepEqual(sizes, [STREAM_CHUNK, STREAM_CHUNK, STREAM_CHUNK, 5]);
  });

  test('a range past the extents is an I/O error', async () => {
    await assert.rejects(readExtents(src, extents, whole.length - 5, 10), MediaIoError);
  });

  const invalid: { name: string; extents: Extent[]; size: number }[] = [
    { name: 'extent outside the image', extents: [{ kind: 'data', sourceOffset: bytes.length - 10, length: 20 }], size: 20 },
    { name: 'extents shorter than the file', extents: [{ kind: 'data', sourceOffset: 0, length: 10 }], size: 11 },
  ];
  for (const c of invalid) {
    test(`validateExtents rejects: ${c.name}`, () => {
      assert.throws(() => validateExtents('udf', c.extents, c.size, bytes.length, 'f'), MediaCorruptError);
    });
  }
});
