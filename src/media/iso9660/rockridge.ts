import { MediaCorruptError } from '../errors.js';
import { bothU32, need, recordDate, digitDate } from './fields.js';

/** One System Use Sharing Protocol entry: signature, version and its whole bytes. */
export interface SuspEntry {
  readonly signature: string;
  readonly version: number;
  /** The entry including its 4-byte header. */
  readonly data: Buffer;
}

/** Where a CE entry says the System Use area continues (SUSP 5.1). */
export interface SuspContinuation {
  readonly block: number;
  readonly offset: number;
  readonly length: number;
}

/** Entries of one System Use area, and the continuation it points to, if any. */
export interface SuspArea {
  readonly entries: SuspEntry[];
  readonly continuation: SuspContinuation | null;
}

/** What the Rock Ridge entries of one directory record say. */
export interface RockRidgeInfo {
  /** Alternate name (NM), or null when the record has none. */
  readonly name: string | null;
  /** POSIX mode from PX, including the file-type bits. */
  readonly mode: number | null;
  /** Symbolic link target from SL. */
  readonly symlinkTarget: string | null;
  /** Modification time from TF. */
  readonly modified: Date | null;
  /** RE: this directory was moved here and is listed at its real place through a CL. */
  readonly relocated: boolean;
  /** CL: the record stands for a directory whose "." record is at this LBA. */
  readonly childLink: number | null;
  /** PL: the ".." of a relocated directory points at this LBA. */
  readonly parentLink: number | null;
  /** Extension identifiers announced by ER entries, e.g. `RRIP_1991A`. */
  readonly extensions: string[];
}

/** POSIX file-type bits used by PX. */
export const PosixType = { Mask: 0o170000, Directory: 0o040000, Symlink: 0o120000 } as const;

/** Offset at which a CD-XA system-use header pushes SP on some discs (Linux isofs probes both). */
const XA_SKIP = 14;

/**
 * Returns LEN_SKP when the root "." record's System Use area starts with an SP entry
 * (SUSP 5.3: `SP`, length 7, check bytes BE EF), else null.
 */
export function findSuspIndicator(systemUse: Buffer): number | null {
  for (const at of [0, XA_SKIP]) {
    if (
      systemUse.length >= at + 7 &&
      systemUse.toString('latin1', at, at + 2) === 'SP' &&
      systemUse[at + 2]! >= 7 &&
      systemUse[at + 4] === 0xbe &&
      systemUse[at + 5] === 0xef
    ) {
      return at + systemUse[at + 6]!;
    }
  }
  return null;
}

/** Splits a System Use area (from `start`) into entries; stops at ST or at trailing padding. */
export function decodeSuspArea(area: Buffer, start = 0): SuspArea {
  const entries: SuspEntry[] = [];
  let continuation: SuspContinuation | null = null;
  let pos = start;
  while (pos + 4 <= area.length) {
    if (area[pos] === 0) break;
    const signature = area.toString('latin1', pos, pos + 2);
    const length = area[pos + 2]!;
    if (length < 4 || pos + length > area.length) {
      throw new MediaCorruptError('iso9660', `Rock Ridge entry ${signature} at ${pos} has length ${length}, area is ${area.length}`);
    }
    const data = area.subarray(pos, pos + length);
    pos += length;
    if (signature === 'ST') break;
    if (signature === 'CE') {
      need('iso9660', data, 0, 28, 'Rock Ridge CE entry');
      continuation = { block: bothU32(data, 4), offset: bothU32(data, 12), length: bothU32(data, 20) };
      continue;
    }
    entries.push({ signature, version: data[3]!, data });
  }
  return { entries, continuation };
}

function symlinkTarget(components: Buffer[]): string {
  const pieces: string[] = [];
  let current = '';
  for (const c of components) {
    const flags = c[0]!;
    // ROOT contributes an empty first piece, which the join turns into a leading '/'.
    current += flags & 0x08 ? '' : flags & 0x02 ? '.' : flags & 0x04 ? '..' : c.toString('utf8', 2);
    if (!(flags & 0x01)) {
      pieces.push(current);
      current = '';
    }
  }
  if (current) pieces.push(current);
  const target = pieces.join('/');
  return target === '' && pieces.length > 0 ? '/' : target;
}

function slComponents(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 5;
  while (pos + 2 <= data.length) {
    const len = data[pos + 1]!;
    if (pos + 2 + len > data.length) {
      throw new MediaCorruptError('iso9660', `Rock Ridge SL component of ${len} bytes runs past its entry`);
    }
    out.push(data.subarray(pos, pos + 2 + len));
    pos += 2 + len;
  }
  return out;
}

function tfModified(data: Buffer): Date | null {
  need('iso9660', data, 0, 5, 'Rock Ridge TF entry');
  const flags = data[4]!;
  const long = (flags & 0x80) !== 0;
  const size = long ? 17 : 7;
  // Stamps appear in bit order; bit 0 (creation) precedes bit 1 (modification).
  if (!(flags & 0x02)) return null;
  const at = 5 + (flags & 0x01 ? size : 0);
  if (at + size > data.length) throw new MediaCorruptError('iso9660', 'Rock Ridge TF entry is shorter than its flags say');
  return long ? digitDate(data, at) : recordDate(data, at);
}

/** Interprets the entries of a record's System Use areas (continuations included, in order). */
export function interpretRockRidge(entries: readonly SuspEntry[]): RockRidgeInfo {
  let name: string | null = null;
  let mode: number | null = null;
  let modified: Date | null = null;
  let relocated = false;
  let childLink: number | null = null;
  let parentLink: number | null = null;
  const sl: Buffer[] = [];
  const extensions: string[] = [];
  for (const { signature, data } of entries) {
    switch (signature) {
      case 'NM': {
        need('iso9660', data, 0, 5, 'Rock Ridge NM entry');
        const flags = data[4]!;
        const part = flags & 0x02 ? '.' : flags & 0x04 ? '..' : data.toString('utf8', 5);
        name = (name ?? '') + part;
        break;
      }
      case 'PX':
        need('iso9660', data, 0, 12, 'Rock Ridge PX entry');
        mode = bothU32(data, 4);
        break;
      case 'TF':
        modified = tfModified(data);
        break;
      case 'SL':
        need('iso9660', data, 0, 5, 'Rock Ridge SL entry');
        sl.push(...slComponents(data));
        break;
      case 'RE':
        relocated = true;
        break;
      case 'CL':
        need('iso9660', data, 0, 12, 'Rock Ridge CL entry');
        childLink = bothU32(data, 4);
        break;
      case 'PL':
        need('iso9660', data, 0, 12, 'Rock Ridge PL entry');
        parentLink = bothU32(data, 4);
        break;
      case 'ER': {
        need('iso9660', data, 0, 8, 'Rock Ridge ER entry');
        const idLength = data[4]!;
        need('iso9660', data, 8, idLength, 'Rock Ridge ER identifier');
        extensions.push(data.toString('latin1', 8, 8 + idLength));
        break;
      }
      default:
        break;
    }
  }
  const symlink = sl.length > 0 ? symlinkTarget(sl) : null;
  return { name, mode, symlinkTarget: symlink, modified, relocated, childLink, parentLink, extensions };
}
