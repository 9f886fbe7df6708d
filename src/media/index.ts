export * from './errors.js';
export { MediaLimits } from './limits.js';
export { FileSource, BufferSource, CachedSource, WrappedSource, type RandomAccessSource } from './source.js';
export { type Extent, readExtents, streamExtents } from './extent.js';
export type { DirEntry, FileSystemKind, MediaFileSystem, MediaNode } from './filesystem.js';
export { MediaImage, splitPath, type ImageEntry } from './image.js';
export { inspectImage, type InspectReport, type MediaKind, type WindowsInstallInfo } from './inspect.js';
export * from './classify-names.js';
export type { BootCatalog } from './iso9660/index.js';
export { readWimInfo, type WimEdition, type WimInfo, type WimHeader } from './wim/index.js';

import { FileSource } from './source.js';
import { MediaImage } from './image.js';

/** Opens a local image file. */
export async function openImageFile(path: string): Promise<MediaImage> {
  const source = await FileSource.open(path);
  try {
    return await MediaImage.open(source);
  } catch (err) {
    await source.close();
    throw err;
  }
}
