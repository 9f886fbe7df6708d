import type { RandomAccessSource } from '../../src/media/source.js';
import { checkReadRange, WrappedSource } from '../../src/media/source.js';

/** Records which byte ranges of an image a reader touched (coalesced to sectors). */
export class RecordingSource extends WrappedSource {
  readonly sectors = new Set<number>();
  async read(offset: number, length: number): Promise<Buffer> {
    const first = Math.floor(offset / 2048);
    const last = Math.floor((offset + Math.max(length, 1) - 1) / 2048);
    // Large data reads are file contents, not structures worth mutating.
    if (last - first < 64) for (let s = first; s <= last; s++) this.sectors.add(s);
    return this.inner.read(offset, length);
  }
}

/**
 * A source that shows an image with some bytes replaced and, optionally, cut short.
 * The image itself is never copied, so thousands of cases stay cheap.
 */
export class MutatedSource implements RandomAccessSource {
  bytesRead = 0;
  readonly size: number;
  constructor(
    private readonly inner: RandomAccessSource,
    private readonly patches: ReadonlyMap<number, number>,
    truncateTo?: number,
  ) {
    this.size = truncateTo ?? inner.size;
  }
  get description(): string {
    return `${this.inner.description} (mutated)`;
  }
  async read(offset: number, length: number): Promise<Buffer> {
    checkReadRange(this, offset, length);
    const buf = await this.inner.read(offset, length);
    this.bytesRead += length;
    if (this.patches.size < length) {
      for (const [pos, value] of this.patches) if (pos >= offset && pos < offset + length) buf[pos - offset] = value;
    } else {
      for (let i = 0; i < length; i++) {
        const v = this.patches.get(offset + i);
        if (v !== undefined) buf[i] = v;
      }
    }
    return buf;
  }
  async close(): Promise<void> {}
}

/** A small deterministic PRNG (mulberry32) so every failing case can be replayed by seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
