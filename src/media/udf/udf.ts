import { MediaCorruptError, MediaUnsupportedError } from '../errors.js';
import type { RandomAccessSource } from '../source.js';
import { findAnchor } from './anchor.js';
import { decodeFileSet } from './descriptors.js';
import { UdfFileSystem, UdfRef } from './filesystem.js';
import { attachMetadataPartitions } from './metadata.js';
import { PartitionTable } from './partitions.js';
import { VRS_STRIDE, hasNsr, readRecognitionSequence } from './vrs.js';
import { readVolumeDescriptors } from './volume.js';

/** What openUdf learnt about the volume. */
export interface UdfVolumeInfo {
  /** UDF revision from the LVD domain identifier, e.g. 0x0102. */
  readonly revision: number;
  /** The revision as text, e.g. '1.02'. */
  readonly revisionText: string;
  /** Primary Volume Descriptor volume identifier. */
  readonly volumeId: string;
  /** Logical Volume Descriptor identifier (what Windows shows as the label). */
  readonly logicalVolumeId: string;
  readonly blockSize: number;
  /** First sector of the physical partition holding the root directory. */
  readonly partitionStart: number;
  /** Its length in blocks. */
  readonly partitionLength: number;
  readonly hasMetadataPartition: boolean;
  /** Volume Recognition Sequence identifiers, e.g. ['CD001', 'BEA01', 'NSR02', 'TEA01']. */
  readonly vrs: string[];
}

/** An opened UDF volume. */
export interface UdfVolume {
  readonly info: UdfVolumeInfo;
  readonly fileSystem: UdfFileSystem;
}

const OSTA_DOMAIN = '*OSTA UDF Compliant';
const MIN_REVISION = 0x0100;
const MAX_REVISION = 0x0260;

/** Formats a UDF revision (BCD-like hex) as text: 0x0250 → '2.50'. */
export function formatRevision(revision: number): string {
  return `${(revision >> 8).toString(16)}.${(revision & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * Opens the UDF file system on `source`. Returns null when the source carries no UDF
 * (no NSR02/NSR03 recognition descriptor and no valid anchor); throws
 * MediaCorruptError, MediaUnsupportedError or MediaLimitError when UDF is present but
 * unreadable.
 */
export async function openUdf(source: RandomAccessSource): Promise<UdfVolume | null> {
  const found = await findAnchor(source);
  const vrs = await readRecognitionSequence(source, Math.max(VRS_STRIDE, found?.sectorSize ?? 0));
  if (!found) {
    if (!hasNsr(vrs)) return null;
    throw new MediaCorruptError('udf', 'recognition sequence announces UDF but no valid anchor (AVDP) was found at sector 256, N-1 or N-257');
  }
  const { sectorSize } = found;
  const vds = await readVolumeDescriptors(source, sectorSize, found.anchor);
  const lvd = vds.logical;
  if (lvd.domain !== OSTA_DOMAIN) throw new MediaUnsupportedError('udf', `logical volume domain "${lvd.domain}" is not OSTA UDF`);
  if (lvd.revision < MIN_REVISION || lvd.revision > MAX_REVISION) {
    throw new MediaUnsupportedError('udf', `UDF revision ${formatRevision(lvd.revision)} is outside 1.00–2.60`);
  }
  if (lvd.blockSize !== sectorSize) {
    throw new MediaUnsupportedError('udf', `logical block size ${lvd.blockSize} differs from the ${sectorSize}-byte sectors`);
  }
  const table = PartitionTable.fromMaps(source, lvd.blockSize, lvd.maps, vds.partitions);
  await attachMetadataPartitions(table, lvd.maps, vds.partitions);
  const fsdBuf = await table.read(lvd.fileSet.partitionRef, lvd.fileSet.lbn, lvd.blockSize);
  const fsd = decodeFileSet(fsdBuf, lvd.fileSet.lbn);
  const root = new UdfRef(fsd.root.partitionRef, fsd.root.lbn);
  const rootMap = lvd.maps[root.partitionRef];
  if (!rootMap) throw new MediaCorruptError('udf', `root directory lies in partition reference ${root.partitionRef}, which does not exist`);
  const pd = vds.partitions.get(rootMap.partitionNumber);
  const logicalVolumeId = lvd.logicalVolumeId || fsd.logicalVolumeId;
  const volumeId = vds.primary?.volumeId ?? '';
  const info: UdfVolumeInfo = {
    revision: lvd.revision,
    revisionText: formatRevision(lvd.revision),
    volumeId,
    logicalVolumeId,
    blockSize: lvd.blockSize,
    partitionStart: pd?.start ?? 0,
    partitionLength: pd?.length ?? 0,
    hasMetadataPartition: lvd.maps.some((m) => m.kind === 'metadata'),
    vrs,
  };
  return { info, fileSystem: new UdfFileSystem(table, logicalVolumeId || volumeId, root) };
}
