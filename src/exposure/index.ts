export { mediaRouter, type MediaRouterOptions } from './http-media.js';
export { OpenIsoCache, type OpenIso, type IsoLease } from './images.js';
export { decideRange, type ByteRange, type RangeDecision } from './range.js';
export { renderSmbConf, SmbConfError, SMB_STATE_DIRS, type SmbConfOptions, type SmbShare } from './smb-conf.js';
export { SmbServer, SmbAccounts, newSharePassword, isBuildAccount, SmbServerError, SmbAccountError, type SmbServerOptions } from './smb/index.js';
export {
  IsoMountManager, MountError, manifestFromImage, encodeManifest, parseMountInfo, readMountInfo, isoMountsBelow, locateHelper,
  type IsoMount, type IsoMountManagerOptions, type IsoMountSource, type IsoMountStatus, type MountBacking, type MountErrorCode, type MountMethodSetting,
} from './mounts/index.js';
