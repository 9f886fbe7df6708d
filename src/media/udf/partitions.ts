import { MediaCorruptError } from '../errors.js';
import { readExtents, type Extent } from '../extent.js';
import type { RandomAccessSource } from '../source.js';
import type { PartitionDescriptor } from './descriptors.js';
import type { PartitionMap } from './partition-maps.js';

/** A partition reference resolved to where its blocks live. */
export type ResolvedPartition =
  | { readonly kind: 'physical'; readonly partitionNumber: number; readonly start: number; readonly length: number }
  | {
      readonly kind: 'metadata';
      readonly partitionNumber: number;
      /** Extents of the metadata file; block n of the partition is byte n×blockSize of this file. */
      readonly extents: readonly Extent[];
      /** Running start offset of each extent, for binary search. */
      readonly starts: readonly number[];
      readonly size: number;
    };

/**
 * Maps (partition reference, logical block) pairs to bytes in the source. References
 * index the LVD's partition maps; metadata partitions become usable once their metadata
 * file is attached with `attachMetadata`.
 */
export class PartitionTable {
  private readonly parts: (ResolvedPartition | undefined)[];

  constructor(
    readonly source: RandomAccessSource,
    readonly blockSize: number,
    physical: readonly (ResolvedPartition | undefined)[],
  ) {
    this.parts = [...physical];
  }

  /** Builds the table for `maps`, resolving type-1 maps and leaving metadata maps pending. */
  static fromMaps(
    source: RandomAccessSource,
    blockSize: number,
    maps: readonly PartitionMap[],
    descriptors: ReadonlyMap<number, PartitionDescriptor>,
  ): PartitionTable {
    const parts = maps.map((map) => (map.kind === 'physical' ? physicalPartition(map.partitionNumber, descriptors) : undefined));
    return new PartitionTable(source, blockSize, parts);
  }

  /** Number of partition references. */
  get count(): number {
    return this.parts.length;
  }

  /** The resolved partition behind `ref`; throws when it does not exist or is not ready. */
  partition(ref: number): ResolvedPartition {
    const part = this.parts[ref];
    if (!part) throw new MediaCorruptError('udf', `partition reference ${ref} does not name a usable partition`);
    return part;
  }

  /** Adds a physical partition under a new reference (for metadata files without a type-1 map); returns it. */
  addPhysical(part: ResolvedPartition): number {
    this.parts.push(part);
    return this.parts.length - 1;
  }

  /** Makes metadata partition `ref` usable, given its metadata file's extents. */
  attachMetadata(ref: number, partitionNumber: number, extents: readonly Extent[]): void {
    const starts: number[] = [];
    let size = 0;
    for (const e of extents) {
      starts.push(size);
      size += e.length;
    }
    this.parts[ref] = { kind: 'metadata', partitionNumber, extents, starts, size };
  }

  /** Maps `length` bytes from block `lbn` of partition `ref` to source extents. */
  map(ref: number, lbn: number, length: number): Extent[] {
    const part = this.partition(ref);
    const offset = lbn * this.blockSize;
    if (part.kind === 'physical') {
      if (offset + length > part.length * this.blockSize) {
        throw new MediaCorruptError('udf', `extent at block ${lbn} (+${length} bytes) runs past partition ${part.partitionNumber}`);
      }
      const sourceOffset = (part.start + lbn) * this.blockSize;
      if (sourceOffset + length > this.source.size) {
        throw new MediaCorruptError('udf', `extent at block ${lbn} (+${length} bytes) of partition ${part.partitionNumber} lies past the end of the image`);
      }
      return length === 0 ? [] : [{ kind: 'data', sourceOffset, length }];
    }
    if (offset + length > part.size) {
      throw new MediaCorruptError('udf', `extent at block ${lbn} (+${length} bytes) runs past the metadata partition`);
    }
    return sliceExtents(part, offset, length);
  }

  /** Reads `length` bytes from block `lbn` of partition `ref`. */
  async read(ref: number, lbn: number, length: number): Promise<Buffer> {
    return readExtents(this.source, this.map(ref, lbn, length), 0, length);
  }
}

/** Resolves partition number `partitionNumber` through its Partition Descriptor. */
export function physicalPartition(partitionNumber: number, descriptors: ReadonlyMap<number, PartitionDescriptor>): ResolvedPartition {
  const pd = descriptors.get(partitionNumber);
  if (!pd) throw new MediaCorruptError('udf', `partition map names partition ${partitionNumber}, which has no descriptor`);
  return { kind: 'physical', partitionNumber, start: pd.start, length: pd.length };
}

function sliceExtents(part: Extract<ResolvedPartition, { kind: 'metadata' }>, offset: number, length: number): Extent[] {
  const out: Extent[] = [];
  let lo = 0;
  let hi = part.starts.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (part.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  let pos = offset;
  const end = offset + length;
  for (let i = lo; pos < end && i < part.extents.length; i++) {
    const e = part.extents[i]!;
    const within = pos - part.starts[i]!;
    const n = Math.min(e.length - within, end - pos);
    if (e.kind === 'data') out.push({ kind: 'data', sourceOffset: e.sourceOffset + within, length: n });
    else if (e.kind === 'zero') out.push({ kind: 'zero', length: n });
    else out.push({ kind: 'inline', data: e.data.subarray(within, within + n), length: n });
    pos += n;
  }
  return out;
}
