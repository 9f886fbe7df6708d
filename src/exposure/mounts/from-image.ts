import type { Extent, MediaImage, MediaNode } from '../../media/index.js';
import { encodeField, nameProblem, MAX_LINK_TARGET_BYTES, type IsoManifest, type ManifestNode, type MountBacking } from './manifest.js';

/** An entry of the image left out of the mount, with the reason. */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

/** A manifest built from an image, and what could not be shown in it. */
export interface ImageManifest {
  readonly manifest: IsoManifest;
  /** Entries the mount cannot show (names Linux refuses, duplicates); their subtrees go too. */
  readonly skipped: readonly SkippedEntry[];
}

/** Rock Ridge symbolic links: the ISO 9660 reader's nodes carry their target. */
function linkTarget(node: MediaNode): string | null {
  const target = (node as { symlinkTarget?: unknown }).symlinkTarget;
  return typeof target === 'string' && target !== '' ? target : null;
}

function timeOf(node: MediaNode, fallback: number): number {
  const ms = node.mtime?.getTime();
  return ms !== undefined && Number.isSafeInteger(ms) && Math.abs(ms) <= 8.64e15 ? ms : fallback;
}

/** The extents the helper needs: empty ones dropped, inline bytes cut to their length. */
function fileExtents(node: MediaNode): Extent[] {
  if (node.size === 0) return [];
  return node.extents.filter((e) => e.length > 0).map((e) => (e.kind === 'inline' ? { ...e, data: e.data.subarray(0, e.length) } : e));
}

function parentPath(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : path.slice(0, cut);
}

/**
 * Walks the image's preferred view (UDF, then Rock Ridge, Joliet, ISO 9660: whatever
 * MediaImage reads) and describes every directory, file and symbolic link for
 * vizor-isofs. Names the kernel cannot show (over 255 bytes, containing "/") and second
 * entries with the same name are skipped with their subtrees and reported, so one odd
 * entry never stops a whole image from mounting.
 */
export async function manifestFromImage(
  image: MediaImage,
  name: string,
  backing: MountBacking,
  maxEntries = 1_000_000,
): Promise<ImageManifest> {
  const root = await image.stat('/');
  const rootMtimeMs = timeOf(root.node, 0);
  const nodes: ManifestNode[] = [];
  const skipped: SkippedEntry[] = [];
  const dirIds = new Map<string, number>([['/', 0]]);
  const namesIn = new Map<number, Set<string>>();
  const gone = new Set<string>();
  for await (const entry of image.walk('/', maxEntries)) {
    const above = parentPath(entry.path);
    const parent = dirIds.get(above);
    const skip = (reason: string): void => {
      skipped.push({ path: entry.path, reason });
      gone.add(entry.path);
    };
    if (parent === undefined) {
      // Below a skipped directory: the directory itself was reported.
      if (gone.has(above)) gone.add(entry.path);
      else skip('parent directory not described');
      continue;
    }
    const problem = nameProblem(entry.name);
    if (problem) {
      skip(problem);
      continue;
    }
    // Compare encoded bytes: two names that differ only in unpaired UTF-16 halves encode alike.
    const key = encodeField(entry.name);
    const siblings = namesIn.get(parent) ?? new Set<string>();
    if (siblings.has(key)) {
      skip('duplicate name in its directory');
      continue;
    }
    siblings.add(key);
    namesIn.set(parent, siblings);
    const mtimeMs = timeOf(entry.node, rootMtimeMs);
    const target = linkTarget(entry.node);
    if (entry.node.isDirectory) {
      nodes.push({ kind: 'dir', parent, name: entry.name, mtimeMs });
      dirIds.set(entry.path, nodes.length);
    } else if (target !== null && Buffer.byteLength(target) <= MAX_LINK_TARGET_BYTES && !target.includes('\0')) {
      nodes.push({ kind: 'link', parent, name: entry.name, mtimeMs, target });
    } else {
      nodes.push({ kind: 'file', parent, name: entry.name, mtimeMs, size: entry.node.size, extents: fileExtents(entry.node) });
    }
  }
  return { manifest: { name, backing, backingSize: image.source.size, rootMtimeMs, nodes }, skipped };
}
