import { MediaCorruptError, MediaUnsupportedError } from '../errors.js';

/** Size in bytes of the on-disk WIM header. */
export const WIM_HEADER_SIZE = 208;

/** Header version of ordinary WIMs. */
export const WIM_VERSION_DEFAULT = 0x10d00;
/** Header version of WIMs written by pre-Vista tools. */
export const WIM_VERSION_OLD = 0x10b00;
/** Header version of WIMs that may hold solid (LZMS) resources, i.e. ESDs. */
export const WIM_VERSION_SOLID = 0xe00;

/** Header flag bits (wimlib `include/wimlib/header.h`). */
export const WimHeaderFlag = {
  Compression: 0x2,
  ReadOnly: 0x4,
  Spanned: 0x8,
  ResourceOnly: 0x10,
  MetadataOnly: 0x20,
  WriteInProgress: 0x40,
  RpFix: 0x80,
  CompressXpress: 0x20000,
  CompressLzx: 0x40000,
  CompressLzms: 0x80000,
} as const;

/** Resource header flag bits. */
export const WimResourceFlag = {
  Free: 0x01,
  Metadata: 0x02,
  Compressed: 0x04,
  Spanned: 0x08,
  Solid: 0x10,
} as const;

/** A 24-byte resource header: where a resource lies in the WIM and how it is stored. */
export interface WimResourceHeader {
  /** Bytes the resource occupies in the file. */
  readonly size: number;
  /** Raw flag byte. */
  readonly flags: number;
  /** Absolute offset in the file. */
  readonly offset: number;
  /** Size once decompressed. */
  readonly originalSize: number;
  readonly free: boolean;
  readonly metadata: boolean;
  readonly compressed: boolean;
  readonly spanned: boolean;
  readonly solid: boolean;
}

/** Compression named by the header flags. */
export type WimCompression = 'none' | 'xpress' | 'lzx' | 'lzms' | 'unknown';

/** A decoded WIM/ESD/SWM header. */
export interface WimHeader {
  readonly headerSize: number;
  readonly version: number;
  /** True for version 0xe00 (ESD / solid resources). */
  readonly solid: boolean;
  /** Raw header flags. */
  readonly flags: number;
  readonly compression: WimCompression;
  readonly readOnly: boolean;
  readonly spanned: boolean;
  readonly writeInProgress: boolean;
  readonly rpFix: boolean;
  /** Compression chunk size in bytes (0 when uncompressed). */
  readonly chunkSize: number;
  /** GUID as 32 lower-case hex digits, in on-disk byte order (as wimlib prints it). */
  readonly guid: string;
  /** 1-based part number of a split (.swm) set. */
  readonly partNumber: number;
  readonly totalParts: number;
  readonly imageCount: number;
  readonly blobTable: WimResourceHeader;
  readonly xml: WimResourceHeader;
  readonly bootMetadata: WimResourceHeader;
  /** 1-based index of the bootable image, 0 for none. */
  readonly bootIndex: number;
  readonly integrity: WimResourceHeader;
}

const MAGIC = Buffer.from('MSWIM\0\0\0', 'latin1');
const PIPABLE_MAGIC = Buffer.from('WLPWM\0\0\0', 'latin1');
const KNOWN_VERSIONS = new Set([WIM_VERSION_DEFAULT, WIM_VERSION_OLD, WIM_VERSION_SOLID]);

function safeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MediaCorruptError('wim', `${what} ${value} is beyond 2^53 bytes`);
  }
  return Number(value);
}

