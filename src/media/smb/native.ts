import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// src/media/smb (tsc output: dist/src/media/smb): the package root is 3 or 4 levels up.
const here = dirname(fileURLToPath(import.meta.url));
const roots = [resolve(here, '..', '..', '..'), resolve(here, '..', '..', '..', '..')];

/** The client configuration that native/smb.c loads instead of relying on smb.conf. */
export const CONFIG_FILE_NAME = join('native', 'smbclient.conf');

/** Paths of the built addon and its private configuration, or null when the addon was not built. */
export async function locateAddon(): Promise<{ addonPath: string; configFile: string } | null> {
  for (const root of roots) {
    const addonPath = join(root, 'build', 'Release', 'vizor_smb.node');
    const configFile = join(root, CONFIG_FILE_NAME);
    try {
      await access(addonPath);
      await access(configFile);
      return { addonPath, configFile };
    } catch {
      // try the next candidate root
    }
  }
  return null;
}
