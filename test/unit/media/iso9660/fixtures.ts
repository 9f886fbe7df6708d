import assert from 'node:assert/strict';
import { MediaCorruptError, MediaLimitError } from '../../../../src/media/errors.js';
import type { RandomAccessSource } from '../../../../src/media/source.js';
import { checkReadRange } from '../../../../src/media/source.js';

/** Hand-built ISO 9660 structures for decoder tests; every field is laid out by offset. */

/** CD-ROM sector size. */
export const SECTOR = 2048;

/** Both-endian u32 (LE then BE). */
export function both32(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(n, 0);
  b.writeUInt32BE(n, 4);
  return b;
}

/** Both-endian u16. */
export function both16(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16LE(n, 0);
  b.writeUInt16BE(n, 2);
  return b;
}

/** Fields of a hand-built directory record; omitted ones default to zero. */
export interface RecordSpec {
  lba?: number;
  size?: number;
  flags?: number;
  /** Raw identifier bytes, or a latin1 string. */
  name: Buffer | string;
  su?: Buffer;
  date?: number[];
}

/** A directory record with padding and System Use laid out as ECMA-119 9.1 says. */
export function record(spec: RecordSpec): Buffer {
  const name = typeof spec.name === 'string' ? Buffer.from(spec.name, 'latin1') : spec.name;
  const pad = name.length % 2 === 0 ? 1 : 0;
  const su = spec.su ?? Buffer.alloc(0);
  let length = 33 + name.length + pad + su.length;
  length += length % 2;
  const b = Buffer.alloc(length);
  b[0] = length;
  both32(spec.lba ?? 0).copy(b, 2);
  both32(spec.size ?? 0).copy(b, 10);
  Buffer.from(spec.date ?? [124, 1, 2, 3, 4, 5, 0]).copy(b, 18);
  b[25] = spec.flags ?? 0;
  both16(1).copy(b, 28);
  b[32] = name.length;
  name.copy(b, 33);
  su.copy(b, 33 + name.length + pad);
  return b;
}

/** UCS-2BE bytes of `s`. */
export function ucs2(s: string): Buffer {
  return Buffer.from(s, 'utf16le').swap16();
}

/** Fields of a hand-built volume descriptor. */
export interface VdSpec {
  volumeId?: string;
  blockSize?: number;
  root?: Buffer;
  escapes?: string;
  spaceBlocks?: number;
}

/** A PVD (type 1) or SVD (type 2) sector. */
export function volumeDescriptor(type: number, spec: VdSpec = {}): Buffer {
  const b = Buffer.alloc(SECTOR);
  b[0] = type;
  b.write('CD001', 1, 'latin1');
  b[6] = 1;
  b.fill(0x20, 8, 72);
  if (type === 2 && spec.escapes !== undefined) {
    for (let i = 8; i < 72; i += 2) b.writeUInt16BE(0x20, i);
    ucs2(spec.volumeId ?? '').copy(b, 40);
    b.write(spec.escapes, 88, 'latin1');
  } else {
    b.write(spec.volumeId ?? 'TEST', 40, 'latin1');
  }
  both32(spec.spaceBlocks ?? 64).copy(b, 80);
  both16(1).copy(b, 120);
  both16(1).copy(b, 124);
  both16(spec.blockSize ?? SECTOR).copy(b, 128);
  (spec.root ?? record({ lba: 20, size: SECTOR, flags: 2, name: Buffer.from([0]) })).copy(b, 156);
  b.fill(0x20, 190, 813);
  b.write('2024010203040500', 813, 'latin1');
  b[829] = 4;
  return b;
}

/** A descriptor sector with just a type and a standard identifier (terminator, boot, VRS). */
export function simpleDescriptor(type: number, id = 'CD001'): Buffer {
  const b = Buffer.alloc(SECTOR);
  b[0] = type;
  b.write(id, 1, 'latin1');
  b[6] = 1;
  return b;
}

/** Concatenates directory records into sectors, starting a new sector when one would straddle. */
export function directory(records: Buffer[]): Buffer {
  const sectors: Buffer[] = [];
  let cur = Buffer.alloc(SECTOR);
  let pos = 0;
  for (const r of records) {
    if (pos + r.length > SECTOR) {
      sectors.push(cur);
      cur = Buffer.alloc(SECTOR);
      pos = 0;
    }
    r.copy(cur, pos);
    pos += r.length;
  }
  sectors.push(cur);
  return Buffer.concat(sectors);
}

/** Lays `sectors` (by index) into an image of `total` sectors. */
export function image(total: number, sectors: Record<number, Buffer>): Buffer {
  const img = Buffer.alloc(total * SECTOR);
  for (const [index, data] of Object.entries(sectors)) data.copy(img, Number(index) * SECTOR);
  return img;
}

/** A SUSP entry: signature, length, version 1, body. */
export function susp(signature: string, body: Buffer | number[] = []): Buffer {
  const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const b = Buffer.alloc(4 + data.length);
  b.write(signature, 0, 'latin1');
  b[2] = b.length;
  b[3] = 1;
  data.copy(b, 4);
  return b;
}

/** The SP entry of a root "." record. */
export function spEntry(lenSkp = 0): Buffer {
  return susp('SP', [0xbe, 0xef, lenSkp]);
}

/** A CE entry pointing at block/offset/length. */
export function ceEntry(block: number, offset: number, length: number): Buffer {
  return susp('CE', Buffer.concat([both32(block), both32(offset), both32(length)]));
}

/** An NM entry. */
export function nmEntry(name: string, flags = 0): Buffer {
  return susp('NM', Buffer.concat([Buffer.from([flags]), Buffer.from(name, 'utf8')]));
}

/**
 * A huge image that is mostly zeros: only the given patches hold data. Lets tests cover
 * files past 4 GiB without writing gigabytes.
 */
export class SparseSource implements RandomAccessSource {
  bytesRead = 0;
  readonly description = 'sparse';
  constructor(readonly size: number, private readonly patches: { offset: number; data: Buffer }[]) {}
  async read(offset: number, length: number): Promise<Buffer> {
    checkReadRange(this, offset, length);
    const out = Buffer.alloc(length);
    for (const p of this.patches) {
      const from = Math.max(offset, p.offset);
      const to = Math.min(offset + length, p.offset + p.data.length);
      if (from < to) p.data.copy(out, from - offset, from - p.offset, to - p.offset);
    }
    this.bytesRead += length;
    return out;
  }
  async close(): Promise<void> {}
}

/** Asserts `fn` throws the given media error class with its code (and format, for corrupt errors). */
export function assertMediaError(fn: () => unknown, cls: typeof MediaCorruptError | typeof MediaLimitError, format = 'iso9660'): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.equal(err.code, cls === MediaCorruptError ? 'MEDIA_CORRUPT' : 'MEDIA_LIMIT');
    assert.equal(err.format, format);
    return true;
  });
}
