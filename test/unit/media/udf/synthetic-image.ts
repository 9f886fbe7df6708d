// A small UDF 2.50 image with a metadata partition, assembled by hand because no
// Debian tool writes files into one (mkudffs 2.3 only makes 2.50 with a VAT; udfclient
// stops at 2.01). Layout, 2048-byte blocks, partition 0 starting at sector 300:
//   phys 0 / 1      metadata file EFE (0xFA) / mirror EFE (0xFB)
//   phys 10–13, 20–23  metadata file data = metadata blocks 0–3, 4–7; mirror copy at 30–37
//   meta 0 FSD, 1 root EFE, 2 file.bin EFE, 3–4 root directory data (straddles both
//   metadata extents), 5 sub EFE (embedded directory), 6 tiny.txt FE (embedded data)
//   file.bin: long_ads → phys 50–51 recorded, 8192 zero bytes, AED at phys 60 →
//   phys 70 recorded, AED at phys 61 → phys 80 recorded (1000 bytes).
import {
  allocationExtent, anchor, bare, blankImage, fid, fileEntry, fileSet, logicalVolume,
  longAd, metadataMap, partitionDesc, primaryVolume, shortAd, timestamp, type1Map,
} from './builder.js';

export const BS = 2048;
export const PART_START = 300;
const BLOCKS = 420;
const META_A = 10;
const META_B = 20;
const MIRROR = 30;

/** Expected contents of the synthetic image. */
export interface SyntheticImage {
  image: Buffer;
  fileBin: Buffer;
  tiny: Buffer;
}

/** Knobs for corrupt variants. */
export interface SyntheticOptions {
  /** Make the second AED continue to itself. */
  aedLoop?: boolean;
  /** Put a directory entry in sub that points back at the root. */
  dirLoop?: boolean;
  /** Zero the main metadata file's EFE, so the mirror must be used. */
  breakMetadataMain?: boolean;
  /** Damage the main Volume Descriptor Sequence, so the reserve must be used. */
  breakMainVds?: boolean;
}

function pattern(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

/** Builds the image described above. */
export function buildSynthetic(opts: SyntheticOptions = {}): SyntheticImage {
  const img = blankImage(BS, BLOCKS);
  const phys = (lbn: number, data: Buffer): void => void data.copy(img, (PART_START + lbn) * BS);
  const meta = Buffer.alloc(8 * BS);
  const put = (mlbn: number, data: Buffer): void => void data.copy(meta, mlbn * BS);

  const vds = (start: number): void => {
    const descs = [
      primaryVolume(start, 'SYNTH_VOL'),
      partitionDesc(start + 1, 0, PART_START, BLOCKS - PART_START - 20),
      logicalVolume(start + 2, { blockSize: BS, revision: 0x0250, lvid: 'Synthetic 2.50', fsd: [0, 1], maps: [type1Map(0), metadataMap(0, 0, 1)] }),
      bare(8, start + 3),
    ];
    descs.forEach((d, i) => d.copy(img, (start + i) * BS));
  };
  vds(32);
  vds(48);
  if (opts.breakMainVds) img.writeUInt8(img[34 * BS + 100]! ^ 0xff, 34 * BS + 100);
  anchor(256, [32, 16 * BS], [48, 16 * BS]).copy(img, 256 * BS);
  anchor(BLOCKS - 1, [32, 16 * BS], [48, 16 * BS]).copy(img, (BLOCKS - 1) * BS);

  const fileBin = Buffer.concat([pattern(2 * BS, 1), Buffer.alloc(4 * BS), pattern(BS, 2), pattern(1000, 3)]);
  phys(50, fileBin.subarray(0, 2 * BS));
  phys(70, fileBin.subarray(6 * BS, 7 * BS));
  phys(80, fileBin.subarray(7 * BS));
  phys(60, allocationExtent(60, Buffer.concat([longAd(BS, 70, 0), longAd(BS, 61, 0, 3)])));
  phys(61, allocationExtent(61, opts.aedLoop ? Buffer.concat([longAd(BS, 61, 0, 3)]) : longAd(1000, 80, 0)));
  const fileAds = Buffer.concat([longAd(2 * BS, 50, 0), longAd(4 * BS, 0, 0, 1), longAd(BS, 60, 0, 3)]);
  const mtime = timestamp(2024, 5, 17, 12, 30, 45, 120);
  put(2, fileEntry({ lbn: 2, blockSize: BS, extended: true, fileType: 5, size: fileBin.length, adType: 1, ads: fileAds, mtime }));

  const tiny = Buffer.from('tiny embedded file\n');
  put(6, fileEntry({ lbn: 6, blockSize: BS, extended: false, fileType: 5, size: tiny.length, adType: 3, ads: tiny, lengthEa: 32 }));
  const subDir = Buffer.concat([
    fid({ flags: 10, name: '', icb: [1, 1] }),
    fid({ flags: 0, name: 'tiny.txt', icb: [6, 1] }),
    ...(opts.dirLoop ? [fid({ flags: 2, name: 'up', icb: [1, 1] })] : []),
  ]);
  put(5, fileEntry({ lbn: 5, blockSize: BS, extended: true, fileType: 4, size: subDir.length, adType: 3, ads: subDir }));

  const rootDir = Buffer.concat([
    fid({ flags: 10, name: '', icb: [1, 1] }),
    fid({ flags: 0, name: 'padding-entry', icb: [6, 1], impUse: 1990 }),
    fid({ flags: 0, name: 'file.bin', icb: [2, 1] }),
    fid({ flags: 4, name: 'deleted.txt', icb: [6, 1] }),
    fid({ flags: 2, name: 'Sub ✓', icb: [5, 1] }),
  ]);
  put(3, rootDir);
  put(1, fileEntry({ lbn: 1, blockSize: BS, extended: true, fileType: 4, size: rootDir.length, adType: 0, ads: shortAd(rootDir.length, 3) }));
  put(0, fileSet(0, [1, 1], BS, 'Synthetic 2.50'));

  phys(META_A, meta.subarray(0, 4 * BS));
  phys(META_B, meta.subarray(4 * BS));
  phys(MIRROR, meta);
  const mainAds = Buffer.concat([shortAd(4 * BS, META_A), shortAd(4 * BS, META_B)]);
  if (!opts.breakMetadataMain) {
    phys(0, fileEntry({ lbn: 0, blockSize: BS, extended: true, fileType: 0xfa, size: 8 * BS, adType: 0, ads: mainAds }));
  }
  phys(1, fileEntry({ lbn: 1, blockSize: BS, extended: true, fileType: 0xfb, size: 8 * BS, adType: 0, ads: shortAd(8 * BS, MIRROR) }));
  return { image: img, fileBin, tiny };
}
