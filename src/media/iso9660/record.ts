import { MediaCorruptError, MediaLimitError } from '../errors.js';
import { MediaLimits } from '../limits.js';
import { SECTOR_SIZE, bothU32, need, recordDate, ucs2be } from './fields.js';

/** File flags of a directory record (ECMA-119 9.1.6). */
export const RecordFlag = {
  Hidden: 0x01,
  Directory: 0x02,
  Associated: 0x04,
  /** Not the final record of a multi-extent file. */
  MultiExtent: 0x80,
} as const;

/** Smallest legal record: 33 fixed bytes plus a 1-byte identifier. */
export const MIN_RECORD_LENGTH = 34;

/** One decoded directory record. */
export interface DirectoryRecord {
  /** Bytes the record occupies, including padding and System Use. */
  readonly length: number;
  readonly extentLba: number;
  readonly dataLength: number;
  readonly recorded: Date | null;
  readonly flags: number;
  readonly isDirectory: boolean;
  readonly isMultiExtent: boolean;
  /** The raw file identifier, used to match the parts of a multi-extent file. */
  readonly rawName: Buffer;
  /** Display name: version and a bare trailing dot removed; "." and ".." for the special records. */
  readonly name: string;
  readonly isSelf: boolean;
  readonly isParent: boolean;
  /** System Use area (where Rock Ridge lives). */
  readonly systemUse: Buffer;
}

/** Turns an on-disc file identifier into a display name: `FOO.TXT;1` → `FOO.TXT`, `README.` → `README`. */
export function cleanName(identifier: string): string {
  let name = identifier.replace(/;\d*$/, '');
  if (name.endsWith('.') && name.length > 1) name = name.slice(0, -1);
  return name;
}

/** Decodes the directory record at `offset`; `joliet` selects UCS-2BE identifiers. */
export function decodeDirectoryRecord(buf: Buffer, offset: number, joliet = false): DirectoryRecord {
  need('iso9660', buf, offset, 1, 'directory record');
  const length = buf[offset]!;
  if (length < MIN_RECORD_LENGTH) {
    throw new MediaCorruptError('iso9660', `directory record at ${offset} has length ${length} (minimum ${MIN_RECORD_LENGTH})`);
  }
  if (offset + length > buf.length) {
    throw new MediaCorruptError('iso9660', `directory record at ${offset} (length ${length}) runs past the directory end ${buf.length}`);
  }
  const rec = buf.subarray(offset, offset + length);
  const nameLength = rec[32]!;
  if (nameLength === 0 || 33 + nameLength > length) {
    throw new MediaCorruptError('iso9660', `directory record at ${offset}: name length ${nameLength} does not fit record length ${length}`);
  }
  const rawName = Buffer.from(rec.subarray(33, 33 + nameLength));
  const isSelf = nameLength === 1 && rawName[0] === 0;
  const isParent = nameLength === 1 && rawName[0] === 1;
  let name: string;
  if (isSelf) name = '.';
  else if (isParent) name = '..';
  else name = cleanName(joliet ? ucs2be(rawName, 0, nameLength) : rawName.toString('latin1'));
  // A padding byte keeps the System Use area on an even offset (ECMA-119 9.1.12).
  const suStart = 33 + nameLength + (nameLength % 2 === 0 ? 1 : 0);
  const flags = rec[25]!;
  return {
    length,
    extentLba: bothU32(rec, 2),
    dataLength: bothU32(rec, 10),
    recorded: recordDate(rec, 18),
    flags,
    isDirectory: (flags & RecordFlag.Directory) !== 0,
    isMultiExtent: (flags & RecordFlag.MultiExtent) !== 0,
    rawName,
    name,
    isSelf,
    isParent,
    systemUse: Buffer.from(rec.subarray(Math.min(suStart, length), length)),
  };
}

/**
 * Decodes every record of a directory's data. A zero length byte means the rest of the
 * sector is padding, because records never straddle a 2048-byte sector (ECMA-119 6.8.1.1).
 */
export function decodeDirectory(data: Buffer, joliet = false): DirectoryRecord[] {
  if (data.length > MediaLimits.maxDirectoryBytes) {
    throw new MediaLimitError('iso9660', `directory of ${data.length} bytes exceeds ${MediaLimits.maxDirectoryBytes}`);
  }
  const records: DirectoryRecord[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) {
      pos = (Math.floor(pos / SECTOR_SIZE) + 1) * SECTOR_SIZE;
      continue;
    }
    // Two slots of slack for the "." and ".." records, which are not entries.
    if (records.length >= MediaLimits.maxDirectoryEntries + 2) {
      throw new MediaLimitError('iso9660', `directory has more than ${MediaLimits.maxDirectoryEntries} records`);
    }
    const rec = decodeDirectoryRecord(data, pos, joliet);
    records.push(rec);
    pos += rec.length;
  }
  return records;
}
