import { MediaCorruptError, MediaUnsupportedError } from '../errors.js';

/** Partition map entries in a Logical Volume Descriptor (ECMA-167 3/10.7, UDF 2.60 §2.2.8–2.2.10). */
export type PartitionMap =
  | { readonly kind: 'physical'; readonly volumeSequence: number; readonly partitionNumber: number }
  | {
      readonly kind: 'metadata';
      readonly volumeSequence: number;
      readonly partitionNumber: number;
      /** Block of the metadata file's ICB, in the physical partition. */
      readonly metadataFile: number;
      /** Block of the mirror file's ICB, or 0xFFFFFFFF when absent. */
      readonly mirrorFile: number;
      readonly bitmapFile: number;
      readonly allocationUnit: number;
      readonly alignmentUnit: number;
      /** Bit 0: the mirror duplicates the metadata file. */
      readonly flags: number;
    };

/** No block: the value UDF records for an absent file location. */
export const NO_LOCATION = 0xffffffff;

/** Type-2 map identifiers (UDF 2.60 §2.2.8–2.2.10). */
export const PartitionMapIdent = {
  Metadata: '*UDF Metadata Partition',
  Virtual: '*UDF Virtual Partition',
  Sparable: '*UDF Sparable Partition',
} as const;

function decodeType2(map: Buffer, index: number): PartitionMap {
  if (map.length < 40) throw new MediaCorruptError('udf', `partition map ${index}: type 2 map of ${map.length} bytes`);
  const ident = map.toString('latin1', 5, 28).replace(/\0.*$/s, '');
  const volumeSequence = map.readUInt16LE(36);
  const partitionNumber = map.readUInt16LE(38);
  if (ident === PartitionMapIdent.Metadata) {
    if (map.length < 59) throw new MediaCorruptError('udf', `partition map ${index}: metadata map of ${map.length} bytes`);
    return {
      kind: 'metadata',
      volumeSequence,
      partitionNumber,
      metadataFile: map.readUInt32LE(40),
      mirrorFile: map.readUInt32LE(44),
      bitmapFile: map.readUInt32LE(48),
      allocationUnit: map.readUInt32LE(52),
      alignmentUnit: map.readUInt16LE(56),
      flags: map[58]!,
    };
  }
  if (ident === PartitionMapIdent.Virtual || ident === PartitionMapIdent.Sparable) {
    throw new MediaUnsupportedError('udf', `partition map ${index}: "${ident}" (write-once or packet-written media) is not supported`);
  }
  throw new MediaUnsupportedError('udf', `partition map ${index}: unknown type 2 map "${ident}"`);
}

/** Decodes `count` partition maps packed in `table` (the LVD bytes from offset 440). */
export function decodePartitionMaps(table: Buffer, count: number): PartitionMap[] {
  // Each map takes at least 2 bytes, so a count beyond that is a lie we need not loop over.
  if (count > table.length / 2) {
    throw new MediaCorruptError('udf', `logical volume claims ${count} partition maps in ${table.length} bytes`);
  }
  const maps: PartitionMap[] = [];
  let off = 0;
  for (let i = 0; i < count; i++) {
    if (off + 2 > table.length) throw new MediaCorruptError('udf', `partition map ${i} runs past the map table`);
    const type = table[off]!;
    const length = table[off + 1]!;
    if (length < 2 || off + length > table.length) {
      throw new MediaCorruptError('udf', `partition map ${i}: length ${length} does not fit the map table`);
    }
    const map = table.subarray(off, off + length);
    if (type === 1) {
      if (length !== 6) throw new MediaCorruptError('udf', `partition map ${i}: type 1 map of length ${length}`);
      maps.push({ kind: 'physical', volumeSequence: map.readUInt16LE(2), partitionNumber: map.readUInt16LE(4) });
    } else if (type === 2) {
      maps.push(decodeType2(map, i));
    } else {
      throw new MediaCorruptError('udf', `partition map ${i}: unknown map type ${type}`);
    }
    off += length;
  }
  return maps;
}
