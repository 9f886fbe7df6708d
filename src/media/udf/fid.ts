import { MediaCorruptError, MediaLimitError } from '../errors.js';
import { decodeLongAd, type AllocationDescriptor } from './ad.js';
import { decodeCs0 } from './cs0.js';
import { TagIdent, verifyTag } from './tag.js';

/** FID file characteristics bits (ECMA-167 4/14.4.3). */
export const FidFlag = { Hidden: 1, Directory: 2, Deleted: 4, Parent: 8, Metadata: 16 } as const;

/** One File Identifier Descriptor (tag 257). */
export interface FileIdentifier {
  readonly characteristics: number;
  /** Decoded name; empty for the parent entry. */
  readonly name: string;
  /** Where the entry's ICB (FE/EFE) lies. */
  readonly icb: AllocationDescriptor;
  /** Bytes the FID occupies, padding included. */
  readonly size: number;
}

/** Bytes a FID with these lengths occupies: header, impUse and name, padded to 4. */
export function fidSize(lengthImpUse: number, lengthName: number): number {
  return Math.ceil((38 + lengthImpUse + lengthName) / 4) * 4;
}

/**
 * Decodes the FID at `offset` in directory data. The name is decoded only for live
 * entries, since deleted ones may carry compression ids 254/255 that names may not.
 */
export function decodeFid(data: Buffer, offset: number): FileIdentifier {
  const what = `file identifier at directory offset ${offset}`;
  if (offset + 38 > data.length) throw new MediaCorruptError('udf', `${what}: runs past the directory's ${data.length} bytes`);
  const lengthName = data[offset + 19]!;
  const lengthImpUse = data.readUInt16LE(offset + 36);
  const size = fidSize(lengthImpUse, lengthName);
  const end = offset + 38 + lengthImpUse + lengthName;
  if (end > data.length) throw new MediaCorruptError('udf', `${what}: name runs past the directory's ${data.length} bytes`);
  // The CRC covers header, impUse and name; padding beyond the end of the data is legal.
  const tagView = data.subarray(offset, Math.min(offset + size, data.length));
  // tagLocation is not checked: it names the block the FID starts in, which directory
  // data read through extents no longer knows, and writers disagree for embedded data.
  verifyTag(tagView, 0, { idents: [TagIdent.FileIdentifier], what });
  const characteristics = data[offset + 18]!;
  const live = (characteristics & (FidFlag.Deleted | FidFlag.Parent)) === 0;
  const nameBytes = data.subarray(end - lengthName, end);
  return {
    characteristics,
    name: live ? decodeCs0(nameBytes, what) : '',
    icb: decodeLongAd(data, offset + 20),
    size,
  };
}

/**
 * Decodes every FID packed in a directory's data (FIDs may straddle block boundaries,
 * which reading the whole directory first makes invisible), keeping live entries:
 * deleted and parent entries are dropped.
 */
export function decodeDirectory(data: Buffer, maxEntries: number): FileIdentifier[] {
  const entries: FileIdentifier[] = [];
  let offset = 0;
  while (offset < data.length) {
    const fid = decodeFid(data, offset);
    offset += fid.size;
    if (fid.characteristics & (FidFlag.Deleted | FidFlag.Parent)) continue;
    if (fid.name === '') throw new MediaCorruptError('udf', `file identifier at directory offset ${offset - fid.size}: empty name`);
    if (entries.length >= maxEntries) throw new MediaLimitError('udf', `directory has more than ${maxEntries} entries`);
    entries.push(fid);
  }
  return entries;
}
