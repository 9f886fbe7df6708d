import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rmdir, writeFile, rm, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import type { RandomAccessSource } from '../media/index.js';
import { FileAccess, type FoundIso, type SourceAccess } from './access.js';
import { SourceUnavailableError } from './errors.js';
import type { SourceLocation } from './url.js';

const run = promisify(execFile);

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

/** An SMB share mounted read-only by the kernel for the duration of a scan. */
export class CifsAccess implements SourceAccess {
  private constructor(private readonly inner: FileAccess, private readonly mountPoint: string) {}

  static async mount(name: string, loc: Extract<SourceLocation, { kind: 'smb' }>, password: string | null, mountRoot: string): Promise<CifsAccess> {
    const mountPoint = join(mountRoot, `smb-${name}`);
    await mkdir(mountPoint, { recursive: true, mode: 0o700 });
    // Credentials go through a 0600 file removed right after mounting: never on a command line.
    const credDir = await mkdtemp(join(tmpdir(), 'vizor-cifs-'));
    const credFile = join(credDir, 'credentials');
    await writeFile(credFile, `username=${loc.user ?? 'guest'}\npassword=${password ?? ''}\n${loc.domain ? `domain=${loc.domain}\n` : ''}`, { mode: 0o600 });
    const unc = `//${loc.host}/${loc.share}${loc.path ? `/${loc.path}` : ''}`;
    const options = ['ro', 'nosuid', 'nodev', 'noexec', `credentials=${credFile}`, 'vers=3.0', 'sec=ntlmssp', 'cache=loose', ...(loc.port ? [`port=${loc.port}`] : []), ...(password ? [] : ['guest'])];
    try {
      await run('mount', ['-t', 'cifs', unc, mountPoint, '-o', options.join(',')], { timeout: 60_000 });
    } catch (err) {
      await rmdir(mountPoint).catch(() => undefined);
      const first = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0];
      throw new SourceUnavailableError(name, `cannot mount ${unc}: ${first}`, { cause: err });
    } finally {
      await rm(credDir, { recursive: true, force: true });
    }
    return new CifsAccess(new FileAccess(mountPoint, name), mountPoint);
  }

  walk(): AsyncGenerator<FoundIso> {
    return this.inner.walk();
  }

  open(path: string): Promise<RandomAccessSource> {
    return this.inner.open(path);
  }

  async close(): Promise<void> {
    await run('umount', [this.mountPoint]).catch(() => run('umount', ['-l', this.mountPoint]).catch(() => undefined));
    await rmdir(this.mountPoint).catch(() => undefined);
  }
}
