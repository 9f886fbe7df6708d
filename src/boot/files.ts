import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Boot binaries vizor serves, and where Debian's ipxe package installs them. */
export const BOOT_BINARIES = ['undionly.kpxe', 'snponly.efi', 'ipxe.efi'] as const;
export const DEBIAN_IPXE_DIR = '/usr/lib/ipxe';

/**
 * Makes sure the boot folder holds the iPXE binaries, copying them from Debian's ipxe
 * package when missing. Returns the names still missing (the caller warns).
 */
export function ensureBootFiles(dir: string, from = DEBIAN_IPXE_DIR): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const missing: string[] = [];
  for (const name of BOOT_BINARIES) {
    const dest = join(dir, name);
    if (existsSync(dest)) continue;
    if (existsSync(join(from, name))) copyFileSync(join(from, name), dest);
    else missing.push(name);
  }
  return missing;
}
