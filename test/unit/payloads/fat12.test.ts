// The FAT12 floppy writer, checked against the reference readers: every image is read back
// with mtools (names, long names, bytes) and checked clean by fsck.fat.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buildFloppyImage, FLOPPY_CLUSTERS, PayloadNameError, PayloadTooLargeError, type FloppyFile } from '../../../src/payloads/index.js';
import { imageOnDisk, requireFatTools } from './mtools.js';

requireFatTools();
const DATE = new Date(2024, 0, 15, 10, 30, 0);
const file = (name: string, content: string | Buffer): FloppyFile => ({ name, content: typeof content === 'string' ? Buffer.from(content) : content });

/** Builds, reads every file back through mtools, and checks fsck.fat is happy. */
function roundTrip(files: FloppyFile[], label?: string): { listing: string; names: string[] } {
  const disk = imageOnDisk(buildFloppyImage(files, { label, date: DATE }));
  try {
    const fsck = disk.fsck();
    assert.equal(fsck.code, 0, `fsck.fat -n: ${fsck.output}`);
    assert.doesNotMatch(fsck.output, /differ|invalid|bad|error|orphan|lost/i, fsck.output);
    const names = disk.names();
    assert.deepEqual([...names].sort(), files.map((f) => f.name).sort());
    for (const f of files) assert.ok(disk.read(f.name).equals(Buffer.from(f.content)), `content of ${f.name}`);
    return { listing: disk.listing(), names };
  } finally {
    disk.remove();
  }
}

describe('buildFloppyImage: images mtools reads back byte-exact and fsck.fat finds clean', () => {
  const big = randomBytes(100_000);
  const cases: { what: string; files: FloppyFile[]; label?: string; shorts?: string[] }[] = [
    { what: 'no files, no label', files: [] },
    { what: 'an upper-case 8.3 name needs no long name', files: [file('NONCE.TXT', 'n0nce')], shorts: ['NONCE    TXT'] },
    { what: 'Autounattend.xml keeps its long name (short AUTOUN~1.XML)', files: [file('Autounattend.xml', '<unattend/>')], shorts: ['AUTOUN~1 XML'] },
    { what: 'a lower-case 8.3 name keeps its case', files: [file('nonce.txt', 'x')], shorts: ['NONCE    TXT'] },
    { what: 'names sharing a basis get ~1, ~2', files: [file('Autounattend.xml', 'a'), file('AutoUnattend-old.xml', 'b')], shorts: ['AUTOUN~1 XML', 'AUTOUN~2 XML'] },
    { what: 'an exact 8.3 name wins over a generated tail', files: [file('Autounattend.xml', 'long'), file('AUTOUN~1.XML', 'exact')], shorts: ['AUTOUN~2 XML', 'AUTOUN~1 XML'] },
    { what: 'an empty file', files: [file('empty.cfg', '')] },
    { what: 'a file of many clusters', files: [file('big.bin', big), file('after.txt', 'after')] },
    { what: 'a file of exactly one cluster and one of one byte more', files: [file('ONE.BIN', Buffer.alloc(512, 1)), file('TWO.BIN', Buffer.alloc(513, 2))] },
    { what: 'a long name of exactly 13 characters (no terminator)', files: [file('thirteen.char', 't')] },
    { what: 'a 255-character name', files: [file(`${'n'.repeat(251)}.txt`, 'max')] },
    { what: 'spaces, several periods and a leading period', files: [file('my file.tar.gz', 'tgz'), file('.hidden rc', 'rc')] },
    { what: 'non-ASCII names', files: [file('Grüße ☃.txt', 'utf'), file('日本語.ini', 'ja')] },
    { what: 'a volume label', files: [file('SETUP.CMD', 'echo')], label: 'vizor-seat7' },
  ];
  for (const c of cases) {
    test(c.what, () => {
      const { listing } = roundTrip(c.files, c.label);
      // mdir prints each 8.3 name as "BASE     EXT", followed by the long name if there is one
      for (const s of c.shorts ?? []) assert.ok(listing.includes(s), `short name ${s} in:\n${listing}`);
    });
  }

  test('the volume label is in the boot sector and the root directory', () => {
    const disk = imageOnDisk(buildFloppyImage([file('A.TXT', 'a')], { label: 'Seat07', date: DATE }));
    try {
      assert.match(disk.label(), /Volume label is SEAT07\s*$/);
    } finally {
      disk.remove();
    }
  });

  test('the data area takes exactly 2847 clusters of 512 bytes; one byte more is refused', () => {
    roundTrip([file('FULL.BIN', randomBytes(FLOPPY_CLUSTERS * 512))]);
    assert.throws(() => buildFloppyImage([file('FULL.BIN', Buffer.alloc(FLOPPY_CLUSTERS * 512 + 1))]), (err: unknown) =>
      err instanceof PayloadTooLargeError && err.code === 'PAYLOAD_TOO_LARGE' && /1457664 bytes/.test(err.message));
  });

  test('224 root entries fit; the 225th is refused', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => file(`F${i}.TXT`, `${i}`));
    roundTrip(names(224));
    assert.throws(() => buildFloppyImage(names(225)), PayloadTooLargeError);
    // long names use entries too: 223 files + label + one LFN entry is over
    assert.throws(() => buildFloppyImage([...names(222), file('lower.txt', 'x')], { label: 'L' }), /root directory entries/);
  });
});

