import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaLimitError } from '../../../../src/media/errors.js';
import { readExtents } from '../../../../src/media/extent.js';
import type { MediaFileSystem } from '../../../../src/media/filesystem.js';
import { MediaLimits } from '../../../../src/media/limits.js';
import { BufferSource, type RandomAccessSource } from '../../../../src/media/source.js';
import { openIso9660 } from '../../../../src/media/iso9660/iso9660.js';
import { IsoFileSystem } from '../../../../src/media/iso9660/view.js';
import {
  SECTOR, SparseSource, ceEntry, directory, image, nmEntry, record, simpleDescriptor, spEntry, susp, ucs2, volumeDescriptor,
} from './fixtures.js';

const SELF = Buffer.from([0]);
const PARENT = Buffer.from([1]);

interface Variant {
  jolietRootLba?: number;
  ceTarget?: { block: number; offset: number; length: number };
  splitFinal?: boolean;
}

/** A small image: PVD, Joliet SVD, terminator, UDF VRS; RR names, a CE, a two-part file. */
function smallImage(v: Variant = {}): Buffer {
  const rootDot = record({ name: SELF, flags: 2, lba: 24, size: SECTOR });
  const ce = v.ceTarget ?? { block: 26, offset: 100, length: 20 };
  const files = [
    record({ name: SELF, flags: 2, lba: 24, size: SECTOR, su: spEntry() }),
    record({ name: PARENT, flags: 2, lba: 24, size: SECTOR }),
    record({ name: 'HELLO.TXT;1', lba: 30, size: 5, su: nmEntry('hello.txt') }),
    record({ name: 'LONGNAME.TXT;1', lba: 31, size: 3, su: Buffer.concat([nmEntry('a-very-', 1), ceEntry(ce.block, ce.offset, ce.length)]) }),
    record({ name: 'SPLIT.BIN;1', lba: 32, size: SECTOR, flags: 0x80 }),
    ...(v.splitFinal === false ? [] : [record({ name: 'SPLIT.BIN;1', lba: 34, size: 10 })]),
    record({ name: 'EMPTY.;1', lba: 0, size: 0 }),
  ];
  const continuation = Buffer.alloc(SECTOR);
  Buffer.concat([nmEntry('long-name.txt'), susp('ST')]).copy(continuation, 100);
  ceEntry(26, 0, 28).copy(continuation, 0); // a continuation area that continues into itself
  const jolietRoot = directory([
    record({ name: SELF, flags: 2, lba: 25, size: SECTOR }),
    record({ name: PARENT, flags: 2, lba: 25, size: SECTOR }),
    record({ name: ucs2('Hello wörld.txt;1'), lba: 30, size: 5 }),
  ]);
  return image(40, {
    16: volumeDescriptor(1, { volumeId: 'SMALL', root: rootDot }),
    17: volumeDescriptor(2, { volumeId: 'Small', escapes: '%/E', root: record({ name: SELF, flags: 2, lba: v.jolietRootLba ?? 25, size: SECTOR }) }),
    18: simpleDescriptor(255),
    19: simpleDescriptor(0, 'BEA01'),
    20: simpleDescriptor(0, 'NSR02'),
    21: simpleDescriptor(0, 'TEA01'),
    24: directory(files),
    25: jolietRoot,
    26: continuation,
    30: Buffer.from('hello'),
    31: Buffer.from('abc'),
    32: Buffer.alloc(SECTOR, 0x41),
    34: Buffer.from('0123456789'),
  });
}

async function list(fs: MediaFileSystem): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await fs.readDir(await fs.resolve(fs.rootRef))) {
    const node = await fs.resolve(e.ref);
    out.set(e.name, node.size === 0 ? Buffer.alloc(0) : await readExtents(currentSource!, node.extents, 0, node.size));
  }
  return out;
}
let currentSource: RandomAccessSource | null = null;

async function open(img: Buffer) {
  currentSource = new BufferSource(img);
  const res = await openIso9660(currentSource);
  assert.ok(res, 'image opens');
  return res;
}

