import { MediaCorruptError, type MediaFormat } from '../errors.js';

/** Logical sector size of every CD-ROM: volume descriptors and directory sectors use it. */
export const SECTOR_SIZE = 2048;

/** Throws MediaCorruptError unless `buf` holds `length` bytes at `offset`. */
export function need(format: MediaFormat, buf: Buffer, offset: number, length: number, what: string): void {
  if (offset < 0 || length < 0 || offset + length > buf.length) {
    throw new MediaCorruptError(format, `${what}: needs ${length} bytes at offset ${offset}, only ${buf.length} available`);
  }
}

/** Reads a both-endian u32 (ECMA-119 7.3.3); the little-endian half is authoritative. */
export function bothU32(buf: Buffer, offset: number): number {
  need('iso9660', buf, offset, 8, 'both-endian u32');
  return buf.readUInt32LE(offset);
}

/** Reads a both-endian u16 (ECMA-119 7.2.3). */
export function bothU16(buf: Buffer, offset: number): number {
  need('iso9660', buf, offset, 4, 'both-endian u16');
  return buf.readUInt16LE(offset);
}

/** Decodes an a-/d-character field, trimming the space padding. */
export function text(buf: Buffer, offset: number, length: number): string {
  need('iso9660', buf, offset, length, 'text field');
  return buf.toString('latin1', offset, offset + length).replace(/[ \0]+$/, '');
}

/** Decodes a UCS-2BE (Joliet) field; an odd trailing byte is dropped. */
export function ucs2be(buf: Buffer, offset: number, length: number): string {
  need('iso9660', buf, offset, length, 'UCS-2 field');
  const even = length - (length % 2);
  const swapped = Buffer.from(buf.subarray(offset, offset + even));
  swapped.swap16();
  return swapped.toString('utf16le');
}

function utcDate(y: number, mo: number, d: number, h: number, mi: number, s: number, cs: number, tz: number): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  // The offset is a signed count of 15-minute units east of GMT.
  const offsetMs = (tz > 127 ? tz - 256 : tz) * 15 * 60_000;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s, cs * 10) - offsetMs;
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/** Decodes a 7-byte directory-record date (ECMA-119 9.1.5); all zeros means "not recorded". */
export function recordDate(buf: Buffer, offset: number): Date | null {
  need('iso9660', buf, offset, 7, 'record date');
  const b = buf.subarray(offset, offset + 7);
  if (b.every((x) => x === 0)) return null;
  return utcDate(1900 + b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, 0, b[6]!);
}

/** Decodes a 17-byte digit date (ECMA-119 8.4.26.1); zeros or non-digits mean "not recorded". */
export function digitDate(buf: Buffer, offset: number): Date | null {
  need('iso9660', buf, offset, 17, 'volume date');
  const digits = buf.toString('latin1', offset, offset + 16);
  if (!/^\d{16}$/.test(digits) || /^0+$/.test(digits)) return null;
  const n = (a: number, len: number): number => Number(digits.slice(a, a + len));
  return utcDate(n(0, 4), n(4, 2), n(6, 2), n(8, 2), n(10, 2), n(12, 2), n(14, 2), buf[offset + 16]!);
}
