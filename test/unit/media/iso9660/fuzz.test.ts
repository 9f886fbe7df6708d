import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MediaCorruptError, MediaLimitError } from '../../../../src/media/errors.js';
import { readExtents } from '../../../../src/media/extent.js';
import type { MediaFileSystem } from '../../../../src/media/filesystem.js';
import { MediaLimits } from '../../../../src/media/limits.js';
import { BufferSource } from '../../../../src/media/source.js';
import { decodeBootCatalog } from '../../../../src/media/iso9660/eltorito.js';
import { openIso9660, readElTorito } from '../../../../src/media/iso9660/iso9660.js';
import { decodeDirectory } from '../../../../src/media/iso9660/record.js';
import { decodeSuspArea, interpretRockRidge } from '../../../../src/media/iso9660/rockridge.js';
import { decodeVolumeDescriptor } from '../../../../src/media/iso9660/volume.js';

/** Hostile input may only end in a typed media error: never RangeError, TypeError or a hang. */
function typedOnly(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof MediaCorruptError || err instanceof MediaLimitError, `untyped error: ${String(err)}`);
  }
}

async function typedOnlyAsync(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    assert.ok(err instanceof MediaCorruptError || err instanceof MediaLimitError, `untyped error: ${(err as Error)?.stack}`);
  }
}

const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));

describe('pure decoders on arbitrary bytes', () => {
  test('decodeVolumeDescriptor', () => fc.assert(fc.property(bytes(2100), (b) => typedOnly(() => decodeVolumeDescriptor(b)))));
  test('decodeDirectory', () => fc.assert(fc.property(bytes(4200), fc.boolean(), (b, j) => typedOnly(() => decodeDirectory(b, j)))));
  test('decodeSuspArea + interpretRockRidge', () =>
    fc.assert(fc.property(bytes(300), fc.nat(20), (b, skip) => typedOnly(() => interpretRockRidge(decodeSuspArea(b, skip).entries)))));
  test('decodeBootCatalog', () => fc.assert(fc.property(bytes(2048), (b) => typedOnly(() => decodeBootCatalog(b)))));
});

/** Lists every view to a bounded depth and reads every file. */
async function walkAll(fs: MediaFileSystem, source: BufferSource): Promise<void> {
  // A hostile directory may point back at an ancestor; walkers bound depth, as callers must.
  async function visit(ref: unknown, depth: number): Promise<void> {
    if (depth > MediaLimits.maxDepth) return;
    const node = await fs.resolve(ref);
    if (!node.isDirectory) {
      await readExtents(source, node.extents, 0, Math.min(node.size, 4096));
      return;
    }
    for (const e of await fs.readDir(node)) await visit(e.ref, depth + 1);
  }
  await visit(fs.rootRef, 0);
}

describe('mutated real image (ipxe.iso)', () => {
  test('flipping bytes in descriptors, directories and the catalog only ever gives typed errors', async () => {
    const original = readFileSync('/usr/lib/ipxe/ipxe.iso').subarray(0, 900 * 2048);
    // Sectors 16–40 hold the descriptors, the boot catalog (33) and the directories; aim at their used bytes.
    const hot: number[] = [];
    for (let i = 16 * 2048; i < 41 * 2048; i++) if (original[i] !== 0) hot.push(i);
    const mutation = fc.array(fc.record({ index: fc.nat(hot.length - 1), value: fc.nat(255) }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(mutation, async (changes) => {
        const img = Buffer.from(original);
        for (const { index, value } of changes) img[hot[index]!] = value;
        const source = new BufferSource(img);
        await typedOnlyAsync(async () => {
          const res = await openIso9660(source);
          if (!res) return;
          if (res.info.bootCatalogLba !== null) await typedOnlyAsync(() => readElTorito(source, res.info.bootCatalogLba!));
          for (const fs of res.fileSystems) await typedOnlyAsync(() => walkAll(fs, source));
        });
      }),
      { numRuns: 1500 },
    );
  });
});
