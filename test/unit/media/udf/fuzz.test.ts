import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VizorError } from '../../../../src/errors.js';
import { BufferSource } from '../../../../src/media/source.js';
import { openUdf } from '../../../../src/media/udf/index.js';
import { finishTag } from './builder.js';
import { sha256Node, walkTree } from './helpers.js';
import { BS, PART_START, buildSynthetic } from './synthetic-image.js';

// Byte ranges holding structures: VRS, main VDS, anchor, metadata EFEs, metadata data, AEDs.
const HOT: [number, number][] = [
  [16, 19], [32, 36], [256, 257], [PART_START, PART_START + 2], [PART_START + 10, PART_START + 14],
  [PART_START + 20, PART_START + 24], [PART_START + 60, PART_START + 62],
].map(([a, b]) => [a! * BS, b! * BS]);
const TAGS = new Set([1, 2, 3, 5, 6, 8, 256, 258, 261, 266]);

test('mutated images end in typed media errors, never RangeError or a hang', async () => {
  const base = buildSynthetic().image;
  let seed = 20240517;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 600; i++) {
    const img = Buffer.from(base);
    for (let k = 1 + Math.floor(rnd() * 4); k > 0; k--) {
      const [a, b] = HOT[Math.floor(rnd() * HOT.length)]!;
      img[a + Math.floor(rnd() * (b - a))] = Math.floor(rnd() * 256);
    }
    // Re-seal most images so mutations get past checksums and reach the fields behind them.
    if (rnd() < 0.8) {
      for (const [a, b] of HOT) {
        for (let o = a; o < b; o += BS) {
          if (!TAGS.has(img.readUInt16LE(o))) continue;
          const len = Math.min(img.readUInt16LE(o + 10), BS - 16);
          finishTag(img.subarray(o, o + 16 + len), img.readUInt16LE(o), img.readUInt32LE(o + 12), len);
        }
      }
    }
    let outcome = 'ok';
    try {
      const source = new BufferSource(img);
      const udf = await openUdf(source);
      if (udf) for (const [, node] of await walkTree(udf.fileSystem)) if (!node.isDirectory && node.size < 1e7) await sha256Node(source, node);
    } catch (err) {
      assert.ok(err instanceof VizorError, `mutation ${i} threw ${String(err)}`);
      outcome = err.code;
    }
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  assert.ok((outcomes.get('MEDIA_CORRUPT') ?? 0) > 50, JSON.stringify([...outcomes]));
});
