import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { MountError } from './errors.js';

/** How an ISO is mounted: the kernel's own driver on a loop device, or vizor-isofs. */
export type MountMethod = 'loop' | 'fuse';
/** The configured choice; 'auto' takes 'loop' when the kernel can, else 'fuse'. */
export type MountMethodSetting = 'auto' | MountMethod;
/** ISO file systems the kernel may mount, in the order tried (UDF holds everything on Windows media). */
export type KernelIsoType = 'udf' | 'iso9660';

const MODULE_PATH: Record<KernelIsoType, string> = { udf: '/fs/udf/udf.ko', iso9660: '/fs/isofs/isofs.ko' };

/**
 * Which ISO drivers this kernel has: listed in /proc/filesystems (loaded or built in) or
 * present as a module in modules.dep (mount(8) loads it on demand).
 */
export function kernelIsoTypes(procFilesystems: string, modulesDep = ''): KernelIsoType[] {
  const listed = new Set(procFilesystems.split('\n').map((l) => l.trim().split(/\s+/).pop()));
  return (['udf', 'iso9660'] as const).filter((t) => listed.has(t) || modulesDep.includes(MODULE_PATH[t]));
}

/** Reads what kernelIsoTypes needs from this machine. */
export async function probeKernelIsoTypes(): Promise<KernelIsoType[]> {
  const filesystems = await readFile('/proc/filesystems', 'utf8').catch(() => '');
  const modules = await readFile(`/lib/modules/${release()}/modules.dep`, 'utf8').catch(() => '');
  return kernelIsoTypes(filesystems, modules);
}

/** Picks the method for a backing: 'loop' needs a local file and a kernel ISO driver. */
export function chooseMethod(setting: MountMethodSetting, kernelTypes: readonly KernelIsoType[], localFile: boolean): MountMethod {
  if (setting === 'fuse') return 'fuse';
  const loopWorks = kernelTypes.length > 0 && localFile;
  if (setting === 'loop' && !loopWorks) {
    throw new MountError(
      'MOUNT_UNSUPPORTED',
      kernelTypes.length === 0
        ? "mount method 'loop': this kernel has no iso9660 or udf driver (use 'auto' or 'fuse')"
        : "mount method 'loop': the image is not a local file (use 'auto' or 'fuse')",
    );
  }
  return loopWorks ? 'loop' : 'fuse';
}

/** Runs a command; resolves with stdout, rejects with its stderr as the message. */
export function run(cmd: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (!err) resolve(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
    });
  });
}

/** Mounts an image read-only on a loop device, trying each driver in turn; returns the one used. */
export async function loopMount(file: string, mountPoint: string, types: readonly KernelIsoType[]): Promise<KernelIsoType> {
  const failures: string[] = [];
  for (const type of types) {
    try {
      await run('mount', ['-o', 'loop,ro,nodev,nosuid', '-t', type, file, mountPoint]);
      return type;
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  throw new MountError('MOUNT_FAILED', `cannot loop-mount ${file} on ${mountPoint}: ${failures.join('; ') || 'no ISO driver'}`);
}

/**
 * Detaches a mount lazily (MNT_DETACH), so a busy or dead mount ("transport endpoint is
 * not connected") goes at once and its last user releases it. FUSE mounts go through
 * fusermount3 when it exists, everything else (and the fallback) through umount -l.
 */
export async function lazyUnmount(mountPoint: string, fuse: boolean): Promise<void> {
  if (fuse) {
    try {
      await run('fusermount3', ['-u', '-z', mountPoint]);
      return;
    } catch {
      // not installed, or it refused: umount -l below does the same as root
    }
  }
  try {
    await run('umount', ['-l', mountPoint]);
  } catch (err) {
    throw new MountError('MOUNT_FAILED', `cannot unmount ${mountPoint}: ${(err as Error).message}`, { cause: err });
  }
}
