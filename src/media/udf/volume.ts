import { MediaCorruptError, MediaIoError, MediaLimitError } from '../errors.js';
import { MediaLimits } from '../limits.js';
import type { RandomAccessSource } from '../source.js';
import {
  decodeLogicalVolume,
  decodePartition,
  decodePrimaryVolume,
  decodeVolumePointer,
  type AnchorPointer,
  type ExtentAd,
  type LogicalVolume,
  type PartitionDescriptor,
  type PrimaryVolume,
} from './descriptors.js';
import { TagIdent, verifyTag } from './tag.js';

/** The prevailing descriptors of a Volume Descriptor Sequence. */
export interface VolumeDescriptors {
  readonly primary: PrimaryVolume | null;
  readonly logical: LogicalVolume;
  /** Prevailing Partition Descriptors, one per partition number. */
  readonly partitions: ReadonlyMap<number, PartitionDescriptor>;
}

interface Walk {
  primary: PrimaryVolume | null;
  logical: LogicalVolume | null;
  partitions: Map<number, PartitionDescriptor>;
  count: number;
}

function isBlank(buf: Buffer): boolean {
  for (const b of buf) if (b !== 0) return false;
  return true;
}

/** Walks one extent; returns the extent a VDP continues with, or null when the sequence ended. */
async function walkExtent(source: RandomAccessSource, sectorSize: number, extent: ExtentAd, walk: Walk): Promise<ExtentAd | null> {
  const budget = MediaLimits.maxVolumeDescriptors - walk.count + 1;
  const sectors = Math.min(Math.floor(extent.length / sectorSize), budget);
  const start = extent.location * sectorSize;
  if (sectors <= 0) return null;
  if (start + sectors * sectorSize > source.size) {
    throw new MediaCorruptError('udf', `volume descriptor sequence at sector ${extent.location} runs past the image`);
  }
  const buf = await source.read(start, sectors * sectorSize);
  let sector = 0;
  while (sector < sectors) {
    const at = sector * sectorSize;
    // An unrecorded sector ends the sequence as a Terminating Descriptor would (ECMA-167 3/8.4.2).
    if (isBlank(buf.subarray(at, at + sectorSize))) return null;
    if (++walk.count > MediaLimits.maxVolumeDescriptors) {
      throw new MediaLimitError('udf', `more than ${MediaLimits.maxVolumeDescriptors} volume descriptors`);
    }
    const location = extent.location + sector;
    const desc = buf.subarray(at);
    const tag = verifyTag(desc, 0, { location, what: `volume descriptor at sector ${location}` });
    let bytes = sectorSize;
    switch (tag.ident) {
      case TagIdent.PrimaryVolume: {
        const pvd = decodePrimaryVolume(desc);
        if (!walk.primary || pvd.sequenceNumber >= walk.primary.sequenceNumber) walk.primary = pvd;
        break;
      }
      case TagIdent.VolumePointer:
        return decodeVolumePointer(desc);
      case TagIdent.Partition: {
        const pd = decodePartition(desc);
        const prev = walk.partitions.get(pd.partitionNumber);
        if (!prev || pd.sequenceNumber >= prev.sequenceNumber) walk.partitions.set(pd.partitionNumber, pd);
        break;
      }
      case TagIdent.LogicalVolume: {
        const lvd = decodeLogicalVolume(desc);
        if (!walk.logical || lvd.sequenceNumber >= walk.logical.sequenceNumber) walk.logical = lvd;
        bytes = 440 + desc.readUInt32LE(264);
        break;
      }
      case TagIdent.UnallocatedSpace:
        bytes = 24 + 8 * desc.readUInt32LE(20);
        break;
      case TagIdent.ImplementationUseVolume:
        break;
      case TagIdent.Terminating:
        return null;
      default:
        throw new MediaCorruptError('udf', `volume descriptor at sector ${location}: unexpected tag ${tag.ident}`);
    }
    sector += Math.max(1, Math.ceil(bytes / sectorSize));
  }
  return null;
}

/** Walks one sequence from `first`, following Volume Descriptor Pointers. */
export async function walkSequence(source: RandomAccessSource, sectorSize: number, first: ExtentAd): Promise<VolumeDescriptors> {
  const walk: Walk = { primary: null, logical: null, partitions: new Map(), count: 0 };
  const visited = new Set<number>();
  let extent: ExtentAd | null = first;
  while (extent) {
    if (visited.has(extent.location)) {
      throw new MediaCorruptError('udf', `volume descriptor pointer loops back to sector ${extent.location}`);
    }
    visited.add(extent.location);
    extent = await walkExtent(source, sectorSize, extent, walk);
  }
  if (!walk.logical) throw new MediaCorruptError('udf', 'volume descriptor sequence has no logical volume descriptor');
  if (walk.partitions.size === 0) throw new MediaCorruptError('udf', 'volume descriptor sequence has no partition descriptor');
  return { primary: walk.primary, logical: walk.logical, partitions: walk.partitions };
}

/** Reads the main Volume Descriptor Sequence, falling back to the reserve one when the main is damaged. */
export async function readVolumeDescriptors(
  source: RandomAccessSource,
  sectorSize: number,
  anchor: AnchorPointer,
): Promise<VolumeDescriptors> {
  try {
    return await walkSequence(source, sectorSize, anchor.main);
  } catch (mainErr) {
    if (!(mainErr instanceof MediaCorruptError || mainErr instanceof MediaIoError)) throw mainErr;
    try {
      return await walkSequence(source, sectorSize, anchor.reserve);
    } catch {
      throw mainErr;
    }
  }
}