describe('openIso9660 on hand-built images', () => {
  test('no CD001 at sector 16 gives null', async () => {
    assert.equal(await openIso9660(new BufferSource(Buffer.alloc(40 * SECTOR))), null);
    assert.equal(await openIso9660(new BufferSource(Buffer.alloc(100))), null);
    assert.equal(await openIso9660(new BufferSource(image(20, { 16: simpleDescriptor(0, 'BEA01') }))), null);
  });

  test('volume info, views, VRS', async () => {
    const { info, fileSystems, warnings } = await open(smallImage());
    assert.deepEqual(warnings, []);
    assert.deepEqual(fileSystems.map((f) => [f.kind, f.label]), [['iso9660', 'SMALL'], ['rockridge', 'SMALL'], ['joliet', 'Small']]);
    assert.deepEqual([info.hasJoliet, info.hasRockRidge, info.bootCatalogLba, info.udfVrs], [true, true, null, ['BEA01', 'NSR02', 'TEA01']]);
    assert.equal(info.created?.toISOString(), '2024-01-02T02:04:05.000Z');
  });

  test('plain names, multi-extent merge, empty file', async () => {
    const { fileSystems } = await open(smallImage());
    const files = await list(fileSystems[0]!);
    assert.deepEqual([...files.keys()], ['HELLO.TXT', 'LONGNAME.TXT', 'SPLIT.BIN', 'EMPTY']);
    assert.equal(files.get('SPLIT.BIN')!.toString(), 'A'.repeat(SECTOR) + '0123456789');
    assert.equal(files.get('EMPTY')!.length, 0);
  });

  test('Rock Ridge names, NM continued through a CE area', async () => {
    const { fileSystems } = await open(smallImage());
    const files = await list(fileSystems[1]!);
    assert.deepEqual([...files.keys()], ['hello.txt', 'a-very-long-name.txt', 'SPLIT.BIN', 'EMPTY']);
    assert.equal(files.get('a-very-long-name.txt')!.toString(), 'abc');
  });

  test('Joliet names', async () => {
    const { fileSystems } = await open(smallImage());
    assert.equal((await list(fileSystems[2]!)).get('Hello wörld.txt')!.toString(), 'hello');
  });

  test('a corrupt Joliet root drops only the Joliet view', async () => {
    const { info, fileSystems, warnings } = await open(smallImage({ jolietRootLba: 5000 }));
    assert.equal(info.hasJoliet, true);
    assert.match(warnings.join('\n'), /^joliet: iso9660: .*outside the image/);
    assert.deepEqual(fileSystems.map((f) => f.kind), ['iso9660', 'rockridge']);
  });

  const badCe: [string, Variant['ceTarget'], typeof MediaCorruptError | typeof MediaLimitError][] = [
    ['CE loop', { block: 26, offset: 0, length: 28 }, MediaLimitError],
    ['CE past the block', { block: 26, offset: 2000, length: 100 }, MediaCorruptError],
    ['CE past the image', { block: 9999, offset: 0, length: 10 }, MediaCorruptError],
  ];
  for (const [name, ceTarget, cls] of badCe) {
    test(`${name}: Rock Ridge view dropped, its readDir throws ${cls.name}`, async () => {
      const img = smallImage({ ceTarget });
      const { fileSystems, warnings } = await open(img);
      assert.deepEqual(fileSystems.map((f) => f.kind), ['iso9660', 'joliet']);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /^rockridge: /);
      const plain = fileSystems[0]!;
      const root = await plain.resolve(plain.rootRef);
      const rr = new IsoFileSystem(new BufferSource(img), root as never, { kind: 'rockridge', label: '', blockSize: SECTOR, suspSkip: 0 });
      await assert.rejects(rr.readDir(root), cls);
    });
  }

  test('CE chains longer than the bound end in MediaLimitError', async () => {
    // Each continuation area points to the next one, never looping.
    const n = MediaLimits.maxRockRidgeContinuations + 2;
    const chain = Buffer.alloc(SECTOR);
    for (let i = 0; i < n; i++) ceEntry(26, (i + 2) * 40, 28).copy(chain, (i + 1) * 40);
    const img = smallImage({ ceTarget: { block: 26, offset: 40, length: 28 } });
    chain.copy(img, 26 * SECTOR);
    const { fileSystems } = await open(img);
    const root = await fileSystems[0]!.resolve(fileSystems[0]!.rootRef);
    const rr = new IsoFileSystem(new BufferSource(img), root as never, { kind: 'rockridge', label: '', blockSize: SECTOR, suspSkip: 0 });
    await assert.rejects(rr.readDir(root), MediaLimitError);
  });

  test('a multi-extent chain without its final record is corrupt', async () => {
    const { fileSystems } = await open(smallImage({ splitFinal: false }));
    const fs = fileSystems[0]!;
    await assert.rejects(fs.readDir(await fs.resolve(fs.rootRef)), MediaCorruptError);
  });

  test('a file extent outside the image is corrupt on resolve', async () => {
    const img = smallImage();
    const root = directory([record({ name: SELF, flags: 2, lba: 24, size: SECTOR }), record({ name: 'X;1', lba: 39, size: 5000 })]);
    root.copy(img, 24 * SECTOR);
    const { fileSystems } = await open(img);
    const fs = fileSystems[0]!;
    const [entry] = await fs.readDir(await fs.resolve(fs.rootRef));
    await assert.rejects(fs.resolve(entry!.ref), (e: unknown) => e instanceof MediaCorruptError && e.format === 'iso9660');
  });

  test('a PVD root outside the image fails to open', async () => {
    const img = smallImage();
    volumeDescriptor(1, { root: record({ name: SELF, flags: 2, lba: 100, size: SECTOR }) }).copy(img, 16 * SECTOR);
    await assert.rejects(openIso9660(new BufferSource(img)), MediaCorruptError);
  });

  test('descriptor set without PVD, without terminator, or cut short', async () => {
    await assert.rejects(openIso9660(new BufferSource(image(20, { 16: volumeDescriptor(2), 17: simpleDescriptor(255) }))), MediaCorruptError);
    await assert.rejects(openIso9660(new BufferSource(image(18, { 16: volumeDescriptor(1), 17: volumeDescriptor(1) }))), MediaCorruptError);
    const endless: Record<number, Buffer> = {};
    for (let i = 16; i < 16 + MediaLimits.maxVolumeDescriptors + 4; i++) endless[i] = simpleDescriptor(9);
    await assert.rejects(openIso9660(new BufferSource(image(16 + MediaLimits.maxVolumeDescriptors + 8, endless))), MediaLimitError);
  });

  test('readDir on a file is refused', async () => {
    const { fileSystems } = await open(smallImage());
    const fs = fileSystems[0]!;
    const [entry] = await fs.readDir(await fs.resolve(fs.rootRef));
    await assert.rejects(fs.readDir(await fs.resolve(entry!.ref)), { code: 'MEDIA_NOT_FOUND' });
    await assert.rejects(fs.resolve({}), TypeError);
  });
});

