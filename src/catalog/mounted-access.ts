import { execFile } from 'node:child_process';
import { mkdir, rmdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { RandomAccessSource } from '../media/index.js';
import { FileAccess, type FoundIso, type SourceAccess } from './access.js';
import { SourceUnavailableError } from './errors.js';

const run = promisify(execFile);

/**
 * A share the kernel mounted read-only under vizor's mount folder for one scan; reads go
 * through the mount, and close() unmounts it (lazily if it is busy) and removes the folder.
 */
export class MountedAccess implements SourceAccess {
  private constructor(private readonly inner: FileAccess, private readonly mountPoint: string) {}

  /** Runs `mount` with `args` (ending in the mount point) and wraps the result; a failure names what was mounted. */
  static async mount(name: string, what: string, mountPoint: string, args: readonly string[]): Promise<MountedAccess> {
    await mkdir(mountPoint, { recursive: true, mode: 0o700 });
    try {
      await run('mount', [...args], { timeout: 60_000 });
    } catch (err) {
      await rmdir(mountPoint).catch(() => undefined);
      const first = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n')[0];
      throw new SourceUnavailableError(name, `cannot mount ${what}: ${first}`, { cause: err });
    }
    return new MountedAccess(new FileAccess(mountPoint, name), mountPoint);
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
