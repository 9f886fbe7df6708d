import { VizorError } from '../../errors.js';

/** Stable codes of every ISO mount failure. */
export type MountErrorCode =
  /** The mount could not be made or removed (helper crashed, mount(8) failed, timed out). */
  | 'MOUNT_FAILED'
  /** build/Release/vizor-isofs was not built (libfuse3-dev missing at npm ci time). */
  | 'MOUNT_HELPER_MISSING'
  /** The requested method cannot work here (e.g. 'loop' on a kernel without iso9660/udf). */
  | 'MOUNT_UNSUPPORTED'
  /** The helper refused the manifest: a bug in vizor or an image it cannot describe. */
  | 'MOUNT_MANIFEST'
  /** The helper could not open or read the image itself (path gone, SMB refused, size changed). */
  | 'MOUNT_BACKING'
  /** A bad argument: ISO key, holder or manifest content. */
  | 'MOUNT_INVALID'
  /** The manager was closed. */
  | 'MOUNT_CLOSED';

/** An ISO could not be mounted or unmounted; `code` says why. Messages never carry SMB passwords. */
export class MountError extends VizorError {
  constructor(
    readonly code: MountErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** How to get the FUSE helper built, for messages. */
export const HELPER_HINT = 'install the Debian packages libfuse3-dev and fuse3 (apt-get install libfuse3-dev fuse3), then run npm ci';
