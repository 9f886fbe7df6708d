import { MediaCorruptError, MediaIoError } from '../errors.js';
import type { Extent } from '../extent.js';
import { collectExtents } from './allocation.js';
import type { PartitionDescriptor } from './descriptors.js';
import { FileType, decodeFileEntry } from './icb.js';
import { NO_LOCATION, type PartitionMap } from './partition-maps.js';
import { physicalPartition, type PartitionTable } from './partitions.js';

type MetadataMap = Extract<PartitionMap, { kind: 'metadata' }>;

async function loadMetadataFile(table: PartitionTable, physicalRef: number, lbn: number, fileType: number): Promise<Extent[]> {
  const what = `metadata ${fileType === FileType.MetadataMain ? 'file' : 'mirror file'} at block ${lbn}`;
  const buf = await table.read(physicalRef, lbn, table.blockSize);
  const entry = decodeFileEntry(buf, lbn);
  if (entry.fileType !== fileType) {
    throw new MediaCorruptError('udf', `${what}: file type ${entry.fileType}, expected ${fileType}`);
  }
  return collectExtents(table, entry, { lbn, partitionRef: physicalRef }, what);
}

/**
 * Makes each UDF 2.50+ metadata partition in `maps` usable: reads its metadata file
 * (fileType 0xFA) from the physical partition beneath it, or the mirror (0xFB) when the
 * main copy is damaged. Metadata-partition blocks are then offsets inside that file.
 */
export async function attachMetadataPartitions(
  table: PartitionTable,
  maps: readonly PartitionMap[],
  descriptors: ReadonlyMap<number, PartitionDescriptor>,
): Promise<void> {
  for (const [ref, map] of maps.entries()) {
    if (map.kind !== 'metadata') continue;
    const physicalRef = physicalRefFor(table, maps, map, descriptors);
    let extents: Extent[];
    try {
      extents = await loadMetadataFile(table, physicalRef, map.metadataFile, FileType.MetadataMain);
    } catch (mainErr) {
      const recoverable = mainErr instanceof MediaCorruptError || mainErr instanceof MediaIoError;
      if (!recoverable || map.mirrorFile === NO_LOCATION) throw mainErr;
      try {
        extents = await loadMetadataFile(table, physicalRef, map.mirrorFile, FileType.MetadataMirror);
      } catch {
        throw mainErr;
      }
    }
    table.attachMetadata(ref, map.partitionNumber, extents);
  }
}

function physicalRefFor(
  table: PartitionTable,
  maps: readonly PartitionMap[],
  map: MetadataMap,
  descriptors: ReadonlyMap<number, PartitionDescriptor>,
): number {
  const ref = maps.findIndex((m) => m.kind === 'physical' && m.partitionNumber === map.partitionNumber);
  // UDF requires a type-1 map for the partition beneath; tolerate its absence with a private reference.
  return ref >= 0 ? ref : table.addPhysical(physicalPartition(map.partitionNumber, descriptors));
}
