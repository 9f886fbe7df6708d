// A directory that points back at an ancestor must end a recursive walk with a typed
// error, not recurse forever. Made by patching real test images, tags kept valid so the
// loop itself (not a checksum) is what the reader meets.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FileSource, MediaImage, MediaCorruptError } from '../../../src/media/index.js';
import { crcItuT } from '../../../src/media/udf/index.js';
import { MutatedSource } from '../../fuzz/mutated-source.js';
import { testImagePath } from '../../helpers/media.js';

function patchBytes(patches: Map<number, number>, at: number, bytes: Buffer): void {
  for (let i = 0; i < bytes.length; i++) patches.set(at + i, bytes[i]!);
}

async function walkAll(image: MediaImage): Promise<number> {
  let n = 0;
  for await (const _ of image.walk('/')) n++;
  return n;
}

describe('directory loops in real images', () => {
  test('UDF: a FID of /sources pointing at the root ICB ends the walk with MEDIA_CORRUPT', async () => {
    const base = await FileSource.open(await testImagePath('win10.iso'));
    const clean = await MediaImage.open(base);
    const udf = clean.view('udf')!;
    const root = await udf.resolve(udf.rootRef);
    const first = root.extents[0]!;
    assert.equal(first.kind, 'data', 'root directory data is on disk');
    const at = (first as { sourceOffset: number }).sourceOffset;
    const data = await base.read(at, root.size);
    let rootLbn = -1;
    let sourcesFid = -1;
    for (let off = 0; off + 38 <= data.length; ) {
      assert.equal(data.readUInt16LE(off), 257, 'FID tag');
      const lfi = data[off + 19]!;
      const liu = data.readUInt16LE(off + 36);
      const name = data.subarray(off + 38 + liu + 1, off + 38 + liu + lfi).toString('latin1');
      if (data[off + 18]! & 8) rootLbn = data.readUInt32LE(off + 24); // the root's parent entry is the root
      if (name === 'sources') sourcesFid = off;
      off += (38 + liu + lfi + 3) & ~3;
    }
    assert.ok(rootLbn >= 0 && sourcesFid >= 0);
    const fid = Buffer.from(data.subarray(sourcesFid, sourcesFid + 64));
    fid.writeUInt32LE(rootLbn, 24);
    const crcLength = fid.readUInt16LE(10);
    fid.writeUInt16LE(crcItuT(fid.subarray(16, 16 + crcLength)), 8);
    let sum = 0;
    for (let i = 0; i < 16; i++) if (i !== 4) sum += fid[i]!;
    fid[4] = sum & 0xff;
    const patches = new Map<number, number>();
    patchBytes(patches, at + sourcesFid, fid.subarray(0, 16 + crcLength));

    const looped = await MediaImage.open(new MutatedSource(base, patches));
    await assert.rejects(walkAll(looped), (err: unknown) => err instanceof MediaCorruptError && /loop/.test(err.message));
    assert.ok((await walkAll(clean)) > 300, 'the unpatched image walks fine');
    await base.close();
  });

  test('ISO 9660/Rock Ridge: a record of /many pointing at the root extent ends the walk with MEDIA_CORRUPT', async () => {
    const base = await FileSource.open(await testImagePath('joliet-rr.iso'));
    const pvd = await base.read(16 * 2048, 2048);
    const rootLba = pvd.readUInt32LE(156 + 2);
    const rootSize = pvd.readUInt32LE(156 + 10);
    const data = await base.read(rootLba * 2048, rootSize);
    let manyAt = -1;
    for (let off = 0; off < data.length; ) {
      const len = data[off]!;
      if (len === 0) {
        off = (Math.floor(off / 2048) + 1) * 2048;
        continue;
      }
      const name = data.subarray(off + 33, off + 33 + data[off + 32]!).toString('latin1');
      if (name === 'MANY') manyAt = off;
      off += len;
    }
    assert.ok(manyAt >= 0, 'found the record of /many');
    const both = Buffer.alloc(16);
    both.writeUInt32LE(rootLba, 0);
    both.writeUInt32BE(rootLba, 4);
    both.writeUInt32LE(rootSize, 8);
    both.writeUInt32BE(rootSize, 12);
    const patches = new Map<number, number>();
    patchBytes(patches, rootLba * 2048 + manyAt + 2, both);

    const looped = await MediaImage.open(new MutatedSource(base, patches));
    assert.equal(looped.fs.kind, 'rockridge');
    await assert.rejects(walkAll(looped), (err: unknown) => err instanceof MediaCorruptError && /loop/.test(err.message));
    await base.close();
  });
});