describe('files past 4 GiB', () => {
  test('multi-extent parts concatenate with exact offsets', async () => {
    const partOne = 0xfffff800; // largest sector-aligned u32 length, as mkisofs/xorriso split
    const lba1 = 40;
    const lba2 = lba1 + partOne / SECTOR;
    const partTwo = 0x30000123;
    const total = (lba2 + Math.ceil(partTwo / SECTOR) + 1) * SECTOR;
    const root = directory([
      record({ name: SELF, flags: 2, lba: 24, size: SECTOR }),
      record({ name: 'INSTALL.WIM;1', lba: lba1, size: partOne, flags: 0x80 }),
      record({ name: 'INSTALL.WIM;1', lba: lba2, size: partTwo }),
    ]);
    const src = new SparseSource(total, [
      { offset: 16 * SECTOR, data: volumeDescriptor(1, { root: record({ name: SELF, flags: 2, lba: 24, size: SECTOR }) }) },
      { offset: 17 * SECTOR, data: simpleDescriptor(255) },
      { offset: 24 * SECTOR, data: root },
      { offset: lba1 * SECTOR + partOne - 2, data: Buffer.from('yz') },
      { offset: lba2 * SECTOR, data: Buffer.from('AB') },
      { offset: lba2 * SECTOR + partTwo - 1, data: Buffer.from('!') },
    ]);
    const res = await openIso9660(src);
    const fs = res!.fileSystems[0]!;
    const [entry, ...rest] = await fs.readDir(await fs.resolve(fs.rootRef));
    assert.equal(rest.length, 0);
    assert.equal(entry!.name, 'INSTALL.WIM');
    const node = await fs.resolve(entry!.ref);
    assert.equal(node.size, partOne + partTwo);
    assert.ok(node.size > 2 ** 32);
    assert.equal((await readExtents(src, node.extents, partOne - 2, 4)).toString(), 'yzAB');
    assert.equal((await readExtents(src, node.extents, node.size - 1, 1)).toString(), '!');
  });
});
