import { MediaCorruptError, MediaLimitError, MediaNoFileSystemError, MediaNotFoundError } from './errors.js';
import { readExtents, streamExtents } from './extent.js';
import type { DirEntry, FileSystemKind, MediaFileSystem, MediaNode } from './filesystem.js';
import { MediaLimits } from './limits.js';
import { CachedSource, type RandomAccessSource } from './source.js';
import { openIso9660, readElTorito, type BootCatalog, type IsoVolumeInfo } from './iso9660/index.js';
import { openUdf, type UdfVolumeInfo } from './udf/index.js';

/** A file or directory found by path, with its canonical (on-media) path. */
export interface ImageEntry {
  readonly path: string;
  readonly name: string;
  readonly node: MediaNode;
}

/** Order in which views are preferred: UDF holds everything on Windows media. */
const PREFERENCE: readonly FileSystemKind[] = ['udf', 'rockridge', 'joliet', 'iso9660'];

/**
 * An opened ISO/UDF image: every file-system view found on it, its boot catalog, and a
 * directory tree API over the preferred view with case-insensitive path lookup.
 */
export class MediaImage {
  private readonly listings = new Map<string, Promise<DirEntry[]>>();

  private constructor(
    readonly source: RandomAccessSource,
    readonly iso: IsoVolumeInfo | null,
    readonly udf: UdfVolumeInfo | null,
    readonly fileSystems: readonly MediaFileSystem[],
    readonly boot: BootCatalog | null,
    /** Problems in optional parts (a broken Joliet view, boot catalog...) that did not stop opening. */
    readonly warnings: readonly string[],
    /** The view used for lookups. */
    readonly fs: MediaFileSystem,
  ) {}

  /** Opens an image from a source; wraps it in a block cache. */
  static async open(source: RandomAccessSource): Promise<MediaImage> {
    const cached = source instanceof CachedSource ? source : new CachedSource(source);
    const warnings: string[] = [];
    let iso: Awaited<ReturnType<typeof openIso9660>> = null;
    let isoError: unknown = null;
    try {
      iso = await openIso9660(cached);
      warnings.push(...(iso?.warnings ?? []));
    } catch (err) {
      // On a UDF-bridge disc a broken ISO 9660 side must not hide the UDF side.
      isoError = err;
      warnings.push(`iso9660: ${(err as Error).message}`);
    }
    let udf: Awaited<ReturnType<typeof openUdf>> = null;
    try {
      udf = await openUdf(cached);
    } catch (err) {
      // A damaged UDF view on a disc whose ISO 9660 view is fine is still readable.
      if (!iso) throw isoError ?? err;
      warnings.push(`udf: ${(err as Error).message}`);
    }
    if (!iso && !udf && isoError) throw isoError;
    const views: MediaFileSystem[] = [...(iso?.fileSystems ?? [])];
    if (udf) views.push(udf.fileSystem);
    if (views.length === 0) {
      throw new MediaNoFileSystemError(`${source.description}: no ISO 9660 or UDF file system found`);
    }
    let boot: BootCatalog | null = null;
    if (iso?.info.bootCatalogLba != null) {
      try {
        boot = await readElTorito(cached, iso.info.bootCatalogLba);
      } catch (err) {
        warnings.push(`eltorito: ${(err as Error).message}`);
      }
    }
    const preferred = [...views].sort((a, b) => PREFERENCE.indexOf(a.kind) - PREFERENCE.indexOf(b.kind))[0]!;
    return new MediaImage(cached, iso?.info ?? null, udf?.info ?? null, views, boot, warnings, preferred);
  }

  /** The volume label of the preferred view (UDF's when present). */
  get label(): string {
    return this.fs.label || this.iso?.volumeId || '';
  }

  /** Bytes read from the underlying medium so far. */
  get bytesRead(): number {
    return this.source.bytesRead;
  }

  /** Returns a view of the same image through another file system. */
  view(kind: FileSystemKind): MediaFileSystem | undefined {
    return this.fileSystems.find((f) => f.kind === kind);
  }

  private async listDir(fs: MediaFileSystem, key: string, node: MediaNode): Promise<DirEntry[]> {
    const cacheKey = `${fs.kind}:${key}`;
    let pending = this.listings.get(cacheKey);
    if (!pending) {
      pending = fs.readDir(node);
      pending.catch(() => this.listings.delete(cacheKey));
      this.listings.set(cacheKey, pending);
    }
    return pending;
  }

