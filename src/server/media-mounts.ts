import { join } from 'node:path';
import { parseSourceUrl } from '../catalog/index.js';
import { IsoMountManager, MountError, type IsoMountSource, type OpenIsoCache } from '../exposure/index.js';
import type { Store } from '../store/index.js';
import type { MediaMounts } from './windows-shares.js';

/**
 * The media mounts smbd shares, backed by the IsoMountManager: an ISO's bytes are read in
 * place from its source (local file or SMB share), with vizor's own readers describing
 * the tree. Holders are build accounts.
 */
export function isoMediaMounts(o: { manager: IsoMountManager; isos: OpenIsoCache; store: Store; password: (secretName: string) => string | null }): MediaMounts {
  const sourceFor = async (isoId: number): Promise<IsoMountSource> => {
    const iso = o.store.query.getIso(String(isoId));
    const source = o.store.sources.get(iso.source);
    const loc = parseSourceUrl(source.url).location;
    const lease = await o.isos.get(isoId);
    const release = async () => lease.release();
    switch (loc.kind) {
      case 'file':
        return { image: lease.image, backing: { kind: 'file', path: join(loc.path, iso.path) }, release };
      case 'smb': {
        const password = source.secretName ? o.password(source.secretName) : null;
        const target = { host: loc.host, share: loc.share, ...(loc.port ? { port: loc.port } : {}), ...(loc.domain ? { domain: loc.domain } : {}), ...(loc.user ? { user: loc.user } : {}), ...(password ? { password } : {}) };
        return { image: lease.image, backing: { kind: 'smb', target, path: [loc.path, iso.path].filter(Boolean).join('/') }, release };
      }
      default:
        lease.release();
        throw new MountError('MOUNT_UNSUPPORTED', `ISO ${isoId} is on an NFS source: sharing its contents over SMB needs a local or SMB source`);
    }
  };
  return {
    acquire: async (isoId, holder) => (await o.manager.acquire(`iso${isoId}`, holder, () => sourceFor(isoId))).path,
    release: async (isoId, holder) => o.manager.release(`iso${isoId}`, holder),
  };
}
