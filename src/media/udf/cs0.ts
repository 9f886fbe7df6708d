import { MediaCorruptError } from '../errors.js';

/** OSTA CS0 compression identifiers valid in names and identifiers (UDF 2.60 §2.1.1). */
export const Cs0Compression = { Bits8: 8, Bits16: 16 } as const;

/**
 * Decodes OSTA CS0 d-characters: a compression-id byte, then one byte per character
 * (id 8, Latin-1) or UTF-16BE code units (id 16). An empty field is the empty string.
 */
export function decodeCs0(bytes: Buffer, what = 'name'): string {
  if (bytes.length === 0) return '';
  const id = bytes[0]!;
  const body = bytes.subarray(1);
  if (id === Cs0Compression.Bits8) return body.toString('latin1');
  if (id === Cs0Compression.Bits16) {
    if (body.length % 2 !== 0) {
      throw new MediaCorruptError('udf', `${what}: 16-bit CS0 string has an odd length of ${body.length} bytes`);
    }
    const le = Buffer.allocUnsafe(body.length);
    for (let i = 0; i < body.length; i += 2) {
      le[i] = body[i + 1]!;
      le[i + 1] = body[i]!;
    }
    return le.toString('utf16le');
  }
  throw new MediaCorruptError('udf', `${what}: invalid CS0 compression id ${id}`);
}

/**
 * Decodes a dstring field of `length` bytes at `offset`: its last byte holds how many
 * of the preceding bytes are used (compression id included). Trailing NULs are dropped
 * because some writers pad identifiers with them.
 */
export function decodeDstring(buf: Buffer, offset: number, length: number, what = 'identifier'): string {
  if (length < 1 || offset < 0 || offset + length > buf.length) {
    throw new MediaCorruptError('udf', `${what}: dstring of ${length} bytes at ${offset} runs past its buffer`);
  }
  const used = buf[offset + length - 1]!;
  if (used > length - 1) {
    throw new MediaCorruptError('udf', `${what}: dstring claims ${used} bytes in a ${length}-byte field`);
  }
  return decodeCs0(buf.subarray(offset, offset + used), what).replace(/\0+$/, '');
}
