import { MediaCorruptError, MediaLimitError } from '../errors.js';
import { readExtents } from '../extent.js';
import type { DirEntry, MediaFileSystem, MediaNode } from '../filesystem.js';
import { MediaLimits } from '../limits.js';
import { collectExtents } from './allocation.js';
import { FidFlag, decodeDirectory } from './fid.js';
import { FileType, decodeFileEntry } from './icb.js';
import type { PartitionTable } from './partitions.js';

/** Where a file's ICB lies: the opaque `ref` of UDF DirEntries and of rootRef. */
export class UdfRef {
  constructor(
    readonly partitionRef: number,
    readonly lbn: number,
  ) {}

  /** Stable text key, for caches and loop checks. */
  get key(): string {
    return `${this.partitionRef}:${this.lbn}`;
  }
}

/** A resolved UDF node: a MediaNode plus its ICB's file type. */
export interface UdfNode extends MediaNode {
  readonly fileType: number;
  readonly ref: UdfRef;
}

const NODE_CACHE_SIZE = 4096;
const METADATA_TYPES: ReadonlySet<number> = new Set([FileType.MetadataMain, FileType.MetadataMirror, FileType.MetadataBitmap]);

/** The MediaFileSystem view of one UDF logical volume. */
export class UdfFileSystem implements MediaFileSystem {
  readonly kind = 'udf' as const;
  private readonly nodes = new Map<string, Promise<UdfNode>>();
  private readonly resolved = new WeakSet<MediaNode>();
  // Child directory → the directory it was listed in, to catch FIDs that point at an ancestor.
  private readonly parents = new Map<string, string>();

  constructor(
    private readonly table: PartitionTable,
    readonly label: string,
    readonly rootRef: UdfRef,
  ) {}

  /** Reads the FE/EFE behind `ref` (a UdfRef from rootRef or a DirEntry). */
  resolve(ref: unknown): Promise<UdfNode> {
    if (!(ref instanceof UdfRef)) {
      return Promise.reject(new MediaCorruptError('udf', 'resolve() was given a reference that no UDF file system produced'));
    }
    const hit = this.nodes.get(ref.key);
    if (hit) return hit;
    const pending = this.load(ref);
    pending.catch(() => this.nodes.delete(ref.key));
    this.nodes.set(ref.key, pending);
    if (this.nodes.size > NODE_CACHE_SIZE) this.nodes.delete(this.nodes.keys().next().value as string);
    return pending;
  }

  private async load(ref: UdfRef): Promise<UdfNode> {
    const what = `file entry at block ${ref.lbn} of partition reference ${ref.partitionRef}`;
    const buf = await this.table.read(ref.partitionRef, ref.lbn, this.table.blockSize);
    const entry = decodeFileEntry(buf, ref.lbn);
    if (METADATA_TYPES.has(entry.fileType)) throw new MediaCorruptError('udf', `${what}: a directory entry points at a metadata file`);
    const extents = await collectExtents(this.table, entry, ref, what);
    const node: UdfNode = {
      isDirectory: entry.fileType === FileType.Directory,
      size: entry.size,
      mtime: entry.mtime,
      extents,
      fileType: entry.fileType,
      ref,
    };
    this.resolved.add(node);
    return node;
  }

  /** Lists a directory node's live entries (deleted and parent entries are skipped). */
  async readDir(dir: MediaNode): Promise<DirEntry[]> {
    if (!this.resolved.has(dir)) throw new MediaCorruptError('udf', 'readDir() was given a node that this UDF file system did not resolve');
    const node = dir as UdfNode;
    if (!node.isDirectory) throw new MediaCorruptError('udf', `readDir(): the entry at block ${node.ref.lbn} is not a directory`);
    if (node.size > MediaLimits.maxDirectoryBytes) {
      throw new MediaLimitError('udf', `directory at block ${node.ref.lbn} is ${node.size} bytes, over ${MediaLimits.maxDirectoryBytes}`);
    }
    const data = await readExtents(this.table.source, node.extents, 0, node.size);
    const entries: DirEntry[] = [];
    for (const fid of decodeDirectory(data, MediaLimits.maxDirectoryEntries)) {
      const ref = new UdfRef(fid.icb.partitionRef, fid.icb.lbn);
      const isDirectory = (fid.characteristics & FidFlag.Directory) !== 0;
      if (isDirectory) this.checkNotAncestor(ref.key, node.ref.key);
      entries.push({ name: fid.name, isDirectory, ref });
    }
    return entries;
  }

  private checkNotAncestor(child: string, dir: string): void {
    let at: string | undefined = dir;
    for (let depth = 0; at !== undefined && depth <= MediaLimits.maxDepth; depth++) {
      if (at === child) throw new MediaCorruptError('udf', `directory loop: an entry in ${dir} points back at its ancestor ${child}`);
      at = this.parents.get(at);
    }
    if (!this.parents.has(child)) this.parents.set(child, dir);
  }
}
