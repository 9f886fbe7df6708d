import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeTftp,
  encodeAck,
  encodeData,
  encodeError,
  encodeOack,
  encodeTftp,
  type TftpPacket,
} from '../../../../src/boot/tftp/codec.js';
import { TftpDecodeError, TftpEncodeError } from '../../../../src/boot/tftp/errors.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const bin = (s: string) => Buffer.from(s, 'latin1');

describe('decodeTftp: valid packets', () => {
  const cases: { name: string; wire: Buffer; want: TftpPacket }[] = [
    { name: 'RRQ without options', wire: bin('\x00\x01undionly.kpxe\x00octet\x00'), want: { op: 'rrq', filename: 'undionly.kpxe', mode: 'octet', options: [] } },
    {
      name: 'RRQ with options in order',
      wire: bin('\x00\x01a/b\x00OCTET\x00tsize\x000\x00blksize\x001468\x00'),
      want: { op: 'rrq', filename: 'a/b', mode: 'OCTET', options: [['tsize', '0'], ['blksize', '1468']] },
    },
    {
      name: 'RRQ padded with NULs (some PXE ROMs)',
      wire: bin('\x00\x01f\x00octet\x00\x00\x00\x00'),
      want: { op: 'rrq', filename: 'f', mode: 'octet', options: [] },
    },
    {
      name: 'RRQ with an unpaired trailing option name',
      wire: bin('\x00\x01f\x00octet\x00blksize\x00'),
      want: { op: 'rrq', filename: 'f', mode: 'octet', options: [] },
    },
    {
      name: 'RRQ with an unterminated trailing fragment',
      wire: bin('\x00\x01f\x00octet\x00tsize\x000\x00blk'),
      want: { op: 'rrq', filename: 'f', mode: 'octet', options: [['tsize', '0']] },
    },
    { name: 'RRQ with UTF-8 name', wire: Buffer.from('\x00\x01café\x00octet\x00', 'utf8'), want: { op: 'rrq', filename: 'café', mode: 'octet', options: [] } },
    { name: 'RRQ with empty filename', wire: bin('\x00\x01\x00octet\x00'), want: { op: 'rrq', filename: '', mode: 'octet', options: [] } },
    { name: 'WRQ', wire: bin('\x00\x02x\x00netascii\x00'), want: { op: 'wrq', filename: 'x', mode: 'netascii', options: [] } },
    { name: 'DATA', wire: hex('0003 ffff 616263'), want: { op: 'data', block: 65535, data: Buffer.from('abc') } },
    { name: 'empty DATA', wire: hex('0003 0001'), want: { op: 'data', block: 1, data: Buffer.alloc(0) } },
    { name: 'ACK', wire: hex('0004 0000'), want: { op: 'ack', block: 0 } },
    { name: 'ACK with trailing bytes', wire: hex('0004 1234 00 00'), want: { op: 'ack', block: 0x1234 } },
    { name: 'ERROR', wire: bin('\x00\x05\x00\x01nope\x00'), want: { op: 'error', code: 1, message: 'nope' } },
    { name: 'ERROR without NUL', wire: bin('\x00\x05\x00\x08no'), want: { op: 'error', code: 8, message: 'no' } },
    { name: 'ERROR without message', wire: hex('0005 0000'), want: { op: 'error', code: 0, message: '' } },
    { name: 'OACK', wire: bin('\x00\x06blksize\x001468\x00'), want: { op: 'oack', options: [['blksize', '1468']] } },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(decodeTftp(c.wire), c.want));
  }
});

