import { MediaCorruptError, MediaLimitError, MediaNotFoundError } from '../errors.js';
import { readExtents, validateExtents, type Extent } from '../extent.js';
import type { DirEntry, FileSystemKind, MediaFileSystem, MediaNode } from '../filesystem.js';
import { MediaLimits } from '../limits.js';
import type { RandomAccessSource } from '../source.js';
import { SECTOR_SIZE } from './fields.js';
import { RecordFlag, decodeDirectory, decodeDirectoryRecord, type DirectoryRecord } from './record.js';
import { PosixType, decodeSuspArea, interpretRockRidge, type RockRidgeInfo, type SuspEntry } from './rockridge.js';

/** A resolved ISO 9660 node: the MediaNode plus what Rock Ridge adds. */
export interface IsoNode extends MediaNode {
  readonly name: string;
  /** POSIX mode (Rock Ridge PX), null in the plain and Joliet views. */
  readonly mode: number | null;
  /** Symbolic link target (Rock Ridge SL); such nodes are listed as files. */
  readonly symlinkTarget: string | null;
}

/** The opaque ref handed out in DirEntry: either a complete node or a Rock Ridge child link. */
interface IsoRef {
  readonly owner: IsoFileSystem;
  readonly node: IsoNode;
  /** CL: the directory's real "." record lies at this LBA; size and extents come from there. */
  readonly childLinkLba: number | null;
}

/** How one view reads names: plain ISO, Joliet UCS-2, or Rock Ridge with the SUSP skip. */
export interface IsoViewOptions {
  readonly kind: Exclude<FileSystemKind, 'udf'>;
  readonly label: string;
  readonly blockSize: number;
  /** Byte offset of SUSP entries in each System Use area (LEN_SKP); Rock Ridge view only. */
  readonly suspSkip: number;
}

/** Builds the node of a directory record from its extent, which `resolve` validates. */
export function nodeFromRecords(parts: readonly DirectoryRecord[], blockSize: number, name: string, rr: RockRidgeInfo | null): IsoNode {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const extents: Extent[] = [];
  let size = 0;
  for (const p of parts) {
    // An empty file's LBA is meaningless (often 0 or past the end), so it gets no extent.
    if (p.dataLength > 0) extents.push({ kind: 'data', sourceOffset: p.extentLba * blockSize, length: p.dataLength });
    size += p.dataLength;
  }
  const symlinkTarget = rr?.symlinkTarget ?? null;
  const isSymlink = rr?.mode != null && (rr.mode & PosixType.Mask) === PosixType.Symlink;
  return {
    name,
    isDirectory: first.isDirectory && !isSymlink,
    size,
    mtime: rr?.modified ?? last.recorded,
    extents,
    mode: rr?.mode ?? null,
    symlinkTarget: isSymlink || symlinkTarget !== null ? symlinkTarget : null,
  };
}

/** One view (plain ISO 9660, Joliet or Rock Ridge) of an ISO image's directory tree. */
export class IsoFileSystem implements MediaFileSystem {
  readonly kind: Exclude<FileSystemKind, 'udf'>;
  readonly label: string;
  readonly rootRef: unknown;
  private readonly blockSize: number;
  private readonly suspSkip: number;

  constructor(private readonly source: RandomAccessSource, root: IsoNode, options: IsoViewOptions) {
    this.kind = options.kind;
    this.label = options.label;
    this.blockSize = options.blockSize;
    this.suspSkip = options.suspSkip;
    this.rootRef = { owner: this, node: root, childLinkLba: null } satisfies IsoRef;
  }

  /** Returns the node a ref stands for, after checking its extents lie inside the image. */
  async resolve(ref: unknown): Promise<IsoNode> {
    const r = ref as Partial<IsoRef> | null;
    if (!r || r.owner !== this || !r.node) throw new TypeError('ref does not come from this ISO 9660 file system');
    const node = r.childLinkLba == null ? r.node : await this.followChildLink(r.node, r.childLinkLba);
    validateExtents('iso9660', node.extents, node.size, this.source.size, node.name || '/');
    return node;
  }

