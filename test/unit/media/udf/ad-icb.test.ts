import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaUnsupportedError } from '../../../../src/media/errors.js';
import {
  AdType, ExtentType, decodeAds, decodeAllocationExtent, decodeExtAd, decodeFileEntry, decodeLongAd, decodeShortAd,
} from '../../../../src/media/udf/index.js';
import { allocationExtent, extAd, fileEntry, finishTag, longAd, shortAd, timestamp } from './builder.js';

describe('allocation descriptors', () => {
  for (const type of [ExtentType.Recorded, ExtentType.AllocatedNotRecorded, ExtentType.NotAllocated, ExtentType.Continuation]) {
    const length = 0x3fffffff - type;
    test(`short_ad, long_ad and ext_ad of extent type ${type}`, () => {
      assert.deepEqual(decodeShortAd(shortAd(length, 0xfffffffe, type), 0, 7), { type, length, lbn: 0xfffffffe, partitionRef: 7 });
      assert.deepEqual(decodeLongAd(longAd(length, 123456, 2, type), 0), { type, length, lbn: 123456, partitionRef: 2 });
      assert.deepEqual(decodeExtAd(extAd(length, 654321, 1, type), 0), { type, length, lbn: 654321, partitionRef: 1 });
    });
  }

  test('decodeAds stops at a zero-length descriptor and rejects a partial one', () => {
    const area = Buffer.concat([shortAd(2048, 5), shortAd(4096, 9, 1), shortAd(0, 0), shortAd(2048, 77)]);
    assert.deepEqual(decodeAds(area, AdType.Short, 3).map((a) => [a.type, a.length, a.lbn, a.partitionRef]), [[0, 2048, 5, 3], [1, 4096, 9, 3]]);
    assert.equal(decodeAds(Buffer.concat([longAd(10, 1, 4), extAd(1, 1, 1).subarray(0, 16)]), AdType.Long, 0).length, 2);
    assert.throws(() => decodeAds(Buffer.alloc(12), AdType.Short, 0), MediaCorruptError);
    assert.throws(() => decodeAds(Buffer.alloc(16), AdType.Embedded, 0), MediaCorruptError);
    assert.throws(() => decodeLongAd(Buffer.alloc(15), 0), MediaCorruptError);
  });
});

describe('file entries', () => {
  const mtime = timestamp(2023, 11, 2, 8, 9, 10, -300);
  const cases = [
    { name: 'FE with short_ads', extended: false, adType: AdType.Short, ads: Buffer.concat([shortAd(2048, 1), shortAd(100, 2)]) },
    { name: 'EFE with long_ads', extended: true, adType: AdType.Long, ads: longAd(2148, 9, 1) },
    { name: 'EFE with ext_ads', extended: true, adType: AdType.Extended, ads: extAd(2148, 9, 1) },
    { name: 'FE with embedded data', extended: false, adType: AdType.Embedded, ads: Buffer.from('embedded bytes!') },
    { name: 'EFE with embedded data', extended: true, adType: AdType.Embedded, ads: Buffer.from('embedded bytes!') },
  ];
  for (const c of cases) {
    test(`${c.name}: size, type, time and AD area (after 20 bytes of EAs)`, () => {
      const size = c.adType === AdType.Embedded ? c.ads.length : 2148;
      const block = fileEntry({ lbn: 42, blockSize: 2048, extended: c.extended, fileType: 5, size, adType: c.adType, ads: c.ads, lengthEa: 20, mtime });
      const fe = decodeFileEntry(block, 42);
      assert.equal(fe.extended, c.extended);
      assert.equal(fe.fileType, 5);
      assert.equal(fe.adType, c.adType);
      assert.equal(fe.size, size);
      assert.deepEqual(fe.adArea, c.ads);
      assert.equal(fe.mtime?.toISOString(), '2023-11-02T13:09:10.000Z');
    });
  }

  test('sizes beyond 4 GiB are exact; beyond 2^53 are corrupt', () => {
    const big = fileEntry({ lbn: 1, blockSize: 2048, extended: true, fileType: 5, size: 0x1_2345_6789n, adType: 1, ads: Buffer.alloc(0) });
    assert.equal(decodeFileEntry(big, 1).size, 0x1_2345_6789);
    const huge = fileEntry({ lbn: 1, blockSize: 2048, extended: true, fileType: 5, size: 1n << 60n, adType: 1, ads: Buffer.alloc(0) });
    assert.throws(() => decodeFileEntry(huge, 1), MediaCorruptError);
  });

  test('rejects L_AD past the block, embedded size beyond L_AD, a wrong location and indirect entries', () => {
    const lying = fileEntry({ lbn: 3, blockSize: 2048, extended: false, fileType: 5, size: 0, adType: 0, ads: Buffer.alloc(0) });
    lying.writeUInt32LE(5000, 172);
    finishTag(lying, 261, 3, 160);
    assert.throws(() => decodeFileEntry(lying, 3), /run past/);
    const embedded = fileEntry({ lbn: 3, blockSize: 2048, extended: false, fileType: 5, size: 100, adType: 3, ads: Buffer.alloc(10) });
    assert.throws(() => decodeFileEntry(embedded, 3), /embedded/);
    assert.throws(() => decodeFileEntry(embedded, 4), /location/);
    assert.throws(() => decodeFileEntry(finishTag(Buffer.alloc(2048), 259, 3, 36), 3), MediaUnsupportedError);
  });

  test('allocation extent descriptors', () => {
    const aed = allocationExtent(60, Buffer.concat([longAd(2048, 70, 0), longAd(2048, 61, 0, 3)]));
    assert.equal(decodeAllocationExtent(aed, 60).adArea.length, 32);
    assert.throws(() => decodeAllocationExtent(aed, 61), MediaCorruptError);
    aed.writeUInt32LE(4000, 20);
    finishTag(aed, 258, 60, 8);
    assert.throws(() => decodeAllocationExtent(aed, 60), /runs past/);
  });
});
