export { MountError, type MountErrorCode } from './errors.js';
export {
  encodeManifest,
  encodeField,
  nameProblem,
  MANIFEST_VERSION,
  MOUNT_NAME,
  type IsoManifest,
  type ManifestNode,
  type MountBacking,
} from './manifest.js';
export { manifestFromImage, type ImageManifest, type SkippedEntry } from './from-image.js';
export { parseMountInfo, readMountInfo, isIsoMount, isoMountsBelow, type MountInfoEntry } from './mountinfo.js';
export { chooseMethod, kernelIsoTypes, probeKernelIsoTypes, type KernelIsoType, type MountMethod, type MountMethodSetting } from './kernel.js';
export { locateHelper } from './helper.js';
export {
  IsoMountManager,
  type IsoMount,
  type IsoMountManagerOptions,
  type IsoMountSource,
  type IsoMountStatus,
} from './manager.js';