describe('decodeTftp: malformed packets throw TftpDecodeError', () => {
  const cases: { name: string; wire: Buffer; message: RegExp }[] = [
    { name: 'empty', wire: Buffer.alloc(0), message: /too short/ },
    { name: 'one byte', wire: hex('00'), message: /too short/ },
    { name: 'opcode 0', wire: hex('0000'), message: /unknown opcode 0/ },
    { name: 'opcode 7', wire: hex('0007 0000'), message: /unknown opcode 7/ },
    { name: 'opcode 0x0100 (little-endian RRQ)', wire: bin('\x01\x00f\x00octet\x00'), message: /unknown opcode 256/ },
    { name: 'RRQ without any NUL', wire: bin('\x00\x01file'), message: /filename and mode/ },
    { name: 'RRQ without mode', wire: bin('\x00\x01file\x00'), message: /filename and mode/ },
    { name: 'RRQ with unterminated mode', wire: bin('\x00\x01file\x00octet'), message: /filename and mode/ },
    { name: 'RRQ with invalid UTF-8', wire: hex('0001 ff00 6f00'), message: /UTF-8/ },
    { name: 'DATA without block', wire: hex('0003 00'), message: /no block number/ },
    { name: 'ACK without block', wire: hex('0004'), message: /no block number/ },
    { name: 'ACK with one block byte', wire: hex('0004 01'), message: /no block number/ },
    { name: 'ERROR without code', wire: hex('0005 00'), message: /no error code/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(() => decodeTftp(c.wire), (err: unknown) => err instanceof TftpDecodeError && err.code === 'TFTP_DECODE' && c.message.test(err.message));
    });
  }
});

describe('encoders', () => {
  const cases: { name: string; got: () => Buffer; want: Buffer }[] = [
    { name: 'DATA', got: () => encodeData(258, Buffer.from('xy')), want: hex('0003 0102 7879') },
    { name: 'ACK', got: () => encodeAck(65535), want: hex('0004 ffff') },
    { name: 'ERROR', got: () => encodeError(2, 'access violation'), want: bin('\x00\x05\x00\x02access violation\x00') },
    { name: 'ERROR with NUL in the message', got: () => encodeError(0, 'a\0b'), want: bin('\x00\x05\x00\x00a b\x00') },
    { name: 'OACK', got: () => encodeOack([['tsize', '12'], ['windowsize', '16']]), want: bin('\x00\x06tsize\x0012\x00windowsize\x0016\x00') },
    {
      name: 'RRQ',
      got: () => encodeTftp({ op: 'rrq', filename: 'f', mode: 'octet', options: [['blksize', '8']] }),
      want: bin('\x00\x01f\x00octet\x00blksize\x008\x00'),
    },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(c.got(), c.want));

  const bad: { name: string; run: () => unknown }[] = [
    { name: 'block above u16', run: () => encodeAck(65536) },
    { name: 'negative block', run: () => encodeData(-1, Buffer.alloc(0)) },
    { name: 'error code above u16', run: () => encodeError(70000, 'x') },
    { name: 'NUL in a filename', run: () => encodeTftp({ op: 'rrq', filename: 'a\0b', mode: 'octet', options: [] }) },
    { name: 'NUL in an option value', run: () => encodeOack([['tsize', '1\0']]) },
  ];
  for (const c of bad) test(`refuses ${c.name}`, () => assert.throws(c.run, TftpEncodeError));
});

const runs = Number(process.env.VIZOR_FUZZ_RUNS ?? 100_000);

/** Decoding either throws TftpDecodeError or yields a packet whose encoding decodes to itself. */
function decodesOrRefuses(bytes: Uint8Array): boolean {
  let p: TftpPacket;
  try {
    p = decodeTftp(Buffer.from(bytes));
  } catch (err) {
    if (err instanceof TftpDecodeError) return true;
    throw err;
  }
  assert.deepEqual(decodeTftp(encodeTftp(p)), p);
  return true;
}

describe('fuzz: decodeTftp on hostile input', () => {
  test('arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), decodesOrRefuses), { numRuns: runs });
  });

  test('valid packets with bytes overwritten, truncated or extended', () => {
    const seeds = [
      encodeTftp({ op: 'rrq', filename: 'pxelinux.0', mode: 'octet', options: [['tsize', '0'], ['blksize', '1468'], ['windowsize', '16']] }),
      encodeAck(7),
      encodeData(1, Buffer.from('hello')),
      encodeError(1, 'file not found'),
      encodeOack([['blksize', '512']]),
    ];
    const mutated = fc
      .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(80), fc.nat(255)), { maxLength: 6 }), fc.nat(90), fc.uint8Array({ maxLength: 8 }))
      .map(([seed, edits, cut, tail]) => {
        const buf = Buffer.from(seed);
        for (const [at, v] of edits) if (at < buf.length) buf[at] = v;
        return Buffer.concat([buf.subarray(0, cut), tail]);
      });
    fc.assert(fc.property(mutated, decodesOrRefuses), { numRuns: runs });
  });
});
