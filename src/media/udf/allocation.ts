import { MediaCorruptError, MediaLimitError } from '../errors.js';
import { validateExtents, type Extent } from '../extent.js';
import { MediaLimits } from '../limits.js';
import { AdType, ExtentType, decodeAds, type AllocationDescriptor, type LbAddr } from './ad.js';
import { decodeAllocationExtent, type FileEntry } from './icb.js';
import type { PartitionTable } from './partitions.js';

/**
 * Turns a file entry's allocation descriptors into source extents: follows AED chains
 * (bounded by MediaLimits.maxAedChain, loops rejected), maps recorded extents through
 * the partition table, reads unrecorded ones as zeros, and truncates to the file size.
 */
export async function collectExtents(table: PartitionTable, entry: FileEntry, icb: LbAddr, what: string): Promise<Extent[]> {
  if (entry.adType === AdType.Embedded) {
    if (entry.size === 0) return [];
    return [{ kind: 'inline', data: Buffer.from(entry.adArea.subarray(0, entry.size)), length: entry.size }];
  }
  const extents: Extent[] = [];
  const visited = new Set<string>();
  let ads: AllocationDescriptor[] = decodeAds(entry.adArea, entry.adType, icb.partitionRef);
  let covered = 0;
  let i = 0;
  while (covered < entry.size && i < ads.length) {
    const ad = ads[i++]!;
    if (ad.type === ExtentType.Continuation) {
      ads = await readContinuation(table, entry, icb, ad, visited, what);
      i = 0;
      continue;
    }
    const take = Math.min(ad.length, entry.size - covered);
    if (ad.type === ExtentType.Recorded) extents.push(...table.map(ad.partitionRef, ad.lbn, take));
    else extents.push({ kind: 'zero', length: take });
    covered += take;
    if (extents.length > MediaLimits.maxExtentsPerFile) {
      throw new MediaLimitError('udf', `${what}: more than ${MediaLimits.maxExtentsPerFile} extents`);
    }
  }
  validateExtents('udf', extents, entry.size, table.source.size, what);
  return extents;
}

async function readContinuation(
  table: PartitionTable,
  entry: FileEntry,
  icb: LbAddr,
  ad: AllocationDescriptor,
  visited: Set<string>,
  what: string,
): Promise<AllocationDescriptor[]> {
  const key = `${ad.partitionRef}:${ad.lbn}`;
  if (visited.has(key)) throw new MediaCorruptError('udf', `${what}: allocation extent chain loops back to block ${ad.lbn}`);
  if (visited.size >= MediaLimits.maxAedChain) {
    throw new MediaLimitError('udf', `${what}: more than ${MediaLimits.maxAedChain} chained allocation extents`);
  }
  visited.add(key);
  // UDF 2.60 §2.3.11 keeps an AED within one block; never read more than that.
  const length = Math.min(ad.length, table.blockSize);
  if (length < 24) throw new MediaCorruptError('udf', `${what}: allocation extent of ${ad.length} bytes is too small`);
  const buf = await table.read(ad.partitionRef, ad.lbn, length);
  return decodeAds(decodeAllocationExtent(buf, ad.lbn).adArea, entry.adType, icb.partitionRef);
}
