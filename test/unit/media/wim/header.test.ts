import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaUnsupportedError } from '../../../../src/media/errors.js';
import { decodeWimHeader, type WimHeader } from '../../../../src/media/wim/index.js';
import { encodeHeader, type HeaderSpec } from './fixtures.js';

const GiB = 2 ** 30;

describe('decodeWimHeader', () => {
  const ok: { name: string; spec: HeaderSpec; expect: Partial<WimHeader> }[] = [
    {
      name: 'normal LZX WIM',
      spec: { imageCount: 3, xml: { size: 4000, offset: 123456 } },
      expect: {
        version: 0x10d00,
        solid: false,
        compression: 'lzx',
        rpFix: true,
        readOnly: false,
        chunkSize: 32768,
        imageCount: 3,
        partNumber: 1,
        totalParts: 1,
        guid: '00112233445566778899aabbccddeeff',
      },
    },
    {
      name: 'solid ESD (0xe00, LZMS)',
      spec: { version: 0xe00, flags: 0x80082, chunkSize: 131072 },
      expect: { version: 0xe00, solid: true, compression: 'lzms', chunkSize: 131072 },
    },
    {
      name: 'old version 0x10b00, XPRESS',
      spec: { version: 0x10b00, flags: 0x20002 },
      expect: { version: 0x10b00, solid: false, compression: 'xpress', rpFix: false },
    },
    {
      name: 'uncompressed',
      spec: { flags: 0x80, chunkSize: 0 },
      expect: { compression: 'none', chunkSize: 0 },
    },
    {
      name: 'compression flag without a known kind',
      spec: { flags: 0x2 },
      expect: { compression: 'unknown' },
    },
    {
      name: 'split part 2 of 3, spanned',
      spec: { partNumber: 2, totalParts: 3, flags: 0x4008a, imageCount: 2 },
      expect: { partNumber: 2, totalParts: 3, spanned: true, imageCount: 2 },
    },
    {
      name: 'read-only and write-in-progress flags',
      spec: { flags: 0x44 },
      expect: { readOnly: true, writeInProgress: true, compression: 'none' },
    },
    {
      name: 'boot index 2 of 2',
      spec: { imageCount: 2, bootIndex: 2 },
      expect: { bootIndex: 2 },
    },
  ];
  for (const c of ok) {
    test(c.name, () => {
      const h = decodeWimHeader(encodeHeader(c.spec));
      for (const [key, value] of Object.entries(c.expect)) {
        assert.deepEqual(h[key as keyof WimHeader], value, key);
      }
      assert.equal(h.headerSize, 208);
    });
  }

  test('resource headers: 56-bit size, flags byte, offsets beyond 4 GiB are exact', () => {
    const h = decodeWimHeader(
      encodeHeader({
        blobTable: { size: 5 * GiB + 7, flags: 0x04, offset: 6 * GiB + 3, originalSize: 9 * GiB + 1 },
        xml: { size: 3972, flags: 0x02, offset: 4_700_743_537 },
        bootMetadata: { size: 100, flags: 0x1f, offset: 208 },
        integrity: { size: 0, flags: 0, offset: 0 },
      }),
    );
    assert.deepEqual(h.blobTable, {
      size: 5 * GiB + 7,
      flags: 0x04,
      offset: 6 * GiB + 3,
      originalSize: 9 * GiB + 1,
      free: false,
      metadata: false,
      compressed: true,
      spanned: false,
      solid: false,
    });
    assert.equal(h.xml.offset, 4_700_743_537);
    assert.equal(h.xml.size, 3972);
    assert.equal(h.xml.metadata, true);
    assert.equal(h.xml.compressed, false);
    const b = h.bootMetadata;
    assert.deepEqual([b.free, b.metadata, b.compressed, b.spanned, b.solid], [true, true, true, true, true]);
    assert.equal(h.integrity.size, 0);
  });

  test('reads only the first 208 bytes of a longer buffer', () => {
    const buf = Buffer.concat([encodeHeader({ imageCount: 4 }), Buffer.alloc(100, 0xff)]);
    assert.equal(decodeWimHeader(buf).imageCount, 4);
  });

  const bad: { name: string; buf: Buffer; error: typeof MediaCorruptError | typeof MediaUnsupportedError; message: RegExp }[] = [
    { name: 'bad magic', buf: encodeHeader({ magic: 'MSWIN\0\0\0' }), error: MediaCorruptError, message: /bad magic/ },
    { name: 'pipable WIM', buf: encodeHeader({ magic: 'WLPWM\0\0\0' }), error: MediaUnsupportedError, message: /pipable/ },
    { name: 'truncated', buf: encodeHeader().subarray(0, 207), error: MediaCorruptError, message: /truncated: 207 of 208/ },
    { name: 'empty', buf: Buffer.alloc(0), error: MediaCorruptError, message: /truncated/ },
    { name: 'header size 200', buf: encodeHeader({ headerSize: 200 }), error: MediaCorruptError, message: /header size is 200/ },
    { name: 'unknown version', buf: encodeHeader({ version: 0x10c00 }), error: MediaUnsupportedError, message: /version 0x10c00/ },
    { name: 'part 0', buf: encodeHeader({ partNumber: 0 }), error: MediaCorruptError, message: /part number 0 of 1/ },
    { name: 'part 3 of 2', buf: encodeHeader({ partNumber: 3, totalParts: 2 }), error: MediaCorruptError, message: /part number/ },
    { name: 'boot index beyond images', buf: encodeHeader({ imageCount: 1, bootIndex: 2 }), error: MediaCorruptError, message: /boot index 2/ },
    {
      name: 'resource offset beyond 2^53',
      buf: encodeHeader({ xml: { size: 10, offset: 2n ** 60n } }),
      error: MediaCorruptError,
      message: /XML offset/,
    },
  ];
  for (const c of bad) {
    test(`rejects: ${c.name}`, () => {
      assert.throws(
        () => decodeWimHeader(c.buf),
        (err: unknown) => err instanceof c.error && (err as Error & { format: string }).format === 'wim' && c.message.test((err as Error).message),
      );
    });
  }
});
