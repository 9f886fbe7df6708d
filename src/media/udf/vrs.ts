import { MediaLimits } from '../limits.js';
import type { RandomAccessSource } from '../source.js';

/** Volume structure descriptor identifiers that may appear in the recognition sequence. */
const KNOWN = new Set(['BEA01', 'BOOT2', 'CD001', 'CDW02', 'NSR02', 'NSR03', 'TEA01']);

/** First byte of the Volume Recognition Sequence (sector 16 of 2048 bytes). */
export const VRS_START = 32 * 1024;
/** Stride of recognition descriptors on media with sectors up to 2048 bytes; larger sectors hold one each. */
export const VRS_STRIDE = 2048;
const BATCH = 16;

/**
 * Lists the identifiers of the Volume Recognition Sequence (ECMA-167 2/8.3), e.g.
 * ['CD001', 'CD001', 'BEA01', 'NSR02', 'TEA01'], stopping at TEA01, at the first
 * unrecognised descriptor or at MediaLimits.maxVolumeDescriptors. `stride` is the
 * sector size when it exceeds 2048 bytes.
 */
export async function readRecognitionSequence(source: RandomAccessSource, stride = VRS_STRIDE): Promise<string[]> {
  const found: string[] = [];
  let offset = VRS_START;
  while (found.length < MediaLimits.maxVolumeDescriptors) {
    const count = Math.min(BATCH, Math.floor((source.size - offset) / stride));
    if (count <= 0) break;
    const buf = await source.read(offset, count * stride);
    for (let i = 0; i < count; i++) {
      const ident = buf.toString('latin1', i * stride + 1, i * stride + 6);
      if (!KNOWN.has(ident)) return found;
      found.push(ident);
      if (ident === 'TEA01' || found.length >= MediaLimits.maxVolumeDescriptors) return found;
    }
    offset += count * stride;
  }
  return found;
}

/** True when the sequence announces ECMA-167/UDF content (NSR02 or NSR03). */
export function hasNsr(sequence: readonly string[]): boolean {
  return sequence.includes('NSR02') || sequence.includes('NSR03');
}