  /**
   * Finds a path, matching each component exactly first and then case-insensitively
   * (`SOURCES/INSTALL.WIM` finds `sources/install.wim`). Returns null if absent.
   */
  async find(path: string, fs: MediaFileSystem = this.fs): Promise<ImageEntry | null> {
    const parts = splitPath(path);
    if (parts.length > MediaLimits.maxDepth) throw new MediaLimitError('image', `path too deep: ${path}`);
    let node = await fs.resolve(fs.rootRef);
    let canonical = '';
    let name = '';
    for (const part of parts) {
      if (!node.isDirectory) return null;
      const entries = await this.listDir(fs, canonical.toLowerCase() || '/', node);
      const lower = part.toLowerCase();
      const hit = entries.find((e) => e.name === part) ?? entries.find((e) => e.name.toLowerCase() === lower);
      if (!hit) return null;
      node = await fs.resolve(hit.ref);
      if (hit.isDirectory && !node.isDirectory) {
        throw new MediaCorruptError('image', `${canonical}/${hit.name} is listed as a directory but is not one`);
      }
      canonical = `${canonical}/${hit.name}`;
      name = hit.name;
    }
    return { path: canonical || '/', name, node };
  }

  /** Like find, but throws MediaNotFoundError when the path is absent. */
  async stat(path: string): Promise<ImageEntry> {
    const hit = await this.find(path);
    if (!hit) throw new MediaNotFoundError(path);
    return hit;
  }

  /** Lists a directory: each entry resolved to its node. */
  async list(path = '/'): Promise<ImageEntry[]> {
    const dir = await this.stat(path);
    if (!dir.node.isDirectory) throw new MediaNotFoundError(path, `not a directory in image: ${path}`);
    const entries = await this.listDir(this.fs, dir.path.toLowerCase(), dir.node);
    const base = dir.path === '/' ? '' : dir.path;
    const out: ImageEntry[] = [];
    for (const e of entries) out.push({ path: `${base}/${e.name}`, name: e.name, node: await this.fs.resolve(e.ref) });
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Walks a directory tree depth-first, yielding every entry below `path`. A directory
   * met twice (a hostile image can point a directory at its ancestor) ends the walk
   * with MediaLimitError, as do more than `maxEntries` entries or MediaLimits.maxDepth.
   */
  async *walk(path = '/', maxEntries = 1_000_000): AsyncGenerator<ImageEntry> {
    const top = await this.stat(path);
    const seen = new Set<string>();
    const topId = nodeIdentity(top.node);
    if (topId) seen.add(topId);
    const stack: { entry: ImageEntry; depth: number }[] = [{ entry: top, depth: 0 }];
    let count = 0;
    while (stack.length > 0) {
      const { entry, depth } = stack.pop()!;
      const children = await this.list(entry.path);
      for (const child of children) {
        if (++count > maxEntries) throw new MediaLimitError('image', `more than ${maxEntries} entries below ${path}`);
        yield child;
        if (!child.node.isDirectory) continue;
        const id = nodeIdentity(child.node);
        if (id && seen.has(id)) throw new MediaCorruptError('image', `directory loop: ${child.path} is a directory already visited`);
        if (depth + 1 >= MediaLimits.maxDepth) throw new MediaLimitError('image', `directories nested deeper than ${MediaLimits.maxDepth} at ${child.path}`);
        if (id) seen.add(id);
        stack.push({ entry: child, depth: depth + 1 });
      }
    }
  }

  /** Reads a whole small file, refusing anything larger than `maxBytes`. */
  async readFile(path: string, maxBytes = 1024 * 1024): Promise<Buffer> {
    const file = await this.openFile(path);
    if (file.node.size > maxBytes) {
      throw new MediaLimitError('image', `${file.path} is ${file.node.size} bytes, more than the ${maxBytes} allowed here`);
    }
    return readExtents(this.source, file.node.extents, 0, file.node.size);
  }

  /** Reads `length` bytes at `offset` of a file. */
  async readRange(file: ImageEntry, offset: number, length: number): Promise<Buffer> {
    checkFileRange(file, offset, offset + length);
    return readExtents(this.source, file.node.extents, offset, length);
  }

  /** Streams bytes [start, end) of a file in bounded chunks. */
  stream(file: ImageEntry, start = 0, end = file.node.size): AsyncGenerator<Buffer> {
    checkFileRange(file, start, end);
    return streamExtents(this.source, file.node.extents, start, end);
  }

  /** Finds a regular file by path; throws MediaNotFoundError if absent or a directory. */
  async openFile(path: string): Promise<ImageEntry> {
    const hit = await this.stat(path);
    if (hit.node.isDirectory) throw new MediaNotFoundError(path, `is a directory in image: ${path}`);
    return hit;
  }

  /** Releases the source. */
  async close(): Promise<void> {
    await this.source.close();
  }
}

function checkFileRange(file: ImageEntry, start: number, end: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > file.node.size) {
    throw new MediaNotFoundError(file.path, `range ${start}-${end} is outside ${file.path} (${file.node.size} bytes)`);
  }
}

/** Where a directory's data starts: the same directory reached twice has the same identity. */
function nodeIdentity(node: MediaNode): string | null {
  // Empty and embedded directories have no position; depth and entry caps bound them.
  const first = node.extents[0];
  return first?.kind === 'data' ? `at:${first.sourceOffset}` : null;
}

/** Splits a path into components, ignoring empty ones and "."; ".." is refused. */
export function splitPath(path: string): string[] {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new MediaNotFoundError(path, `path may not contain "..": ${path}`);
  return parts;
}
