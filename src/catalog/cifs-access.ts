import { existsSync, readFileSync } from 'node:fs';
import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { SourceAccess } from './access.js';
import { MountedAccess } from './mounted-access.js';
import type { SourceLocation } from './url.js';

/** How SMB sources are read: the kernel's CIFS client, vizor's user-space client, or whichever is available. */
export type SmbClientMode = 'auto' | 'kernel' | 'userspace';

/** What the machine offers for SMB. */
export interface CifsSupport {
  readonly kernelHasCifs: boolean;
  readonly mountCifs: boolean;
  readonly root: boolean;
}

/** Probes /proc/filesystems, mount.cifs and privileges. */
export function probeCifs(filesystems = '/proc/filesystems'): CifsSupport {
  let fs = '';
  try {
    fs = readFileSync(filesystems, 'utf8');
  } catch {
    // No /proc: treat as no kernel support.
  }
  return {
    kernelHasCifs: /\b(cifs|smb3)\b/.test(fs),
    mountCifs: ['/sbin/mount.cifs', '/usr/sbin/mount.cifs'].some((p) => existsSync(p)),
    root: process.getuid?.() === 0,
  };
}

/**
 * Chooses the SMB client. `auto` takes the kernel's CIFS client when the kernel has it,
 * mount.cifs is installed and vizor runs as root; otherwise the user-space client.
 * `kernel` insists and says what is missing.
 */
export function chooseSmbClient(mode: SmbClientMode, s: CifsSupport): { use: 'kernel' | 'userspace'; missing: string | null } {
  const missing = !s.kernelHasCifs ? 'the kernel has no CIFS client (no cifs in /proc/filesystems)' : !s.mountCifs ? 'mount.cifs is not installed (Debian package cifs-utils)' : !s.root ? 'mounting needs root' : null;
  if (mode === 'userspace') return { use: 'userspace', missing };
  if (mode === 'kernel') return { use: 'kernel', missing };
  return { use: missing ? 'userspace' : 'kernel', missing };
}

/** Mounts an SMB share read-only with the kernel's CIFS client for the duration of a scan. */
export async function mountCifs(name: string, loc: Extract<SourceLocation, { kind: 'smb' }>, password: string | null, mountRoot: string): Promise<SourceAccess> {
  const mountPoint = join(mountRoot, `smb-${name}`);
  // Credentials go through a 0600 file removed right after mounting: never on a command line.
  const credDir = await mkdtemp(join(tmpdir(), 'vizor-cifs-'));
  const credFile = join(credDir, 'credentials');
  try {
    await writeFile(credFile, `username=${loc.user ?? 'guest'}\npassword=${password ?? ''}\n${loc.domain ? `domain=${loc.domain}\n` : ''}`, { mode: 0o600 });
    const unc = `//${loc.host}/${loc.share}${loc.path ? `/${loc.path}` : ''}`;
    const options = ['ro', 'nosuid', 'nodev', 'noexec', `credentials=${credFile}`, 'vers=3.0', 'sec=ntlmssp', 'cache=loose', ...(loc.port ? [`port=${loc.port}`] : []), ...(password ? [] : ['guest'])];
    return await MountedAccess.mount(name, unc, mountPoint, ['-t', 'cifs', unc, mountPoint, '-o', options.join(',')]);
  } finally {
    await rm(credDir, { recursive: true, force: true });
  }
}
