// Property test of the FAT12 writer: random file sets (names with spaces, periods, case
// mixes, symbols and non-ASCII; empty to multi-cluster contents) either round-trip through
// mtools byte-exact with fsck.fat clean, or are refused with the payload error the sizes predict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFloppyImage, FLOPPY_CLUSTERS, PayloadTooLargeError } from '../../src/payloads/index.js';
import { imageOnDisk, requireFatTools } from '../unit/payloads/mtools.js';

requireFatTools();

const CHARS = [...'abcXYZ019 .-_~!#$%&()@^{}\'`+,;=[]', 'é', 'ß', 'Ж', '☃', '日'];
const nameArb = fc
  .array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 40 })
  .map((cs) => cs.join(''))
  // Windows drops trailing spaces and periods, so such names are never asked for
  .filter((n) => !/[ .]$/.test(n) && n !== '.' && n !== '..');
const contentArb = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 400_000 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);
const filesArb = fc.uniqueArray(fc.record({ name: nameArb, content: contentArb }), {
  minLength: 0,
  maxLength: 24,
  selector: (f) => f.name.toUpperCase(),
});

test('random file sets round-trip through mtools, or are refused for their size', { timeout: 10 * 60_000 }, () => {
  let built = 0;
  fc.assert(
    fc.property(filesArb, fc.option(fc.constantFrom('VIZOR', 'SEAT 01', 'A'), { nil: undefined }), (files, label) => {
      const clusters = files.reduce((n, f) => n + Math.ceil(f.content.length / 512), 0);
      const entries = (label ? 1 : 0) + files.reduce((n, f) => n + 1 + Math.ceil(Buffer.from(f.name, 'utf16le').length / 26), 0);
      let img: Buffer;
      try {
        img = buildFloppyImage(files, { label });
      } catch (err) {
        assert.ok(err instanceof PayloadTooLargeError, `only size can refuse valid names: ${String(err)}`);
        assert.ok(clusters > FLOPPY_CLUSTERS || entries > 224, `refused although ${clusters} clusters and at most ${entries} entries fit`);
        return;
      }
      assert.ok(clusters <= FLOPPY_CLUSTERS);
      built++;
      const disk = imageOnDisk(img);
      try {
        const fsck = disk.fsck();
        assert.equal(fsck.code, 0, fsck.output);
        const read = disk.readAll();
        assert.deepEqual([...read.keys()].sort(), files.map((f) => f.name).sort());
        for (const f of files) assert.ok(read.get(f.name)!.equals(Buffer.from(f.content)), `bytes of ${f.name}`);
      } finally {
        disk.remove();
      }
    }),
    { numRuns: 150 },
  );
  assert.ok(built > 100, `most cases built an image (${built})`);
});
