import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaLimitError } from '../../../../src/media/errors.js';
import { MediaLimits } from '../../../../src/media/limits.js';
import { decodeVolumeDescriptor } from '../../../../src/media/iso9660/volume.js';
import { cleanName, decodeDirectory, decodeDirectoryRecord } from '../../../../src/media/iso9660/record.js';
import { digitDate, recordDate } from '../../../../src/media/iso9660/fields.js';
import { SECTOR, assertMediaError, both32, directory, record, simpleDescriptor, ucs2, volumeDescriptor } from './fixtures.js';

describe('volume descriptors', () => {
  test('PVD fields', () => {
    const vd = decodeVolumeDescriptor(volumeDescriptor(1, { volumeId: 'MYVOL', spaceBlocks: 1234 }));
    assert.equal(vd.kind, 'primary');
    if (vd.kind !== 'primary') return;
    assert.equal(vd.volumeId, 'MYVOL');
    assert.equal(vd.systemId, '');
    assert.equal(vd.volumeSpaceBlocks, 1234);
    assert.equal(vd.blockSize, 2048);
    assert.equal(vd.rootRecord.length, 34);
    // 2024-01-02 03:04:05 at GMT+1 (4 x 15 min).
    assert.equal(vd.created?.toISOString(), '2024-01-02T02:04:05.000Z');
  });

  const joliet: [string, boolean][] = [['%/@', true], ['%/C', true], ['%/E', true], ['', false], ['%/F', false]];
  for (const [escapes, isJoliet] of joliet) {
    test(`SVD escape ${JSON.stringify(escapes)} → joliet ${isJoliet}`, () => {
      const vd = decodeVolumeDescriptor(volumeDescriptor(2, { volumeId: 'Vol', escapes }));
      assert.equal(vd.kind, 'supplementary');
      if (vd.kind !== 'supplementary') return;
      assert.equal(vd.joliet, isJoliet);
      if (isJoliet) assert.equal(vd.volumeId, 'Vol');
    });
  }

  test('El Torito boot record carries the catalog LBA at +71', () => {
    const b = simpleDescriptor(0);
    b.write('EL TORITO SPECIFICATION', 7, 'latin1');
    b.writeUInt32LE(33, 71);
    assert.deepEqual(decodeVolumeDescriptor(b), { kind: 'boot', elTorito: true, catalogLba: 33 });
    assert.deepEqual(decodeVolumeDescriptor(simpleDescriptor(0)), { kind: 'boot', elTorito: false, catalogLba: null });
  });

  test('terminator, partition and unknown types', () => {
    assert.equal(decodeVolumeDescriptor(simpleDescriptor(255)).kind, 'terminator');
    assert.equal(decodeVolumeDescriptor(simpleDescriptor(3)).kind, 'partition');
    assert.deepEqual(decodeVolumeDescriptor(simpleDescriptor(9)), { kind: 'unknown', type: 9 });
  });

  const corrupt: [string, Buffer][] = [
    ['no CD001', simpleDescriptor(1, 'BEA01')],
    ['short buffer', volumeDescriptor(1).subarray(0, 100)],
    ['block size 0', volumeDescriptor(1, { blockSize: 0 })],
    ['block size 3000', volumeDescriptor(1, { blockSize: 3000 })],
    ['block size 4096', volumeDescriptor(1, { blockSize: 4096 })],
  ];
  for (const [name, buf] of corrupt) {
    test(`corrupt descriptor: ${name}`, () => assertMediaError(() => decodeVolumeDescriptor(buf), MediaCorruptError));
  }
});

describe('dates', () => {
  test('record date with negative GMT offset', () => {
    const d = recordDate(Buffer.from([100, 12, 31, 23, 59, 58, 0xfc]), 0); // GMT-1
    assert.equal(d?.toISOString(), '2001-01-01T00:59:58.000Z');
  });
  test('unrecorded and invalid dates are null', () => {
    assert.equal(recordDate(Buffer.alloc(7), 0), null);
    assert.equal(recordDate(Buffer.from([100, 13, 1, 0, 0, 0, 0]), 0), null);
    assert.equal(digitDate(Buffer.from('0000000000000000\0', 'latin1'), 0), null);
    assert.equal(digitDate(Buffer.from('2024xx0203040500\0', 'latin1'), 0), null);
  });
  test('digit date keeps hundredths', () => {
    assert.equal(digitDate(Buffer.from('2024010203040512\0', 'latin1'), 0)?.toISOString(), '2024-01-02T03:04:05.120Z');
  });
});

