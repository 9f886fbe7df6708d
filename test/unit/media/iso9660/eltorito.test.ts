import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MediaCorruptError, MediaLimitError } from '../../../../src/media/errors.js';
import { MediaLimits } from '../../../../src/media/limits.js';
import { decodeBootCatalog, platformName } from '../../../../src/media/iso9660/eltorito.js';
import { readElTorito } from '../../../../src/media/iso9660/iso9660.js';
import { assertMediaError } from './fixtures.js';
import { BufferSource } from '../../../../src/media/source.js';

/** A validation entry with a correct checksum. */
function validation(platform = 0, id = ''): Buffer {
  const e = Buffer.alloc(32);
  e[0] = 1;
  e[1] = platform;
  e.write(id, 4, 'latin1');
  e[30] = 0x55;
  e[31] = 0xaa;
  let sum = 0;
  for (let i = 0; i < 32; i += 2) sum = (sum + e.readUInt16LE(i)) & 0xffff;
  e.writeUInt16LE((0x10000 - sum) & 0xffff, 28);
  return e;
}

function entry(opts: { bootable?: boolean; media?: number; segment?: number; system?: number; count?: number; lba?: number }): Buffer {
  const e = Buffer.alloc(32);
  e[0] = opts.bootable === false ? 0 : 0x88;
  e[1] = opts.media ?? 0;
  e.writeUInt16LE(opts.segment ?? 0, 2);
  e[4] = opts.system ?? 0;
  e.writeUInt16LE(opts.count ?? 4, 6);
  e.writeUInt32LE(opts.lba ?? 0, 8);
  return e;
}

function header(last: boolean, platform: number, count: number, id = ''): Buffer {
  const e = Buffer.alloc(32);
  e[0] = last ? 0x91 : 0x90;
  e[1] = platform;
  e.writeUInt16LE(count, 2);
  e.write(id, 4, 'latin1');
  return e;
}

const catalog = (...parts: Buffer[]) => Buffer.concat([...parts, Buffer.alloc(2048 - 32 * parts.length)]);

describe('El Torito catalog', () => {
  test('BIOS default entry plus a UEFI section (Windows layout)', () => {
    const c = decodeBootCatalog(
      catalog(validation(0, 'VIZOR'), entry({ count: 8, lba: 30 }), header(true, 0xef, 1, 'EFI'), entry({ count: 2880, lba: 31 })),
    );
    assert.equal(c.platform, 'x86');
    assert.equal(c.id, 'VIZOR');
    assert.equal(c.entries.length, 2);
    const [bios, efi] = c.entries;
    assert.deepEqual(
      [bios!.isDefault, bios!.platform, bios!.bootable, bios!.mediaType, bios!.loadSegment, bios!.sectorCount, bios!.loadLba],
      [true, 'x86', true, 'no-emulation', 0x7c0, 8, 30],
    );
    assert.deepEqual([efi!.isDefault, efi!.platform, efi!.sectorCount, efi!.loadLba, efi!.sectionId], [false, 'uefi', 2880, 31, 'EFI']);
  });

  const media: [number, string][] = [[0, 'no-emulation'], [1, 'floppy-1.2'], [2, 'floppy-1.44'], [3, 'floppy-2.88'], [4, 'hard-disk'], [7, 'unknown']];
  for (const [id, name] of media) {
    test(`media type ${id} is ${name}`, () => {
      const c = decodeBootCatalog(catalog(validation(), entry({ media: id })));
      assert.equal(c.entries[0]!.mediaType, name);
    });
  }

  const platforms: [number, string][] = [[0, 'x86'], [1, 'powerpc'], [2, 'mac'], [0xef, 'uefi'], [0x42, 'unknown']];
  for (const [id, name] of platforms) test(`platform ${id} is ${name}`, () => assert.equal(platformName(id), name));

  test('explicit segment, system type, non-bootable', () => {
    const e = decodeBootCatalog(catalog(validation(), entry({ bootable: false, segment: 0x1000, system: 6 }))).entries[0]!;
    assert.deepEqual([e.bootable, e.loadSegment, e.systemType], [false, 0x1000, 6]);
  });

  test('extension entries (0x44) are skipped, 0x90 sections chain', () => {
    const ext = Buffer.alloc(32);
    ext[0] = 0x44;
    const c = decodeBootCatalog(
      catalog(validation(), entry({}), header(false, 0, 1), entry({ lba: 5 }), ext, ext, header(true, 0xef, 2), entry({ lba: 6 }), entry({ lba: 7 })),
    );
    assert.deepEqual(c.entries.map((e) => [e.platform, e.loadLba]), [['x86', 0], ['x86', 5], ['uefi', 6], ['uefi', 7]]);
  });

  const corrupt: [string, Buffer][] = [
    ['bad header id', catalog(Buffer.concat([Buffer.from([2]), validation().subarray(1)]), entry({}))],
    ['bad checksum', catalog(Buffer.concat([validation().subarray(0, 28), Buffer.from([1, 2, 0x55, 0xaa])]), entry({}))],
    ['missing 55 AA', catalog(Buffer.concat([validation().subarray(0, 30), Buffer.from([0x55, 0])]), entry({}))],
    ['too short', validation().subarray(0, 20)],
    ['no default entry', validation()],
    ['bad boot indicator', catalog(validation(), Buffer.concat([Buffer.from([0x77]), entry({}).subarray(1)]))],
    ['section count past the end', Buffer.concat([validation(), entry({}), header(true, 0xef, 5), entry({})])],
  ];
  for (const [name, buf] of corrupt) {
    test(`corrupt: ${name}`, () => assertMediaError(() => decodeBootCatalog(buf), MediaCorruptError, 'eltorito'));
  }

  test('entry count is bounded', () => {
    const n = MediaLimits.maxBootEntries + 1;
    const buf = Buffer.concat([validation(), entry({}), header(true, 0, n), ...Array.from({ length: n }, () => entry({}))]);
    assertMediaError(() => decodeBootCatalog(buf), MediaLimitError, 'eltorito');
  });

  test('readElTorito rejects a catalog LBA outside the image', async () => {
    const src = new BufferSource(Buffer.alloc(40 * 2048));
    await assert.rejects(readElTorito(src, 40), (e: unknown) => e instanceof MediaCorruptError && e.format === 'eltorito');
    await assert.rejects(readElTorito(src, 2 ** 40), MediaCorruptError);
  });

  test('readElTorito reads a catalog at the end of a small image', async () => {
    const img = Buffer.alloc(21 * 2048);
    catalog(validation(), entry({ lba: 9 })).copy(img, 20 * 2048);
    const c = await readElTorito(new BufferSource(img), 20);
    assert.equal(c.entries[0]!.loadLba, 9);
  });
});
