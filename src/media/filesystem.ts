import type { Extent } from './extent.js';

/** The file systems vizor reads. */
export type FileSystemKind = 'iso9660' | 'joliet' | 'rockridge' | 'udf';

/**
 * A directory entry as listed: cheap to produce. `ref` is opaque to callers and is
 * handed back to `resolve` to get the node's size and extents.
 */
export interface DirEntry {
  readonly name: string;
  readonly isDirectory: boolean;
  readonly ref: unknown;
}

/** A resolved file or directory: its size, time and where its bytes lie. */
export interface MediaNode {
  readonly isDirectory: boolean;
  readonly size: number;
  readonly mtime: Date | null;
  readonly extents: readonly Extent[];
}

/**
 * One file-system view of an image. Both the ISO 9660 family and UDF implement it,
 * so path lookup, listing and streaming are written once, above them.
 */
export interface MediaFileSystem {
  readonly kind: FileSystemKind;
  /** Volume label as this file system records it. */
  readonly label: string;
  /** Reference to the root directory. */
  readonly rootRef: unknown;
  /** Turns a ref (from rootRef or a DirEntry) into a node. */
  resolve(ref: unknown): Promise<MediaNode>;
  /** Lists a directory node, without "." and "..". */
  readDir(dir: MediaNode): Promise<DirEntry[]>;
}