/** Decodes the 24-byte resource header at `offset` in `buf`. */
export function decodeResourceHeader(buf: Buffer, offset: number, what: string): WimResourceHeader {
  if (offset < 0 || offset + 24 > buf.length) {
    throw new MediaCorruptError('wim', `${what} resource header is truncated`);
  }
  // Size is a 56-bit field; the top byte of the same u64 holds the flags.
  const sizeAndFlags = buf.readBigUInt64LE(offset);
  const flags = Number(sizeAndFlags >> 56n);
  const size = safeNumber(sizeAndFlags & 0x00ff_ffff_ffff_ffffn, `${what} size`);
  const resOffset = safeNumber(buf.readBigUInt64LE(offset + 8), `${what} offset`);
  const originalSize = safeNumber(buf.readBigUInt64LE(offset + 16), `${what} original size`);
  if (resOffset + size > Number.MAX_SAFE_INTEGER) {
    throw new MediaCorruptError('wim', `${what} resource ends beyond 2^53 bytes`);
  }
  return {
    size,
    flags,
    offset: resOffset,
    originalSize,
    free: (flags & WimResourceFlag.Free) !== 0,
    metadata: (flags & WimResourceFlag.Metadata) !== 0,
    compressed: (flags & WimResourceFlag.Compressed) !== 0,
    spanned: (flags & WimResourceFlag.Spanned) !== 0,
    solid: (flags & WimResourceFlag.Solid) !== 0,
  };
}

function compressionOf(flags: number): WimCompression {
  if ((flags & WimHeaderFlag.Compression) === 0) return 'none';
  if (flags & WimHeaderFlag.CompressLzms) return 'lzms';
  if (flags & WimHeaderFlag.CompressLzx) return 'lzx';
  if (flags & WimHeaderFlag.CompressXpress) return 'xpress';
  return 'unknown';
}

/** Decodes the 208-byte header at the start of a WIM, ESD or split-WIM part. */
export function decodeWimHeader(buf: Buffer): WimHeader {
  if (buf.length < WIM_HEADER_SIZE) {
    throw new MediaCorruptError('wim', `header is truncated: ${buf.length} of ${WIM_HEADER_SIZE} bytes`);
  }
  const magic = buf.subarray(0, 8);
  if (magic.equals(PIPABLE_MAGIC)) {
    throw new MediaUnsupportedError('wim', 'pipable WIM (wimlib WLPWM format) is not supported; re-export it with wimlib-imagex export');
  }
  if (!magic.equals(MAGIC)) {
    throw new MediaCorruptError('wim', `bad magic ${magic.toString('hex')} (expected MSWIM\\0\\0\\0)`);
  }
  const headerSize = buf.readUInt32LE(0x08);
  if (headerSize !== WIM_HEADER_SIZE) {
    throw new MediaCorruptError('wim', `header size is ${headerSize}, expected ${WIM_HEADER_SIZE}`);
  }
  const version = buf.readUInt32LE(0x0c);
  if (!KNOWN_VERSIONS.has(version)) {
    throw new MediaUnsupportedError('wim', `unknown WIM version 0x${version.toString(16)}`);
  }
  const flags = buf.readUInt32LE(0x10);
  const partNumber = buf.readUInt16LE(0x28);
  const totalParts = buf.readUInt16LE(0x2a);
  if (totalParts === 0 || partNumber === 0 || partNumber > totalParts) {
    throw new MediaCorruptError('wim', `invalid part number ${partNumber} of ${totalParts}`);
  }
  const imageCount = buf.readUInt32LE(0x2c);
  const bootIndex = buf.readUInt32LE(0x78);
  if (bootIndex > imageCount) {
    throw new MediaCorruptError('wim', `boot index ${bootIndex} exceeds image count ${imageCount}`);
  }
  return {
    headerSize,
    version,
    solid: version === WIM_VERSION_SOLID,
    flags,
    compression: compressionOf(flags),
    readOnly: (flags & WimHeaderFlag.ReadOnly) !== 0,
    spanned: (flags & WimHeaderFlag.Spanned) !== 0,
    writeInProgress: (flags & WimHeaderFlag.WriteInProgress) !== 0,
    rpFix: (flags & WimHeaderFlag.RpFix) !== 0,
    chunkSize: buf.readUInt32LE(0x14),
    guid: buf.subarray(0x18, 0x28).toString('hex'),
    partNumber,
    totalParts,
    imageCount,
    blobTable: decodeResourceHeader(buf, 0x30, 'blob table'),
    xml: decodeResourceHeader(buf, 0x48, 'XML'),
    bootMetadata: decodeResourceHeader(buf, 0x60, 'boot metadata'),
    bootIndex,
    integrity: decodeResourceHeader(buf, 0x7c, 'integrity table'),
  };
}
