import { join } from 'node:path';
import { kernelHasNfs, type SourceAccess } from './access.js';
import { SourceUnavailableError } from './errors.js';
import { MountedAccess } from './mounted-access.js';
import type { SourceLocation } from './url.js';

/**
 * Mounts an NFS export read-only with the kernel's client for the duration of a scan.
 * Where the kernel has no NFS client (as on the build machines) this says so instead of
 * failing obscurely.
 */
export async function mountNfs(name: string, loc: Extract<SourceLocation, { kind: 'nfs' }>, mountRoot: string): Promise<SourceAccess> {
  if (!kernelHasNfs()) {
    throw new SourceUnavailableError(name, 'this kernel has no NFS client (no nfs in /proc/filesystems); load the nfs module and install nfs-common, or share the ISOs over SMB');
  }
  const mountPoint = join(mountRoot, `nfs-${name}`);
  const what = `${loc.host}:${loc.exportPath}`;
  return MountedAccess.mount(name, what, mountPoint, ['-t', 'nfs', '-o', 'ro,nosuid,nodev,noexec,soft,timeo=100,retrans=2', what, mountPoint]);
}
