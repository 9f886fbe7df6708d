import type { FileHandle } from 'node:fs/promises';
import { TftpIoError } from './errors.js';
import { netasciiSize, toNetascii } from './netascii.js';

/** Where a transfer's blocks come from; `size` is what the client receives, after translation. */
export interface BlockSource {
  readonly size: number;
  /** Block `i` (from 1) of the negotiated blksize, the last one short; sync when already in memory. */
  block(i: number): Buffer | Promise<Buffer>;
  close(): Promise<void>;
}

/** Bytes read from disk per chunk; a transfer holds at most one chunk (or one window in netascii). */
const CHUNK_BYTES = 128 * 1024;

/** Index of the final DATA block for `size` bytes: RFC 1350 ends on a short, possibly empty, block. */
export function lastBlockFor(size: number, blksize: number): number {
  return Math.floor(size / blksize) + 1;
}

/** Serves an in-memory buffer (generated content), translated first for netascii. */
export function bufferSource(data: Buffer, blksize: number, netascii: boolean): BlockSource {
  const bytes = netascii ? toNetascii(data) : data;
  return {
    size: bytes.length,
    block: (i) => bytes.subarray((i - 1) * blksize, i * blksize),
    close: async () => undefined,
  };
}

async function readFully(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    let n: number;
    try {
      ({ bytesRead: n } = await handle.read(buf, got, length - got, position + got));
    } catch (err) {
      throw new TftpIoError(`read at offset ${position + got} failed`, { cause: err });
    }
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Serves a file in octet mode by positional reads of block-aligned chunks. */
export function fileSource(handle: FileHandle, size: number, blksize: number): BlockSource {
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / blksize));
  let first = 0; // block index of chunk[0]; 0 = nothing loaded
  let chunk: Buffer = Buffer.alloc(0);
  const slice = (i: number) => chunk.subarray((i - first) * blksize, (i - first + 1) * blksize);
  return {
    size,
    block(i) {
      if (first > 0 && i >= first && i < first + perChunk) return slice(i);
      const position = (i - 1) * blksize;
      const length = Math.max(0, Math.min(perChunk * blksize, size - position));
      return readFully(handle, position, length).then((buf) => {
        chunk = buf;
        first = i;
        return slice(i);
      });
    },
    close: () => handle.close(),
  };
}

/** Counts the netascii size of a file by reading it once (so tsize can be offered honestly). */
export async function netasciiFileSize(handle: FileHandle, rawSize: number): Promise<number> {
  let size = 0;
  for (let pos = 0; pos < rawSize; pos += CHUNK_BYTES) {
    size += netasciiSize(await readFully(handle, pos, Math.min(CHUNK_BYTES, rawSize - pos)));
  }
  return size;
}

/**
 * Serves a file in netascii, translating sequentially. Blocks are only ever requested in order
 * or again from the current window, so the last `keep` blocks (the window) are cached.
 */
export function netasciiFileSource(handle: FileHandle, rawSize: number, size: number, blksize: number, keep: number): BlockSource {
  const cache = new Map<number, Buffer>();
  let made = 0;
  let rawPos = 0;
  let pending: Buffer = Buffer.alloc(0);
  return {
    size,
    async block(i) {
      const hit = cache.get(i);
      if (hit) return hit;
      if (i !== made + 1) throw new TftpIoError(`netascii block ${i} requested after ${made}`);
      while (pending.length < blksize && rawPos < rawSize) {
        const raw = await readFully(handle, rawPos, Math.min(CHUNK_BYTES, rawSize - rawPos));
        if (raw.length === 0) break;
        rawPos += raw.length;
        pending = Buffer.concat([pending, toNetascii(raw)]);
      }
      const out = pending.subarray(0, blksize);
      pending = pending.subarray(out.length);
      made = i;
      cache.set(i, out);
      cache.delete(i - keep);
      return out;
    },
    close: () => handle.close(),
  };
}
