import { MediaCorruptError } from '../errors.js';

/** How a file entry records its allocation descriptors (ICB tag flags bits 0–2). */
export const AdType = { Short: 0, Long: 1, Extended: 2, Embedded: 3 } as const;
/** An AdType value. */
export type AdTypeValue = (typeof AdType)[keyof typeof AdType];

/** Extent types held in the top two bits of extLength (ECMA-167 4/14.14.1.1). */
export const ExtentType = { Recorded: 0, AllocatedNotRecorded: 1, NotAllocated: 2, Continuation: 3 } as const;
/** An ExtentType value. */
export type ExtentTypeValue = (typeof ExtentType)[keyof typeof ExtentType];

/** Byte size of one descriptor of each type (embedded data has none). */
export const AD_SIZE: Readonly<Record<number, number>> = { 0: 8, 1: 16, 2: 20 };

/** One allocation descriptor, normalised across short_ad, long_ad and ext_ad. */
export interface AllocationDescriptor {
  readonly type: ExtentTypeValue;
  /** Extent length in bytes (bits 0–29 of extLength). */
  readonly length: number;
  /** Logical block number, relative to the partition. */
  readonly lbn: number;
  /** Index into the logical volume's partition maps. */
  readonly partitionRef: number;
}

/** A long_ad-style address of a block: partition reference plus logical block. */
export interface LbAddr {
  readonly lbn: number;
  readonly partitionRef: number;
}

function splitExtLength(raw: number): { type: ExtentTypeValue; length: number } {
  // raw is a u32 read with readUInt32LE, so these bit operations are exact.
  return { type: (raw >>> 30) as ExtentTypeValue, length: raw & 0x3fffffff };
}

function need(buf: Buffer, offset: number, size: number, what: string): void {
  if (offset < 0 || offset + size > buf.length) {
    throw new MediaCorruptError('udf', `${what} at ${offset} runs past its ${buf.length}-byte buffer`);
  }
}

/** Decodes a short_ad (8 bytes); it lies in the partition of the ICB that holds it. */
export function decodeShortAd(buf: Buffer, offset: number, partitionRef: number): AllocationDescriptor {
  need(buf, offset, 8, 'short_ad');
  return { ...splitExtLength(buf.readUInt32LE(offset)), lbn: buf.readUInt32LE(offset + 4), partitionRef };
}

/** Decodes a long_ad (16 bytes). */
export function decodeLongAd(buf: Buffer, offset: number): AllocationDescriptor {
  need(buf, offset, 16, 'long_ad');
  return {
    ...splitExtLength(buf.readUInt32LE(offset)),
    lbn: buf.readUInt32LE(offset + 4),
    partitionRef: buf.readUInt16LE(offset + 8),
  };
}

/** Decodes an ext_ad (20 bytes: extLength, recordedLength, informationLength, lb_addr). */
export function decodeExtAd(buf: Buffer, offset: number): AllocationDescriptor {
  need(buf, offset, 20, 'ext_ad');
  return {
    ...splitExtLength(buf.readUInt32LE(offset)),
    lbn: buf.readUInt32LE(offset + 12),
    partitionRef: buf.readUInt16LE(offset + 16),
  };
}

/** Decodes an lb_addr (6 bytes: lbn u32, partitionRef u16). */
export function decodeLbAddr(buf: Buffer, offset: number): LbAddr {
  need(buf, offset, 6, 'lb_addr');
  return { lbn: buf.readUInt32LE(offset), partitionRef: buf.readUInt16LE(offset + 4) };
}

/**
 * Decodes the descriptors packed in `area`, stopping at a zero-length one (ECMA-167
 * 4/12: it ends the sequence) or the end of the area. A partial trailing descriptor is
 * corrupt.
 */
export function decodeAds(area: Buffer, adType: AdTypeValue, partitionRef: number): AllocationDescriptor[] {
  const size = AD_SIZE[adType];
  if (size === undefined) throw new MediaCorruptError('udf', `allocation descriptor type ${adType} has no descriptors`);
  if (area.length % size !== 0) {
    throw new MediaCorruptError('udf', `allocation descriptor area of ${area.length} bytes is not a multiple of ${size}`);
  }
  const out: AllocationDescriptor[] = [];
  for (let off = 0; off < area.length; off += size) {
    const ad =
      adType === AdType.Short
        ? decodeShortAd(area, off, partitionRef)
        : adType === AdType.Long
          ? decodeLongAd(area, off)
          : decodeExtAd(area, off);
    if (ad.length === 0) break;
    out.push(ad);
  }
  return out;
}
