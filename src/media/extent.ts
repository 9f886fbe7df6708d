import { MediaCorruptError, MediaIoError, type MediaFormat } from './errors.js';
import type { RandomAccessSource } from './source.js';

/**
 * One piece of a file's data: bytes at an absolute offset in the source, a run of
 * zeros (unrecorded/sparse extents), or bytes held inline (UDF embedded data).
 */
export type Extent =
  | { readonly kind: 'data'; readonly sourceOffset: number; readonly length: number }
  | { readonly kind: 'zero'; readonly length: number }
  | { readonly kind: 'inline'; readonly data: Buffer; readonly length: number };

/** Sum of extent lengths. */
export function extentsLength(extents: readonly Extent[]): number {
  let total = 0;
  for (const e of extents) total += e.length;
  return total;
}

/**
 * Checks that every data extent lies inside the source and that the extents cover at
 * least `size` bytes, so later reads cannot run off the image.
 */
export function validateExtents(
  format: MediaFormat,
  extents: readonly Extent[],
  size: number,
  sourceSize: number,
  what: string,
): void {
  for (const e of extents) {
    if (e.kind === 'data' && (e.sourceOffset < 0 || e.sourceOffset + e.length > sourceSize)) {
      throw new MediaCorruptError(
        format,
        `${what}: extent at byte ${e.sourceOffset} (+${e.length}) lies outside the image (size ${sourceSize})`,
      );
    }
  }
  const covered = extentsLength(extents);
  if (covered < size) {
    throw new MediaCorruptError(format, `${what}: extents cover ${covered} bytes but the file is ${size} bytes`);
  }
}

/** Largest piece fetched from the source in one call while streaming. */
export const STREAM_CHUNK = 1024 * 1024;

/**
 * Yields the bytes [start, end) of a file made of `extents`, in chunks of at most
 * STREAM_CHUNK, so memory stays constant however large the file.
 */
export async function* streamExtents(
  source: RandomAccessSource,
  extents: readonly Extent[],
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  if (start < 0 || end < start) throw new MediaIoError(`invalid range ${start}-${end}`);
  let base = 0;
  for (const e of extents) {
    if (start >= end) return;
    const eEnd = base + e.length;
    if (eEnd > start) {
      let pos = Math.max(start, base);
      const stop = Math.min(end, eEnd);
      while (pos < stop) {
        const n = Math.min(STREAM_CHUNK, stop - pos);
        const within = pos - base;
        if (e.kind === 'data') yield await source.read(e.sourceOffset + within, n);
        else if (e.kind === 'zero') yield Buffer.alloc(n);
        else yield Buffer.from(e.data.subarray(within, within + n));
        pos += n;
      }
      start = stop;
    }
    base = eEnd;
  }
  if (start < end) throw new MediaIoError(`range ends at ${end} but the file's extents end at ${base}`);
}

/** Reads [offset, offset+length) of a file made of `extents` into one Buffer. */
export async function readExtents(
  source: RandomAccessSource,
  extents: readonly Extent[],
  offset: number,
  length: number,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of streamExtents(source, extents, offset, offset + length)) parts.push(chunk);
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
}
