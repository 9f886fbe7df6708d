/**
 * Safety bounds applied by every reader, so that a hostile or corrupt image ends in a
 * MediaLimitError instead of a hang or an unbounded allocation. Real install media stay
 * far below each of them.
 */
export const MediaLimits = {
  /** Bytes of one directory's data read into memory. */
  maxDirectoryBytes: 16 * 1024 * 1024,
  /** Entries in one directory. */
  maxDirectoryEntries: 65_536,
  /** Extents (allocation descriptors) making up one file. */
  maxExtentsPerFile: 1_000_000,
  /** Allocation extent descriptors chained from one file entry. */
  maxAedChain: 4_096,
  /** Volume descriptors walked in one sequence. */
  maxVolumeDescriptors: 256,
  /** Rock Ridge continuation areas followed for one directory record. */
  maxRockRidgeContinuations: 32,
  /** Bytes of a WIM XML resource read into memory. */
  maxWimXmlBytes: 32 * 1024 * 1024,
  /** Nested directory depth walked by recursive listings. */
  maxDepth: 64,
  /** El Torito catalog entries read. */
  maxBootEntries: 256,
} as const;
