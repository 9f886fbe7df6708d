import { MediaCorruptError } from '../errors.js';

/** Descriptor tag identifiers (ECMA-167 3/7.2.1 and 4/7.2.1). */
export const TagIdent = {
  PrimaryVolume: 1,
  AnchorVolumePointer: 2,
  VolumePointer: 3,
  ImplementationUseVolume: 4,
  Partition: 5,
  LogicalVolume: 6,
  UnallocatedSpace: 7,
  Terminating: 8,
  LogicalVolumeIntegrity: 9,
  FileSet: 256,
  FileIdentifier: 257,
  AllocationExtent: 258,
  IndirectEntry: 259,
  TerminalEntry: 260,
  FileEntry: 261,
  ExtendedFileEntry: 266,
} as const;

/** Size of a descriptor tag in bytes. */
export const TAG_SIZE = 16;

/** A decoded 16-byte descriptor tag (ECMA-167 3/7.2). */
export interface DescriptorTag {
  readonly ident: number;
  readonly version: number;
  readonly checksum: number;
  readonly serial: number;
  readonly crc: number;
  readonly crcLength: number;
  readonly location: number;
}

/** What verifyTag should insist on besides a good checksum and CRC. */
export interface TagExpectation {
  /** Accepted tag identifiers; any when omitted. */
  readonly idents?: readonly number[];
  /** Expected tagLocation (the descriptor's own logical sector or block). */
  readonly location?: number;
  /** Names the structure in error messages. */
  readonly what: string;
}

/** CRC-ITU-T (polynomial 0x1021, initial value 0, MSB first) of `buf`. */
export function crcItuT(buf: Uint8Array): number {
  let crc = 0;
  for (const byte of buf) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** Checksum of a tag: sum of bytes 0–3 and 5–15, modulo 256. */
export function tagChecksum(buf: Buffer, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < TAG_SIZE; i++) if (i !== 4) sum += buf[offset + i]!;
  return sum & 0xff;
}

/** Decodes the tag at `offset` without verifying it. */
export function decodeTag(buf: Buffer, offset = 0): DescriptorTag {
  if (offset < 0 || offset + TAG_SIZE > buf.length) {
    throw new MediaCorruptError('udf', `descriptor tag at ${offset} runs past its ${buf.length}-byte buffer`);
  }
  return {
    ident: buf.readUInt16LE(offset),
    version: buf.readUInt16LE(offset + 2),
    checksum: buf[offset + 4]!,
    serial: buf.readUInt16LE(offset + 6),
    crc: buf.readUInt16LE(offset + 8),
    crcLength: buf.readUInt16LE(offset + 10),
    location: buf.readUInt32LE(offset + 12),
  };
}

/**
 * Decodes and verifies the tag at `offset`: checksum, CRC over the descriptor body,
 * and the identifier and location when expected. Throws MediaCorruptError.
 */
export function verifyTag(buf: Buffer, offset: number, expect: TagExpectation): DescriptorTag {
  const tag = decodeTag(buf, offset);
  const fail = (why: string): never => {
    throw new MediaCorruptError('udf', `${expect.what}: ${why}`);
  };
  if (tagChecksum(buf, offset) !== tag.checksum) fail(`bad tag checksum (ident ${tag.ident})`);
  if (expect.idents && !expect.idents.includes(tag.ident)) {
    fail(`tag identifier ${tag.ident}, expected ${expect.idents.join(' or ')}`);
  }
  const bodyStart = offset + TAG_SIZE;
  if (bodyStart + tag.crcLength > buf.length) {
    fail(`CRC length ${tag.crcLength} runs past the ${buf.length - bodyStart} bytes available`);
  }
  if (crcItuT(buf.subarray(bodyStart, bodyStart + tag.crcLength)) !== tag.crc) fail('bad descriptor CRC');
  if (expect.location !== undefined && tag.location !== expect.location) {
    fail(`tag location ${tag.location}, expected ${expect.location}`);
  }
  return tag;
}
