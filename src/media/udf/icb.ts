import { MediaCorruptError, MediaUnsupportedError } from '../errors.js';
import { AdType, type AdTypeValue } from './ad.js';
import { decodeTimestamp } from './timestamp.js';
import { TagIdent, verifyTag } from './tag.js';

/** ICB file types that vizor distinguishes (ECMA-167 4/14.6.6, UDF 2.60 §2.3.5.2). */
export const FileType = {
  Unspecified: 0,
  Directory: 4,
  File: 5,
  Symlink: 12,
  StreamDirectory: 13,
  MetadataMain: 0xfa,
  MetadataMirror: 0xfb,
  MetadataBitmap: 0xfc,
} as const;

/** The fields of a File Entry or Extended File Entry that locate and describe its data. */
export interface FileEntry {
  readonly extended: boolean;
  readonly fileType: number;
  readonly adType: AdTypeValue;
  /** File size in bytes (informationLength). */
  readonly size: number;
  readonly mtime: Date | null;
  /** The allocation descriptors, or the file's bytes when adType is Embedded. */
  readonly adArea: Buffer;
}

/** The allocation descriptors held by an Allocation Extent Descriptor (tag 258). */
export interface AllocationExtent {
  readonly adArea: Buffer;
}

const LAYOUT = {
  fe: { mtime: 84, lengthEa: 168, lengthAd: 172, eaStart: 176 },
  efe: { mtime: 92, lengthEa: 208, lengthAd: 212, eaStart: 216 },
} as const;

/** Reads a u64 as a JS number, rejecting values beyond 2^53 − 1. */
export function readU64(buf: Buffer, offset: number, what: string): number {
  const value = buf.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new MediaCorruptError('udf', `${what}: ${value} is out of range`);
  return Number(value);
}

/**
 * Decodes and verifies the FE (tag 261) or EFE (tag 266) in `buf` (one logical block),
 * recorded at partition block `location`.
 */
export function decodeFileEntry(buf: Buffer, location: number): FileEntry {
  const what = `file entry at block ${location}`;
  if (buf.length < LAYOUT.efe.eaStart) throw new MediaCorruptError('udf', `${what}: block of ${buf.length} bytes is too small`);
  const tag = verifyTag(buf, 0, {
    idents: [TagIdent.FileEntry, TagIdent.ExtendedFileEntry, TagIdent.IndirectEntry],
    location,
    what,
  });
  if (tag.ident === TagIdent.IndirectEntry) {
    throw new MediaUnsupportedError('udf', `${what}: indirect entries (ICB strategy 4096) are not supported`);
  }
  const extended = tag.ident === TagIdent.ExtendedFileEntry;
  const layout = extended ? LAYOUT.efe : LAYOUT.fe;
  const flags = buf.readUInt16LE(34);
  const adType = (flags & 7) as number;
  if (adType > AdType.Embedded) throw new MediaCorruptError('udf', `${what}: allocation descriptor type ${adType}`);
  const lengthEa = buf.readUInt32LE(layout.lengthEa);
  const lengthAd = buf.readUInt32LE(layout.lengthAd);
  const adStart = layout.eaStart + lengthEa;
  if (adStart + lengthAd > buf.length) {
    throw new MediaCorruptError('udf', `${what}: L_EA ${lengthEa} + L_AD ${lengthAd} run past the ${buf.length}-byte block`);
  }
  const size = readU64(buf, 56, `${what}: information length`);
  const adArea = buf.subarray(adStart, adStart + lengthAd);
  if (adType === AdType.Embedded && size > lengthAd) {
    throw new MediaCorruptError('udf', `${what}: ${size} bytes of embedded data but only ${lengthAd} recorded`);
  }
  return {
    extended,
    fileType: buf[27]!,
    adType: adType as AdTypeValue,
    size,
    mtime: decodeTimestamp(buf, layout.mtime),
    adArea,
  };
}

/** Decodes and verifies an Allocation Extent Descriptor (tag 258) at partition block `location`. */
export function decodeAllocationExtent(buf: Buffer, location: number): AllocationExtent {
  const what = `allocation extent at block ${location}`;
  if (buf.length < 24) throw new MediaCorruptError('udf', `${what}: ${buf.length} bytes is too small`);
  verifyTag(buf, 0, { idents: [TagIdent.AllocationExtent], location, what });
  const lengthAd = buf.readUInt32LE(20);
  if (24 + lengthAd > buf.length) {
    throw new MediaCorruptError('udf', `${what}: L_AD ${lengthAd} runs past the ${buf.length}-byte extent`);
  }
  return { adArea: buf.subarray(24, 24 + lengthAd) };
}
