import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaIoError, MediaLimitError, MediaUnsupportedError } from '../../../../src/media/errors.js';
import { MediaLimits } from '../../../../src/media/limits.js';
import { BufferSource } from '../../../../src/media/source.js';
import { readWimInfo, readWimSourceInfo } from '../../../../src/media/wim/index.js';
import { encodeHeader, image, utf16, wimWithXml } from './fixtures.js';

const TWO = utf16(`<WIM>${image(1, '<NAME>a</NAME>')}${image(2, '<NAME>b</NAME>')}</WIM>`);

function reader(buf: Buffer) {
  const reads: [number, number][] = [];
  const read = async (offset: number, length: number): Promise<Buffer> => {
    reads.push([offset, length]);
    if (offset + length > buf.length) throw new MediaIoError(`read past end at ${offset}`);
    return buf.subarray(offset, offset + length);
  };
  return { read, reads };
}

describe('readWimInfo', () => {
  test('reads the header, then exactly the XML resource', async () => {
    const blob = Buffer.alloc(5000, 0xaa);
    const head = encodeHeader({ imageCount: 2, bootIndex: 2, xml: { size: TWO.length, offset: 208 + blob.length } });
    const wim = Buffer.concat([head, blob, TWO]);
    const { read, reads } = reader(wim);
    const { header, xml } = await readWimInfo(read, wim.length);
    assert.equal(header.bootIndex, 2);
    assert.deepEqual(xml.editions.map((e) => e.name), ['a', 'b']);
    assert.deepEqual(reads, [[0, 208], [208 + blob.length, TWO.length]]);
  });

  test('works through a RandomAccessSource', async () => {
    const src = new BufferSource(wimWithXml(TWO, { imageCount: 2 }));
    const { xml } = await readWimSourceInfo(src);
    assert.equal(xml.editions.length, 2);
    assert.equal(src.bytesRead, 208 + TWO.length);
  });

  const failures: [string, Buffer, number | undefined, new (...args: never[]) => Error, RegExp][] = [
    ['file smaller than a header', Buffer.alloc(100), undefined, MediaCorruptError, /smaller than the 208-byte header/],
    ['compressed XML', wimWithXml(TWO, { imageCount: 2, xmlFlags: 0x06 }), undefined, MediaUnsupportedError, /compressed XML resource/],
    ['XML past the end of the file', wimWithXml(TWO, { imageCount: 2 }), 208 + TWO.length - 1, MediaCorruptError, /outside the file/],
    ['no XML resource', encodeHeader(), undefined, MediaCorruptError, /no XML resource/],
    ['XML inside the header', Buffer.concat([encodeHeader({ xml: { size: 10, offset: 100 } }), Buffer.alloc(10)]), undefined, MediaCorruptError, /outside the file/],
    ['image count mismatch', wimWithXml(TWO, { imageCount: 3 }), undefined, MediaCorruptError, /header says 3 images but the XML describes 2/],
    [
      'encrypted ESD',
      wimWithXml(utf16(`<WIM>${image(1)}<ESD><ENCRYPTED/></ESD></WIM>`), { version: 0xe00 }),
      undefined,
      MediaUnsupportedError,
      /encrypted ESD/,
    ],
    ['pipable WIM', encodeHeader({ magic: 'WLPWM\0\0\0' }), undefined, MediaUnsupportedError, /pipable/],
  ];
  for (const [name, buf, size, error, message] of failures) {
    test(`fails: ${name}`, async () => {
      const { read } = reader(buf);
      await assert.rejects(readWimInfo(read, size ?? buf.length), (err: unknown) => err instanceof error && message.test((err as Error).message));
    });
  }

  test('an oversized XML resource is refused before it is read', async () => {
    const size = MediaLimits.maxWimXmlBytes + 2;
    const head = encodeHeader({ xml: { size, offset: 208 } });
    const reads: number[] = [];
    const read = async (offset: number, length: number) => {
      reads.push(length);
      if (offset === 0) return head;
      throw new Error('must not read the XML');
    };
    await assert.rejects(readWimInfo(read, 208 + size), MediaLimitError);
    assert.deepEqual(reads, [208]);
  });
});
