import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MediaCorruptError,
  MediaIoError,
  MediaLimitError,
  MediaNoFileSystemError,
  MediaNotFoundError,
  MediaUnsupportedError,
} from '../../../../src/media/errors.js';
import { decodeWimHeader, parseWimXml, readWimInfo } from '../../../../src/media/wim/index.js';
import { encodeHeader, image, utf16 } from './fixtures.js';

const MEDIA_ERRORS = [MediaCorruptError, MediaUnsupportedError, MediaLimitError, MediaNotFoundError, MediaIoError, MediaNoFileSystemError];

/** Runs fn; passes if it returns or throws a MediaError subclass, fails on anything else. */
function returnsOrMediaError(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (MEDIA_ERRORS.some((cls) => err instanceof cls)) return true;
    throw err;
  }
}

const runs = Number(process.env.VIZOR_FUZZ_RUNS ?? 500);

// Fragments of WIM XML, so the generator reaches the parser's deeper paths, not just "not XML".
const fragment = fc.constantFrom(
  '<WIM>', '</WIM>', image(1), image(2), '<IMAGE INDEX="1">', '</IMAGE>', '<NAME>x</NAME>', '<WINDOWS>', '</WINDOWS>',
  '<ARCH>12</ARCH>', '<ARCH>x</ARCH>', '<LANGUAGES><LANGUAGE>en-US</LANGUAGE></LANGUAGES>', '<VERSION><BUILD>1</BUILD></VERSION>',
  '<CREATIONTIME><HIGHPART>0xFFFFFFFF</HIGHPART><LOWPART>0xFFFFFFFF</LOWPART></CREATIONTIME>', '<TOTALBYTES>99999999999999999</TOTALBYTES>',
  '&amp;', '&#0;', '&#x110000;', '&bogus;', '<!DOCTYPE x>', '<![CDATA[x]]>', '<!-- c -->', '<?xml version="1.0"?>',
  '<ESD><ENCRYPTED/></ESD>', '<__proto__>', '</__proto__>', '<constructor/>', '\0', '\uD800', ' INDEX="', '"', '<', '>',
);

describe('fuzz: arbitrary input returns or throws a MediaError', () => {
  test('decodeWimHeader on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => returnsOrMediaError(() => decodeWimHeader(Buffer.from(bytes)))), { numRuns: runs });
  });

  test('decodeWimHeader on a valid header with random bytes overwritten', () => {
    const base = encodeHeader({ imageCount: 2, xml: { size: 100, offset: 300 } });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(207), fc.nat(255)), { maxLength: 12 }), (edits) => {
        const buf = Buffer.from(base);
        for (const [at, value] of edits) buf[at] = value;
        return returnsOrMediaError(() => decodeWimHeader(buf));
      }),
      { numRuns: runs },
    );
  });

  test('parseWimXml on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => returnsOrMediaError(() => parseWimXml(Buffer.from(bytes)))), { numRuns: runs });
  });

  test('parseWimXml on arbitrary strings, UTF-16 and UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.boolean(), (s, wide) =>
        returnsOrMediaError(() => parseWimXml(wide ? utf16(s) : Buffer.from(s, 'utf8'))),
      ),
      { numRuns: runs },
    );
  });

  test('parseWimXml on sequences of WIM XML fragments', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => returnsOrMediaError(() => parseWimXml(utf16(parts.join(''))))),
      { numRuns: runs },
    );
  });

  test('readWimInfo on arbitrary files', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.nat(600), async (bytes, xmlAt) => {
        const buf = Buffer.from(bytes);
        if (buf.length >= 208) encodeHeader({ xml: { size: Math.max(0, buf.length - xmlAt), offset: xmlAt } }).copy(buf, 0, 0, 0x60);
        const read = async (offset: number, length: number) => {
          if (offset + length > buf.length) throw new MediaIoError('past end');
          return buf.subarray(offset, offset + length);
        };
        try {
          await readWimInfo(read, buf.length);
        } catch (err) {
          assert.ok(MEDIA_ERRORS.some((cls) => err instanceof cls), `unexpected ${String(err)}`);
        }
      }),
      { numRuns: runs },
    );
  });
});
