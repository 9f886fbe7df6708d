import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaLimitError, MediaUnsupportedError } from '../../../../src/media/errors.js';
import { readExtents } from '../../../../src/media/extent.js';
import { BufferSource } from '../../../../src/media/source.js';
import { openUdf } from '../../../../src/media/udf/index.js';
import { anchor, bare, blankImage, fileEntry, fileSet, finishTag, logicalVolume, longAd, partitionDesc, primaryVolume, type1Map, type2Map, volumePointer } from './builder.js';
import { walkTree } from './helpers.js';
import { BS, PART_START, buildSynthetic } from './synthetic-image.js';

async function open(image: Buffer) {
  const source = new BufferSource(image, 'synthetic');
  const udf = await openUdf(source);
  assert.ok(udf, 'UDF found');
  return { source, udf, fs: udf.fileSystem };
}

describe('synthetic UDF 2.50 image with a metadata partition', () => {
  test('opens with the right volume info', async () => {
    const { udf } = await open(buildSynthetic().image);
    assert.deepEqual(udf.info, {
      revision: 0x0250,
      revisionText: '2.50',
      volumeId: 'SYNTH_VOL',
      logicalVolumeId: 'Synthetic 2.50',
      blockSize: BS,
      partitionStart: PART_START,
      partitionLength: 100,
      hasMetadataPartition: true,
      vrs: ['BEA01', 'NSR03', 'TEA01'],
    });
  });

  test('lists the root across a FID that straddles two metadata extents, skipping deleted and parent', async () => {
    const { fs } = await open(buildSynthetic().image);
    const names = (await fs.readDir(await fs.resolve(fs.rootRef))).map((e) => `${e.name}${e.isDirectory ? '/' : ''}`);
    assert.deepEqual(names, ['padding-entry', 'file.bin', 'Sub ✓/']);
  });

  test('reads an EFE file through long_ads, an unrecorded extent and a two-AED chain', async () => {
    const { source, fs } = await open(buildSynthetic().image);
    const { fileBin } = buildSynthetic();
    const tree = await walkTree(fs);
    const node = tree.get('/file.bin')!;
    assert.equal(node.size, fileBin.length);
    assert.deepEqual(node.extents.map((e) => e.kind), ['data', 'zero', 'data', 'data']);
    assert.deepEqual(node.extents[0], { kind: 'data', sourceOffset: (PART_START + 50) * BS, length: 2 * BS });
    assert.deepEqual(await readExtents(source, node.extents, 0, node.size), fileBin);
    assert.equal(node.mtime?.toISOString(), '2024-05-17T10:30:45.000Z');
  });

  test('reads an embedded directory and an FE with embedded data after its extended attributes', async () => {
    const { source, fs } = await open(buildSynthetic().image);
    const tree = await walkTree(fs);
    const tiny = tree.get('/Sub ✓/tiny.txt')!;
    assert.equal(tiny.extents[0]?.kind, 'inline');
    assert.deepEqual(await readExtents(source, tiny.extents, 0, tiny.size), buildSynthetic().tiny);
    assert.deepEqual([...tree.keys()].sort(), ['/', '/Sub ✓/', '/Sub ✓/tiny.txt', '/file.bin', '/padding-entry']);
  });

  test('falls back to the metadata mirror file when the main one is damaged', async () => {
    const { source, fs } = await open(buildSynthetic({ breakMetadataMain: true }).image);
    const node = (await walkTree(fs)).get('/file.bin')!;
    assert.deepEqual(await readExtents(source, node.extents, 0, node.size), buildSynthetic().fileBin);
  });

  test('falls back to the reserve volume descriptor sequence', async () => {
    const { udf } = await open(buildSynthetic({ breakMainVds: true }).image);
    assert.equal(udf.info.logicalVolumeId, 'Synthetic 2.50');
  });

  test('an AED that continues to itself is corrupt', async () => {
    const { fs } = await open(buildSynthetic({ aedLoop: true }).image);
    await assert.rejects(walkTree(fs), (err) => err instanceof MediaCorruptError && /loops/.test(err.message));
  });

  test('a directory entry pointing at an ancestor is corrupt', async () => {
    const { fs } = await open(buildSynthetic({ dirLoop: true }).image);
    await assert.rejects(walkTree(fs), (err) => err instanceof MediaCorruptError && /directory loop/.test(err.message));
  });

  test('refs and nodes from elsewhere are rejected', async () => {
    const { fs } = await open(buildSynthetic().image);
    await assert.rejects(fs.resolve({ lbn: 1 }), MediaCorruptError);
    await assert.rejects(fs.readDir({ isDirectory: true, size: 0, mtime: null, extents: [] }), MediaCorruptError);
  });
});

