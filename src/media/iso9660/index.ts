/** ISO 9660 / Joliet / Rock Ridge reader and El Torito boot catalog reader. */
export { openIso9660, readElTorito, type IsoOpenResult, type IsoVolumeInfo } from './iso9660.js';
export { IsoFileSystem, type IsoNode } from './view.js';
export {
  BootPlatformId,
  decodeBootCatalog,
  platformName,
  type BootCatalog,
  type BootEntry,
  type BootMediaType,
  type BootPlatform,
} from './eltorito.js';
export { decodeVolumeDescriptor, type VolumeDescriptor, type VolumeFields } from './volume.js';
export { decodeDirectory, decodeDirectoryRecord, type DirectoryRecord } from './record.js';
export { decodeSuspArea, findSuspIndicator, interpretRockRidge, type RockRidgeInfo } from './rockridge.js';
