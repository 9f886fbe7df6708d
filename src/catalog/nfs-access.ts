import { execFile } from 'node:child_process';
import { mkdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RandomAccessSource } from '../media/index.js';
import { FileAccess, kernelHasNfs, type FoundIso, type SourceAccess } from './access.js';
import { SourceUnavailableError } from './errors.js';
import type { SourceLocation } from './url.js';

const run = promisify(execFile);

/**
 * NFS through the kernel client: the export is mounted read-only under vizor's own
 * mount folder for the duration of a scan. Where the kernel has no NFS client (as on
 * the build machines) this says so instead of failing obscurely.
 */
export class NfsAccess implements SourceAccess {
  private constructor(private readonly inner: FileAccess, private readonly mountPoint: string) {}

  static async mount(name: string, loc: Extract<SourceLocation, { kind: 'nfs' }>, mountRoot: string): Promise<NfsAccess> {
    if (!kernelHasNfs()) {
      throw new SourceUnavailableError(name, 'this kernel has no NFS client (no nfs in /proc/filesystems); load the nfs module and install nfs-common, or share the ISOs over SMB');
    }
    const mountPoint = join(mountRoot, `nfs-${name}`);
    await mkdir(mountPoint, { recursive: true, mode: 0o700 });
    try {
      await run('mount', ['-t', 'nfs', '-o', 'ro,nosuid,nodev,noexec,soft,timeo=100,retrans=2', `${loc.host}:${loc.exportPath}`, mountPoint], { timeout: 60_000 });
    } catch (err) {
      await rmdir(mountPoint).catch(() => undefined);
      const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0];
      throw new SourceUnavailableError(name, `cannot mount ${loc.host}:${loc.exportPath}: ${stderr}`, { cause: err });
    }
    return new NfsAccess(new FileAccess(mountPoint, name), mountPoint);
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