  /** Lists a directory, merging multi-extent files and leaving out "." and "..". */
  async readDir(dir: MediaNode): Promise<DirEntry[]> {
    const name = (dir as Partial<IsoNode>).name ?? '?';
    if (!dir.isDirectory) throw new MediaNotFoundError(name, `not a directory: ${name}`);
    if (dir.size > MediaLimits.maxDirectoryBytes) {
      throw new MediaLimitError('iso9660', `directory ${name} is ${dir.size} bytes, limit ${MediaLimits.maxDirectoryBytes}`);
    }
    const data = await readExtents(this.source, dir.extents, 0, dir.size);
    const records = decodeDirectory(data, this.kind === 'joliet');
    const entries: DirEntry[] = [];
    let parts: DirectoryRecord[] = [];
    for (const rec of records) {
      // Associated files are Mac resource forks sharing the main file's name.
      if (rec.isSelf || rec.isParent || rec.flags & RecordFlag.Associated) continue;
      if (parts.length > 0 && !parts[0]!.rawName.equals(rec.rawName)) {
        throw new MediaCorruptError('iso9660', `multi-extent file ${parts[0]!.name} in ${name} lacks its final record`);
      }
      parts.push(rec);
      if (rec.isMultiExtent) continue;
      const entry = await this.entryFor(parts);
      if (entry) entries.push(entry);
      parts = [];
    }
    if (parts.length > 0) {
      throw new MediaCorruptError('iso9660', `multi-extent file ${parts[0]!.name} in ${name} lacks its final record`);
    }
    return entries;
  }

  private async entryFor(parts: DirectoryRecord[]): Promise<DirEntry | null> {
    const first = parts[0]!;
    const rr = this.kind === 'rockridge' ? interpretRockRidge(await this.suspEntries(first)) : null;
    // RE marks the copy under rr_moved; the directory is listed where its CL entry stands.
    if (rr?.relocated) return null;
    const name = rr?.name ?? first.name;
    const node = nodeFromRecords(parts, this.blockSize, name, rr);
    if (rr?.childLink != null) {
      const linked: IsoNode = { ...node, isDirectory: true, symlinkTarget: null };
      return { name, isDirectory: true, ref: { owner: this, node: linked, childLinkLba: rr.childLink } satisfies IsoRef };
    }
    return { name, isDirectory: node.isDirectory, ref: { owner: this, node, childLinkLba: null } satisfies IsoRef };
  }

  /** Collects a record's SUSP entries, following CE continuation areas with loop and count bounds. */
  private async suspEntries(rec: DirectoryRecord): Promise<SuspEntry[]> {
    let area = decodeSuspArea(rec.systemUse, this.suspSkip);
    const entries = [...area.entries];
    const seen = new Set<string>();
    while (area.continuation) {
      const { block, offset, length } = area.continuation;
      const key = `${block}:${offset}`;
      if (seen.has(key)) throw new MediaLimitError('iso9660', `Rock Ridge continuation loop at block ${block} offset ${offset} (${rec.name})`);
      seen.add(key);
      if (seen.size > MediaLimits.maxRockRidgeContinuations) {
        throw new MediaLimitError('iso9660', `more than ${MediaLimits.maxRockRidgeContinuations} Rock Ridge continuations (${rec.name})`);
      }
      // SUSP keeps a continuation area within one logical block.
      const start = block * this.blockSize + offset;
      if (offset + length > this.blockSize || start + length > this.source.size) {
        throw new MediaCorruptError('iso9660', `Rock Ridge continuation (block ${block}, offset ${offset}, length ${length}) is out of bounds`);
      }
      area = decodeSuspArea(await this.source.read(start, length));
      entries.push(...area.entries);
    }
    return entries;
  }

  private async followChildLink(node: IsoNode, lba: number): Promise<IsoNode> {
    const start = lba * this.blockSize;
    if (start + SECTOR_SIZE > this.source.size) {
      throw new MediaCorruptError('iso9660', `Rock Ridge child link of ${node.name} points past the image (block ${lba})`);
    }
    const self = decodeDirectoryRecord(await this.source.read(start, SECTOR_SIZE), 0);
    if (!self.isSelf || !self.isDirectory) {
      throw new MediaCorruptError('iso9660', `Rock Ridge child link of ${node.name} does not point at a directory`);
    }
    const extents: Extent[] = [{ kind: 'data', sourceOffset: self.extentLba * this.blockSize, length: self.dataLength }];
    return { ...node, isDirectory: true, size: self.dataLength, extents };
  }
}
