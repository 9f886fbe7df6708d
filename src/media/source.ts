import { open, type FileHandle } from 'node:fs/promises';
import { MediaIoError } from './errors.js';

/**
 * Random access to the bytes of one image, wherever it lies (local file, SMB, ...).
 * `read` returns exactly `length` bytes or throws MediaIoError; `bytesRead` counts the
 * bytes that actually travelled from the underlying medium, so tests and benchmarks can
 * prove how little of an ISO was touched.
 */
export interface RandomAccessSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Human-readable origin, e.g. a path or URL without credentials. */
  readonly description: string;
  /** Bytes fetched from the underlying medium so far. */
  readonly bytesRead: number;
  /** Reads `length` bytes at `offset`. */
  read(offset: number, length: number): Promise<Buffer>;
  /** Releases the underlying handle. */
  close(): Promise<void>;
}

/** Checks a read request against the source size; shared by every implementation. */
export function checkReadRange(source: { size: number; description: string }, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new MediaIoError(`${source.description}: invalid read of ${length} bytes at offset ${offset}`);
  }
  if (offset + length > source.size) {
    throw new MediaIoError(
      `${source.description}: read of ${length} bytes at offset ${offset} runs past the end (size ${source.size})`,
    );
  }
}

/** A local file read with positioned reads (pread). */
export class FileSource implements RandomAccessSource {
  bytesRead = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly description: string,
  ) {}

  /** Opens `path` read-only. */
  static async open(path: string): Promise<FileSource> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new MediaIoError(`cannot open ${path}: ${code}`, { cause: err });
    }
    const stat = await handle.stat();
    if (!stat.isFile() && !stat.isBlockDevice()) {
      await handle.close();
      throw new MediaIoError(`${path} is not a regular file`);
    }
    return new FileSource(handle, stat.size, path);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkReadRange(this, offset, length);
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new MediaIoError(`${this.description}: short read at offset ${offset + done}`);
      done += bytesRead;
    }
    this.bytesRead += length;
    return buf;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** An in-memory source, for tests and generated images. */
export class BufferSource implements RandomAccessSource {
  bytesRead = 0;
  readonly size: number;

  constructor(private readonly data: Buffer, readonly description = 'buffer') {
    this.size = data.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkReadRange(this, offset, length);
    this.bytesRead += length;
    return Buffer.from(this.data.subarray(offset, offset + length));
  }

  async close(): Promise<void> {}
}

/**
 * A source that adds behaviour around another one; size, description and the count of
 * bytes read are the inner source's.
 */
export abstract class WrappedSource implements RandomAccessSource {
  constructor(protected readonly inner: RandomAccessSource) {}
  get size(): number {
    return this.inner.size;
  }
  get description(): string {
    return this.inner.description;
  }
  get bytesRead(): number {
    return this.inner.bytesRead;
  }
  abstract read(offset: number, length: number): Promise<Buffer>;
  async close(): Promise<void> {
    await this.inner.close();
  }
}

/**
 * Wraps a source with an LRU cache of aligned blocks. Readers ask for many small,
 * repeated structures (sectors, descriptors); the cache turns those into few reads of
 * the underlying medium, which matters over SMB. `bytesRead` is the inner source's.
 */
export class CachedSource extends WrappedSource {
  private readonly blocks = new Map<number, Promise<Buffer>>();

  constructor(
    inner: RandomAccessSource,
    private readonly blockSize = 16 * 1024,
    private readonly maxBlocks = 512,
  ) {
    super(inner);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkReadRange(this, offset, length);
    // Large reads (file contents) bypass the cache so streaming stays constant-memory.
    if (length > this.blockSize * 4) return this.inner.read(offset, length);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const pos = offset + done;
      const index = Math.floor(pos / this.blockSize);
      const block = await this.block(index);
      const within = pos - index * this.blockSize;
      const n = Math.min(length - done, block.length - within);
      if (n <= 0) throw new MediaIoError(`${this.description}: short read at offset ${pos}`);
      block.copy(out, done, within, within + n);
      done += n;
    }
    return out;
  }

  private block(index: number): Promise<Buffer> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return hit;
    }
    const start = index * this.blockSize;
    const pending = this.inner.read(start, Math.min(this.blockSize, this.size - start));
    pending.catch(() => this.blocks.delete(index));
    this.blocks.set(index, pending);
    if (this.blocks.size > this.maxBlocks) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return pending;
  }

  override async close(): Promise<void> {
    this.blocks.clear();
    await super.close();
  }
}