/** A minimal 1.02-style volume: one physical partition, root FE at lbn 1, FSD at 0, built per test. */
function plainImage(o: { maps?: Buffer[]; vdsVia?: 'pointer'; rootAds?: Buffer; rootSize?: number; aedChain?: number } = {}): Buffer {
  const blocks = 300 + (o.aedChain ?? 0) + 40;
  const img = blankImage(BS, blocks, ['BEA01', 'NSR02', 'TEA01']);
  const lvd = (loc: number) => logicalVolume(loc, { blockSize: BS, revision: 0x0102, lvid: 'Plain', fsd: [0, 0], maps: o.maps ?? [type1Map(0)] });
  if (o.vdsVia === 'pointer') {
    [primaryVolume(32, 'P'), volumePointer(33, [64, 16 * BS])].forEach((d, i) => d.copy(img, (32 + i) * BS));
    [partitionDesc(64, 0, 280, blocks - 290), lvd(65), bare(8, 66)].forEach((d, i) => d.copy(img, (64 + i) * BS));
  } else {
    [primaryVolume(32, 'P'), partitionDesc(33, 0, 280, blocks - 290), lvd(34), bare(8, 35)].forEach((d, i) => d.copy(img, (32 + i) * BS));
  }
  anchor(256, [32, 16 * BS], [32, 16 * BS]).copy(img, 256 * BS);
  fileSet(0, [1, 0], BS).copy(img, 280 * BS);
  const ads = o.rootAds ?? Buffer.alloc(0);
  fileEntry({ lbn: 1, blockSize: BS, extended: false, fileType: 4, size: o.rootSize ?? 0, adType: 1, ads }).copy(img, 281 * BS);
  return img;
}

describe('volume structure edge cases', () => {
  test('a source without UDF gives null', async () => {
    assert.equal(await openUdf(new BufferSource(Buffer.alloc(1024 * 1024))), null);
  });

  test('NSR in the recognition sequence without an anchor is corrupt', async () => {
    await assert.rejects(openUdf(new BufferSource(blankImage(BS, 600))), MediaCorruptError);
  });

  test('a Volume Descriptor Pointer is followed', async () => {
    const { fs, udf } = await open(plainImage({ vdsVia: 'pointer' }));
    assert.equal(udf.info.revisionText, '1.02');
    assert.deepEqual(await fs.readDir(await fs.resolve(fs.rootRef)), []);
  });

  for (const ident of ['*UDF Sparable Partition', '*UDF Virtual Partition', '*Something Else']) {
    test(`a "${ident}" map is rejected as unsupported`, async () => {
      await assert.rejects(openUdf(new BufferSource(plainImage({ maps: [type1Map(0), type2Map(ident, 0)] }))), MediaUnsupportedError);
    });
  }

  test('a directory larger than maxDirectoryBytes hits the limit before any read', async () => {
    const size = 20 * 1024 * 1024;
    const ads = Buffer.concat([longAd(size, 0, 0, 2)]);
    const { fs } = await open(plainImage({ rootAds: ads, rootSize: size }));
    await assert.rejects(async () => fs.readDir(await fs.resolve(fs.rootRef)), MediaLimitError);
  });

  test('an AED chain longer than maxAedChain hits the limit', async () => {
    const chain = 4100;
    const img = plainImage({ rootAds: longAd(BS, 10, 0, 3), rootSize: BS, aedChain: chain });
    for (let i = 0; i < chain; i++) {
      const lbn = 10 + i;
      const d = Buffer.alloc(40);
      longAd(BS, lbn + 1, 0, 3).copy(d, 24);
      d.writeUInt32LE(16, 20);
      finishTag(d, 258, lbn).copy(img, (280 + lbn) * BS);
    }
    const { fs } = await open(img);
    await assert.rejects(fs.resolve(fs.rootRef), MediaLimitError);
  });
});
