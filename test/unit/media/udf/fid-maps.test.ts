import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaLimitError, MediaUnsupportedError } from '../../../../src/media/errors.js';
import { decodeDirectory, decodeFid, fidSize } from '../../../../src/media/udf/index.js';
import { decodePartitionMaps } from '../../../../src/media/udf/partition-maps.js';
import { decodeLogicalVolume, decodePartition } from '../../../../src/media/udf/descriptors.js';
import { fid, logicalVolume, metadataMap, partitionDesc, type1Map, type2Map } from './builder.js';

describe('file identifier descriptors', () => {
  test('size is (38 + L_IU + L_FI + 3) & ~3', () => {
    for (const [iu, fi, size] of [[0, 0, 40], [0, 2, 40], [0, 3, 44], [2, 9, 52], [1990, 14, 2044]] as const) assert.equal(fidSize(iu, fi), size);
  });

  test('a FID packed across a 2048-byte block boundary decodes from the directory bytes', () => {
    const data = Buffer.concat([
      fid({ flags: 10, name: '', icb: [7, 0] }),
      fid({ flags: 0, name: 'filler', icb: [8, 0], impUse: 1950 }),
      fid({ flags: 2, name: 'Straddler ✓', icb: [9, 1] }),
      fid({ flags: 4, name: 'gone', icb: [10, 0] }),
      fid({ flags: 1, name: 'hidden.sys', icb: [11, 0] }),
    ]);
    const straddlerAt = 40 + fidSize(1950, 7);
    assert.ok(straddlerAt < 2048 && straddlerAt + fidSize(0, 23) > 2048, 'the third FID crosses the block boundary');
    const entries = decodeDirectory(data, 100);
    assert.deepEqual(entries.map((e) => [e.name, e.characteristics, e.icb.lbn, e.icb.partitionRef]), [
      ['filler', 0, 8, 0],
      ['Straddler ✓', 2, 9, 1],
      ['hidden.sys', 1, 11, 0],
    ]);
    assert.throws(() => decodeDirectory(data, 2), MediaLimitError);
  });

  test('corrupt FIDs: bad CRC, name past the data, truncated header', () => {
    const one = fid({ flags: 0, name: 'abc', icb: [1, 0] });
    const bad = Buffer.from(one);
    bad[38] = 0x7f;
    assert.throws(() => decodeFid(bad, 0), /CRC/);
    assert.throws(() => decodeFid(one.subarray(0, 40), 0), /runs past/);
    assert.throws(() => decodeFid(Buffer.alloc(20), 0), MediaCorruptError);
  });
});

describe('volume descriptors and partition maps', () => {
  test('type 1 and metadata maps decode; virtual, sparable and unknown ones do not', () => {
    const table = Buffer.concat([type1Map(0), metadataMap(0, 5, 6)]);
    const maps = decodePartitionMaps(table, 2);
    assert.deepEqual(maps[0], { kind: 'physical', volumeSequence: 1, partitionNumber: 0 });
    assert.equal(maps[1]?.kind, 'metadata');
    if (maps[1]?.kind === 'metadata') assert.deepEqual([maps[1].metadataFile, maps[1].mirrorFile, maps[1].bitmapFile], [5, 6, 0xffffffff]);
    for (const ident of ['*UDF Virtual Partition', '*UDF Sparable Partition', '*Made Up']) {
      assert.throws(() => decodePartitionMaps(type2Map(ident, 0), 1), MediaUnsupportedError);
    }
    assert.throws(() => decodePartitionMaps(type1Map(0), 2), MediaCorruptError);
    assert.throws(() => decodePartitionMaps(Buffer.from([1, 0, 0, 0, 0, 0]), 1), MediaCorruptError);
    assert.throws(() => decodePartitionMaps(Buffer.from([3, 6, 0, 0, 0, 0]), 1), MediaCorruptError);
  });

  test('PD and LVD fields sit at their ECMA-167 offsets', () => {
    assert.deepEqual(decodePartition(partitionDesc(33, 4, 257, 9000)), { sequenceNumber: 0, partitionNumber: 4, contents: '+NSR03', accessType: 1, start: 257, length: 9000 });
    const lvd = decodeLogicalVolume(logicalVolume(34, { blockSize: 2048, revision: 0x0260, lvid: 'CCCOMA_X64FRE_EN-US_DV9', fsd: [3, 1], maps: [type1Map(0), metadataMap(0, 0, 1)] }));
    assert.equal(lvd.blockSize, 2048);
    assert.equal(lvd.revision, 0x0260);
    assert.equal(lvd.domain, '*OSTA UDF Compliant');
    assert.equal(lvd.logicalVolumeId, 'CCCOMA_X64FRE_EN-US_DV9');
    assert.deepEqual([lvd.fileSet.lbn, lvd.fileSet.partitionRef], [3, 1]);
    assert.equal(lvd.maps.length, 2);
  });
});
