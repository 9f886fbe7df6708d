import { MediaCorruptError } from '../errors.js';
import { decodeDstring } from './cs0.js';
import { decodeLongAd, type AllocationDescriptor } from './ad.js';
import { decodePartitionMaps, type PartitionMap } from './partition-maps.js';
import { TagIdent, verifyTag } from './tag.js';

/** An extent_ad: a run of `length` bytes starting at sector `location`. */
export interface ExtentAd {
  readonly length: number;
  readonly location: number;
}

/** Anchor Volume Descriptor Pointer (tag 2). */
export interface AnchorPointer {
  readonly main: ExtentAd;
  readonly reserve: ExtentAd;
}

/** Primary Volume Descriptor (tag 1): the parts vizor uses. */
export interface PrimaryVolume {
  readonly sequenceNumber: number;
  readonly volumeId: string;
}

/** Partition Descriptor (tag 5). */
export interface PartitionDescriptor {
  readonly sequenceNumber: number;
  readonly partitionNumber: number;
  /** `+NSR02` or `+NSR03` for UDF data. */
  readonly contents: string;
  /** 0 unspecified, 1 read-only, 2 write-once, 3 rewritable, 4 overwritable. */
  readonly accessType: number;
  /** First sector of the partition, absolute. */
  readonly start: number;
  /** Length in sectors. */
  readonly length: number;
}

/** Logical Volume Descriptor (tag 6). */
export interface LogicalVolume {
  readonly sequenceNumber: number;
  readonly logicalVolumeId: string;
  readonly blockSize: number;
  readonly domain: string;
  /** UDF revision from the domain identifier suffix, e.g. 0x0250. */
  readonly revision: number;
  /** Where the File Set Descriptor lies. */
  readonly fileSet: AllocationDescriptor;
  readonly maps: readonly PartitionMap[];
}

/** File Set Descriptor (tag 256). */
export interface FileSet {
  readonly logicalVolumeId: string;
  readonly fileSetId: string;
  readonly root: AllocationDescriptor;
}

/** Reads a registered identifier (regid) string: 23 bytes after its flags byte, NUL-trimmed. */
export function decodeRegidIdent(buf: Buffer, offset: number): string {
  return buf.toString('latin1', offset + 1, offset + 24).replace(/\0.*$/s, '');
}

function need(buf: Buffer, size: number, what: string): void {
  if (buf.length < size) throw new MediaCorruptError('udf', `${what}: ${buf.length} bytes, need ${size}`);
}

function extentAd(buf: Buffer, offset: number): ExtentAd {
  return { length: buf.readUInt32LE(offset), location: buf.readUInt32LE(offset + 4) };
}

/** Decodes and verifies an AVDP recorded at sector `location`. */
export function decodeAnchor(buf: Buffer, location: number): AnchorPointer {
  need(buf, 32, 'anchor');
  verifyTag(buf, 0, { idents: [TagIdent.AnchorVolumePointer], location, what: `anchor at sector ${location}` });
  return { main: extentAd(buf, 16), reserve: extentAd(buf, 24) };
}

/** Decodes a Volume Descriptor Pointer (tag 3): where the sequence continues. */
export function decodeVolumePointer(buf: Buffer): ExtentAd {
  need(buf, 28, 'volume descriptor pointer');
  return extentAd(buf, 20);
}

/** Decodes a Primary Volume Descriptor (tag 1). */
export function decodePrimaryVolume(buf: Buffer): PrimaryVolume {
  need(buf, 56, 'primary volume descriptor');
  return { sequenceNumber: buf.readUInt32LE(16), volumeId: decodeDstring(buf, 24, 32, 'volume identifier') };
}

/** Decodes a Partition Descriptor (tag 5). */
export function decodePartition(buf: Buffer): PartitionDescriptor {
  need(buf, 196, 'partition descriptor');
  return {
    sequenceNumber: buf.readUInt32LE(16),
    partitionNumber: buf.readUInt16LE(22),
    contents: decodeRegidIdent(buf, 24),
    accessType: buf.readUInt32LE(184),
    start: buf.readUInt32LE(188),
    length: buf.readUInt32LE(192),
  };
}

/** Decodes a Logical Volume Descriptor (tag 6) with its partition maps. */
export function decodeLogicalVolume(buf: Buffer): LogicalVolume {
  need(buf, 440, 'logical volume descriptor');
  const mapTableLength = buf.readUInt32LE(264);
  const mapCount = buf.readUInt32LE(268);
  if (440 + mapTableLength > buf.length) {
    throw new MediaCorruptError('udf', `logical volume descriptor: partition map table of ${mapTableLength} bytes runs past the descriptor`);
  }
  return {
    sequenceNumber: buf.readUInt32LE(16),
    logicalVolumeId: decodeDstring(buf, 84, 128, 'logical volume identifier'),
    blockSize: buf.readUInt32LE(212),
    domain: decodeRegidIdent(buf, 216),
    revision: buf.readUInt16LE(240),
    fileSet: decodeLongAd(buf, 248),
    maps: decodePartitionMaps(buf.subarray(440, 440 + mapTableLength), mapCount),
  };
}

/** Decodes and verifies a File Set Descriptor (tag 256) found at block `location`. */
export function decodeFileSet(buf: Buffer, location: number): FileSet {
  need(buf, 416, 'file set descriptor');
  verifyTag(buf, 0, { idents: [TagIdent.FileSet], location, what: 'file set descriptor' });
  return {
    logicalVolumeId: decodeDstring(buf, 112, 128, 'file set logical volume identifier'),
    fileSetId: decodeDstring(buf, 304, 32, 'file set identifier'),
    root: decodeLongAd(buf, 400),
  };
}
