import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError } from '../../../../src/media/errors.js';
import { crcItuT, decodeCs0, decodeDstring, decodeTag, verifyTag } from '../../../../src/media/udf/index.js';
import { finishTag } from './builder.js';

describe('descriptor tag', () => {
  test('CRC-ITU-T matches the standard check value (init 0, poly 0x1021)', () => {
    assert.equal(crcItuT(Buffer.from('123456789')), 0x31c3);
    assert.equal(crcItuT(Buffer.alloc(0)), 0);
  });

  const good = (): Buffer => finishTag(Buffer.alloc(64).fill(0xab, 16), 261, 1234);
  const cases: { name: string; mutate: (d: Buffer) => void; expect: RegExp | null; location?: number; idents?: number[] }[] = [
    { name: 'a good tag', mutate: () => {}, expect: null, location: 1234, idents: [261] },
    { name: 'checksum off by one', mutate: (d) => void (d[4] = (d[4]! + 1) & 0xff), expect: /checksum/ },
    { name: 'a body byte flipped', mutate: (d) => void (d[40] = 0), expect: /CRC/ },
    { name: 'CRC length past the buffer', mutate: (d) => (d.writeUInt16LE(49, 10), void (d[4] = 0), fixChecksum(d)), expect: /runs past/ },
    { name: 'the wrong identifier', mutate: () => {}, expect: /identifier 261/, idents: [266] },
    { name: 'the wrong location', mutate: () => {}, expect: /location 1234, expected 99/, location: 99 },
  ];
  for (const c of cases) {
    test(`verifyTag: ${c.name}`, () => {
      const d = good();
      c.mutate(d);
      const run = () => verifyTag(d, 0, { what: 'test', location: c.location, idents: c.idents });
      if (c.expect === null) assert.equal(run().ident, 261);
      else assert.throws(run, (err) => err instanceof MediaCorruptError && c.expect!.test(err.message));
    });
  }

  test('decodeTag reads every field and refuses a short buffer', () => {
    const t = decodeTag(good());
    assert.deepEqual({ ident: t.ident, version: t.version, crcLength: t.crcLength, location: t.location }, { ident: 261, version: 3, crcLength: 48, location: 1234 });
    assert.throws(() => decodeTag(Buffer.alloc(15)), MediaCorruptError);
  });
});

function fixChecksum(d: Buffer): void {
  let sum = 0;
  for (let i = 0; i < 16; i++) if (i !== 4) sum += d[i]!;
  d[4] = sum & 0xff;
}

describe('OSTA CS0', () => {
  const cases: { name: string; bytes: number[]; text: string | null }[] = [
    { name: '8-bit ASCII', bytes: [8, 0x41, 0x62, 0x63], text: 'Abc' },
    { name: '8-bit Latin-1', bytes: [8, 0xc9, 0x74, 0xe9], text: 'Été' },
    { name: '16-bit BMP', bytes: [16, 0x4e, 0x2d, 0x65, 0x87, 0x27, 0x13], text: '中文✓' },
    { name: '16-bit surrogate pair', bytes: [16, 0xd8, 0x3d, 0xde, 0x00], text: '😀' },
    { name: 'empty field', bytes: [], text: '' },
    { name: 'only a compression id', bytes: [16], text: '' },
    { name: 'odd 16-bit length', bytes: [16, 0x00, 0x41, 0x00], text: null },
    { name: 'compression id 0', bytes: [0, 0x41], text: null },
    { name: 'compression id 254 (deleted-only)', bytes: [254, 0x41], text: null },
  ];
  for (const c of cases) {
    test(`decodeCs0: ${c.name}`, () => {
      const run = () => decodeCs0(Buffer.from(c.bytes));
      if (c.text === null) assert.throws(run, MediaCorruptError);
      else assert.equal(run(), c.text);
    });
  }

  test('decodeDstring uses the last byte as the used length and drops NUL padding', () => {
    const field = Buffer.alloc(32);
    field.set([8, 0x57, 0x49, 0x4e, 0]);
    field[31] = 5;
    assert.equal(decodeDstring(field, 0, 32), 'WIN');
    assert.equal(decodeDstring(Buffer.alloc(32), 0, 32), '');
    field[31] = 32;
    assert.throws(() => decodeDstring(field, 0, 32), MediaCorruptError);
    assert.throws(() => decodeDstring(field, 8, 32), MediaCorruptError);
  });
});