describe('buildFloppyImage: geometry and determinism', () => {
  test('the BIOS parameter block describes a 1.44 MB 3½" disk', () => {
    const img = buildFloppyImage([], { label: 'GEOM', serial: 0x12345678 });
    assert.equal(img.length, 1_474_560);
    const bpb = {
      bytesPerSector: img.readUInt16LE(11), sectorsPerCluster: img[13], reserved: img.readUInt16LE(14), fats: img[16],
      rootEntries: img.readUInt16LE(17), totalSectors: img.readUInt16LE(19), media: img[21], sectorsPerFat: img.readUInt16LE(22),
      sectorsPerTrack: img.readUInt16LE(24), heads: img.readUInt16LE(26), serial: img.readUInt32LE(39),
    };
    assert.deepEqual(bpb, { bytesPerSector: 512, sectorsPerCluster: 1, reserved: 1, fats: 2, rootEntries: 224, totalSectors: 2880, media: 0xf0, sectorsPerFat: 9, sectorsPerTrack: 18, heads: 2, serial: 0x12345678 });
    assert.equal(img.toString('latin1', 43, 62), 'GEOM       FAT12   ');
    assert.equal(img.readUInt16LE(510), 0xaa55);
    // both FATs start with the media byte and an end-of-chain entry
    assert.deepEqual([...img.subarray(512, 515)], [0xf0, 0xff, 0xff]);
    assert.ok(img.subarray(512, 512 + 9 * 512).equals(img.subarray(512 + 9 * 512, 512 + 18 * 512)));
  });

  test('the same files and date give the same bytes; other contents give another serial', () => {
    const a = buildFloppyImage([file('Autounattend.xml', 'one')], { date: DATE });
    const b = buildFloppyImage([file('Autounattend.xml', 'one')], { date: DATE });
    const c = buildFloppyImage([file('Autounattend.xml', 'two')], { date: DATE });
    assert.ok(a.equals(b));
    assert.notEqual(a.readUInt32LE(39), c.readUInt32LE(39));
  });

  test('fsck.fat does flag a damaged image (so its clean verdicts above mean something)', () => {
    const img = buildFloppyImage([file('A.TXT', 'a'.repeat(2000))], { date: DATE });
    img[512 + 9 * 512 + 4] = 0x77; // second FAT no longer matches the first
    const disk = imageOnDisk(img);
    try {
      assert.notEqual(disk.fsck().code, 0);
    } finally {
      disk.remove();
    }
  });
});

describe('buildFloppyImage: names and labels FAT cannot hold', () => {
  const bad: { what: string; files: FloppyFile[]; label?: string; re: RegExp }[] = [
    { what: 'empty name', files: [file('', 'x')], re: /is empty/ },
    { what: 'a slash (no folders on payload floppies)', files: [file('sub/a.txt', 'x')], re: /one of/ },
    { what: 'a colon', files: [file('c:a.txt', 'x')], re: /one of/ },
    { what: 'a control character', files: [file('a\nb.txt', 'x')], re: /control character/ },
    { what: 'a trailing period', files: [file('name.', 'x')], re: /ends with/ },
    { what: '256 characters', files: [file('n'.repeat(256), 'x')], re: /at most 255/ },
    { what: 'two names differing only in case', files: [file('Autounattend.xml', 'a'), file('AUTOUNATTEND.XML', 'b')], re: /ignore case/ },
    { what: 'a label of 12 characters', files: [], label: 'TWELVE-CHARS', re: /volume label/ },
    { what: 'a label with a period', files: [], label: 'A.B', re: /volume label/ },
  ];
  for (const c of bad) {
    test(c.what, () => {
      assert.throws(() => buildFloppyImage(c.files, { label: c.label }), (err: unknown) =>
        err instanceof PayloadNameError && err.code === 'PAYLOAD_NAME' && c.re.test(err.message));
    });
  }
});
