import { MediaCorruptError } from '../errors.js';
import type { RandomAccessSource } from '../source.js';
import { decodeAnchor, type AnchorPointer } from './descriptors.js';

/** A verified AVDP and the sector size it was found with. */
export interface FoundAnchor {
  readonly sectorSize: number;
  /** Sector the AVDP was read from. */
  readonly location: number;
  readonly anchor: AnchorPointer;
}

/** Sector sizes tried: optical media first, then 512-byte disk images (mkudffs' default on files). */
const SECTOR_SIZES = [2048, 512, 4096] as const;
const ANCHOR_BYTES = 512;

/**
 * Finds a valid AVDP at sector 256, N−1 or N−257 (ECMA-167 3/8.4.2.1), for each
 * candidate sector size. The tag location check keeps one sector size's anchor from
 * being taken for another's. Returns null when there is none.
 */
export async function findAnchor(source: RandomAccessSource): Promise<FoundAnchor | null> {
  for (const sectorSize of SECTOR_SIZES) {
    const sectors = Math.floor(source.size / sectorSize);
    const seen = new Set<number>();
    for (const location of [256, sectors - 1, sectors - 257]) {
      if (location < 0 || seen.has(location) || (location + 1) * sectorSize > source.size) continue;
      seen.add(location);
      const buf = await source.read(location * sectorSize, Math.min(ANCHOR_BYTES, sectorSize));
      try {
        return { sectorSize, location, anchor: decodeAnchor(buf, location) };
      } catch (err) {
        if (!(err instanceof MediaCorruptError)) throw err;
      }
    }
  }
  return null;
}
