import { MediaIoError } from '../errors.js';
import { checkReadRange, type RandomAccessSource } from '../source.js';

/** The calls an SmbFileSource needs from its client, bound to one open file. */
export interface SmbFileOps {
  /** Reads up to `length` bytes at `offset` (shorter only at end of file). */
  read(offset: number, length: number): Promise<Buffer>;
  /** Closes the remote file. */
  close(): Promise<void>;
}

/**
 * One file on an SMB share as a RandomAccessSource: each read travels as one ranged
 * SMB read, and `bytesRead` counts exactly the payload bytes received.
 */
export class SmbFileSource implements RandomAccessSource {
  bytesRead = 0;
  private closed = false;

  constructor(
    private readonly ops: SmbFileOps,
    readonly size: number,
    readonly description: string,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    checkReadRange(this, offset, length);
    if (this.closed) throw new MediaIoError(`${this.description}: read after close`);
    if (length === 0) return Buffer.alloc(0);
    let data: Buffer;
    try {
      data = await this.ops.read(offset, length);
    } catch (err) {
      throw new MediaIoError(`${this.description}: read of ${length} bytes at offset ${offset} failed: ${(err as Error).message}`, { cause: err });
    }
    this.bytesRead += data.length;
    if (data.length !== length) {
      throw new MediaIoError(`${this.description}: short read at offset ${offset + data.length} (file shrank?)`);
    }
    return data;
  }

  /**
   * Closes the remote handle. Best effort: the file is read-only, so a failed close loses
   * nothing, and the handle goes with the connection anyway. libsmbclient 4.17 without
   * thread support has been seen to fail a close with EINVAL while other clients are busy.
   */
  /** The error of a failed close, kept for diagnostics (close itself never throws). */
  closeError: Error | null = null;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.ops.close();
    } catch (err) {
      this.closeError = err as Error;
    }
  }
}