describe('directory records', () => {
  const names: [string, string][] = [
    ['FOO.TXT;1', 'FOO.TXT'],
    ['README.;1', 'README'],
    ['README.', 'README'],
    ['NOVER', 'NOVER'],
    ['A.B.C;12', 'A.B.C'],
  ];
  for (const [raw, clean] of names) test(`name ${raw} → ${clean}`, () => assert.equal(cleanName(raw), clean));

  test('fields, flags and System Use', () => {
    const su = Buffer.from('RRxxSUSP');
    const r = decodeDirectoryRecord(record({ lba: 0xfffffffe, size: 0xffffffff, flags: 0x82, name: 'DIR', su }), 0);
    assert.equal(r.extentLba, 0xfffffffe);
    assert.equal(r.dataLength, 0xffffffff);
    assert.equal(r.isDirectory, true);
    assert.equal(r.isMultiExtent, true);
    assert.equal(r.name, 'DIR');
    assert.equal(r.recorded?.toISOString(), '2024-01-02T03:04:05.000Z');
    assert.equal(r.systemUse.subarray(0, 8).toString(), 'RRxxSUSP');
  });

  test('even-length names get a padding byte before System Use', () => {
    const r = decodeDirectoryRecord(record({ name: 'AB', su: Buffer.from('XY') }), 0);
    assert.equal(r.systemUse.toString('latin1', 0, 2), 'XY');
  });

  test('"." and ".." records', () => {
    assert.equal(decodeDirectoryRecord(record({ name: Buffer.from([0]) }), 0).isSelf, true);
    const parent = decodeDirectoryRecord(record({ name: Buffer.from([1]) }), 0);
    assert.equal(parent.isParent, true);
    assert.equal(parent.name, '..');
  });

  test('Joliet UCS-2BE name, with surrogate pair and version', () => {
    const r = decodeDirectoryRecord(record({ name: ucs2('Grüße 🚀.txt;1') }), 0, true);
    assert.equal(r.name, 'Grüße 🚀.txt');
  });

  const corrupt: [string, () => unknown][] = [
    ['length below 34', () => decodeDirectoryRecord(Buffer.from([20, ...Buffer.alloc(40)]), 0)],
    ['record past buffer', () => decodeDirectoryRecord(record({ name: 'A' }).subarray(0, 30), 0)],
    ['offset past buffer', () => decodeDirectoryRecord(record({ name: 'A' }), 400)],
    [
      'name past record end',
      () => {
        const b = record({ name: 'ABC' });
        b[32] = 200;
        return decodeDirectoryRecord(b, 0);
      },
    ],
    [
      'zero name length',
      () => {
        const b = record({ name: 'ABC' });
        b[32] = 0;
        return decodeDirectoryRecord(b, 0);
      },
    ],
  ];
  for (const [name, fn] of corrupt) test(`corrupt record: ${name}`, () => assertMediaError(fn, MediaCorruptError));
});

describe('directory walking', () => {
  test('zero length byte skips to the next sector', () => {
    const recs = [record({ name: Buffer.from([0]), flags: 2 }), record({ name: Buffer.from([1]), flags: 2 })];
    for (let i = 0; i < 60; i++) recs.push(record({ name: `FILE${i.toString().padStart(4, '0')}.TXT;1`, lba: 100 + i, size: i }));
    const data = directory(recs);
    assert.ok(data.length > SECTOR, 'fixture spans sectors');
    const out = decodeDirectory(data);
    assert.equal(out.length, 62);
    assert.equal(out[61]!.name, 'FILE0059.TXT');
    assert.equal(out[61]!.extentLba, 159);
  });

  test('a record straddling the buffer end is corrupt', () => {
    const data = Buffer.concat([record({ name: 'A' }), record({ name: 'B' }).subarray(0, 10)]);
    assertMediaError(() => decodeDirectory(data), MediaCorruptError);
  });

  test('entry count is bounded', () => {
    const one = record({ name: 'A' }); // 34 bytes: 60 per sector
    const sectors = Math.ceil((MediaLimits.maxDirectoryEntries + 3) / 60);
    const sector = Buffer.alloc(SECTOR);
    for (let i = 0; i < 60; i++) one.copy(sector, i * 34);
    const data = Buffer.concat(Array.from({ length: sectors }, () => sector));
    assertMediaError(() => decodeDirectory(data), MediaLimitError);
  });

  test('directory size is bounded', () => {
    assertMediaError(() => decodeDirectory(Buffer.alloc(MediaLimits.maxDirectoryBytes + SECTOR)), MediaLimitError);
  });

  test('both-endian reads use the LE half', () => {
    const b = record({ name: 'X', lba: 7 });
    both32(99).subarray(4).copy(b, 6); // clobber the BE half only
    assert.equal(decodeDirectoryRecord(b, 0).extentLba, 7);
  });
});
