import { mkdir, readdir, realpath, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaImage } from '../../media/index.js';
import type { Logger } from '../../log/index.js';
import { MountError } from './errors.js';
import { manifestFromImage, type SkippedEntry } from './from-image.js';
import { helperMissing, locateHelper, locateSmbConfig, startHelper, type HelperProcess } from './helper.js';
import { chooseMethod, lazyUnmount, loopMount, probeKernelIsoTypes, type KernelIsoType, type MountMethod, type MountMethodSetting } from './kernel.js';
import { encodeManifest, MOUNT_NAME, type MountBacking } from './manifest.js';
import { isIsoMount, isoMountsBelow, readMountInfo } from './mountinfo.js';

/** Options of an IsoMountManager. */
export interface IsoMountManagerOptions {
  /** Folder the mounts go in, one per ISO key (e.g. <dataDir>/mnt/iso); vizor owns it alone. */
  readonly mountRoot: string;
  /** 'auto' (default): the kernel's driver on a loop device when it has one, else vizor-isofs. */
  readonly method?: MountMethodSetting;
  /** How long a mount nobody holds stays up (default 60 s), so back-to-back builds reuse it. */
  readonly idleMs?: number;
  /** How long the helper may take to mount (default 60 s: SMB-backed images connect first). */
  readonly readyTimeoutMs?: number;
  /** How long the helper may take to unmount on SIGTERM before it is killed (default 10 s). */
  readonly stopTimeoutMs?: number;
  /** The vizor-isofs binary; default build/Release/vizor-isofs. */
  readonly helperPath?: string;
  readonly log?: Logger;
  /** Which ISO drivers the kernel has; default probes /proc/filesystems and modules.dep. */
  readonly kernelIsoTypes?: () => Promise<KernelIsoType[]>;
}

/** What `acquire` needs to mount an ISO: the opened image and where its bytes are. */
export interface IsoMountSource {
  readonly image: MediaImage;
  readonly backing: MountBacking;
  /** Called once the image is no longer needed (after mounting, or on failure). */
  readonly release?: () => Promise<void>;
}

/** A live mount lent to a holder. */
export interface IsoMount {
  readonly path: string;
  readonly method: MountMethod;
  /** Image entries the mount could not show (FUSE only). */
  readonly skipped: readonly SkippedEntry[];
}

/** The state of one ISO key. */
export type IsoMountStatus = 'mounted' | 'dead' | 'unmounted';

interface Active extends IsoMount {
  readonly key: string;
  readonly holders: Set<string>;
  readonly helper: HelperProcess | null;
  dead: boolean;
  stopping: boolean;
  idle: NodeJS.Timeout | null;
}

/**
 * Mounts cataloged ISOs read-only under one folder on demand, for the Samba media share:
 * one mount per ISO key, held by builds (holders); unmounted once nobody has held it for
 * `idleMs`. A helper that dies marks its mount dead and the next acquire mounts afresh.
 * `cleanStale` removes what a crashed earlier run left behind.
 */
export class IsoMountManager {
  private readonly mounts = new Map<string, Active>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private root: string | null = null;
  private closed = false;
  private kernelTypes: Promise<KernelIsoType[]> | null = null;

  constructor(private readonly opts: IsoMountManagerOptions) {
    if (!opts.mountRoot.startsWith('/')) throw new MountError('MOUNT_INVALID', `mount root must be an absolute path: ${opts.mountRoot}`);
  }

  /**
   * Mounts `isoKey` unless it is mounted, records `holder` (idempotent per holder) and
   * returns the mount. `open` is called only when a mount has to be made.
   */
  async acquire(isoKey: string, holder: string, open: () => Promise<IsoMountSource>): Promise<IsoMount> {
    checkKey(isoKey, holder);
    return this.serial(isoKey, async () => {
      if (this.closed) throw new MountError('MOUNT_CLOSED', `cannot mount ${isoKey}: the mount manager is closed`);
      let active = this.mounts.get(isoKey);
      if (active?.dead) {
        this.opts.log?.warn({ isoKey, path: active.path }, 'iso mount helper had died; mounting again');
        await this.teardown(active);
        active = undefined;
      }
      active ??= await this.mount(isoKey, open);
      active.holders.add(holder);
      if (active.idle) clearTimeout(active.idle);
      active.idle = null;
      return { path: active.path, method: active.method, skipped: active.skipped };
    });
  }

  /** Drops `holder`; the mount goes once nobody has held it for idleMs. Unknown holders are ignored. */
  release(isoKey: string, holder: string): void {
    const active = this.mounts.get(isoKey);
    if (!active || !active.holders.delete(holder) || active.holders.size > 0 || active.idle) return;
    active.idle = setTimeout(() => {
      void this.serial(isoKey, async () => {
        if (this.mounts.get(isoKey) === active && active.holders.size === 0) await this.teardown(active);
      }).catch((err: unknown) => this.opts.log?.error({ isoKey, err }, 'idle iso unmount failed'));
    }, this.opts.idleMs ?? 60_000);
    active.idle.unref();
  }

  /** Whether `isoKey` is mounted, mounted but dead (its helper exited), or not mounted. */
  status(isoKey: string): IsoMountStatus {
    const active = this.mounts.get(isoKey);
    return !active ? 'unmounted' : active.dead ? 'dead' : 'mounted';
  }

  /** The holders of `isoKey`'s mount. */
  holders(isoKey: string): string[] {
    return [...(this.mounts.get(isoKey)?.holders ?? [])];
  }

  /** Unmounts everything and refuses further acquires. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const results = await Promise.allSettled(
      [...this.mounts.keys()].map((key) =>
        this.serial(key, async () => {
          const active = this.mounts.get(key);
          if (active) await this.teardown(active);
        }),
      ),
    );
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) {
      throw new MountError('MOUNT_FAILED', `${failed.length} iso mount(s) did not unmount: ${(failed[0]!.reason as Error).message}`, { cause: failed[0]!.reason });
    }
  }

  /**
   * Unmounts (lazily) every ISO mount under the mount root that this manager does not
   * own — FUSE mounts of vizor-isofs, live or dead, and kernel iso9660/udf mounts left
   * by an earlier run — and removes the empty folders left there. Returns the mount points cleaned.
   */
  async cleanStale(): Promise<string[]> {
    const root = await this.ensureRoot();
    const ours = new Set([...this.mounts.values()].map((a) => a.path));
    const cleaned: string[] = [];
    for (const entry of isoMountsBelow(await readMountInfo(), root)) {
      if (ours.has(entry.mountPoint) || entry.mountPoint === root) continue;
      await lazyUnmount(entry.mountPoint, entry.fsType.startsWith('fuse'));
      cleaned.push(entry.mountPoint);
      this.opts.log?.info({ path: entry.mountPoint, fsType: entry.fsType }, 'removed stale iso mount');
    }
    for (const dirent of await readdir(root, { withFileTypes: true })) {
      const path = join(root, dirent.name);
      // rmdir removes only empty folders, never a mounted or populated one.
      if (dirent.isDirectory() && !ours.has(path)) await rmdir(path).catch(() => undefined);
    }
    return cleaned;
  }

  private async ensureRoot(): Promise<string> {
    if (this.root) return this.root;
    await mkdir(this.opts.mountRoot, { recursive: true, mode: 0o755 });
    // mountinfo shows resolved paths: compare against the real one.
    this.root = await realpath(this.opts.mountRoot);
    return this.root;
  }

  private async mount(key: string, open: () => Promise<IsoMountSource>): Promise<Active> {
    const path = join(await this.ensureRoot(), key);
    await this.clearMountPoint(path);
    await mkdir(path, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw new MountError('MOUNT_FAILED', `cannot create mount point ${path}: ${err.code ?? err.message}`, { cause: err });
    });
    let source: IsoMountSource;
    try {
      source = await open();
    } catch (err) {
      await rmdir(path).catch(() => undefined);
      throw err;
    }
    try {
      this.kernelTypes ??= (this.opts.kernelIsoTypes ?? probeKernelIsoTypes)();
      const method = chooseMethod(this.opts.method ?? 'auto', await this.kernelTypes, source.backing.kind === 'file');
      if (method === 'loop' && source.backing.kind === 'file') {
        const type = await loopMount(source.backing.path, path, await this.kernelTypes);
        this.opts.log?.info({ isoKey: key, path, type }, 'iso mounted on a loop device');
        return this.track({ key, path, method, skipped: [], helper: null });
      }
      const helperPath = this.opts.helperPath ?? (await locateHelper());
      if (!helperPath) throw helperMissing();
      let backing = source.backing;
      if (backing.kind === 'smb' && !backing.configFile) backing = { ...backing, configFile: await locateSmbConfig() };
      const { manifest, skipped } = await manifestFromImage(source.image, key, backing);
      const helper = await startHelper(helperPath, path, encodeManifest(manifest), this.opts.readyTimeoutMs ?? 60_000);
      const active = this.track({ key, path, method, skipped, helper });
      void helper.exited.then(() => {
        if (active.stopping) return;
        active.dead = true;
        this.opts.log?.warn({ isoKey: key, path, stderr: helper.stderr() }, 'iso mount helper exited; the mount is dead until the next acquire');
      });
      this.opts.log?.info({ isoKey: key, path, nodes: manifest.nodes.length, skipped: skipped.length }, 'iso mounted with vizor-isofs');
      return active;
    } catch (err) {
      await this.clearMountPoint(path).catch(() => undefined);
      await rmdir(path).catch(() => undefined);
      throw err;
    } finally {
      await source.release?.().catch(() => undefined);
    }
  }

  private track(m: Omit<Active, 'holders' | 'dead' | 'stopping' | 'idle'>): Active {
    const active: Active = { ...m, holders: new Set(), dead: false, stopping: false, idle: null };
    this.mounts.set(m.key, active);
    return active;
  }

  /** Stops the helper, detaches whatever is still mounted there, removes the folder. */
  private async teardown(active: Active): Promise<void> {
    active.stopping = true;
    if (active.idle) clearTimeout(active.idle);
    active.idle = null;
    if (this.mounts.get(active.key) === active) this.mounts.delete(active.key);
    if (active.helper?.alive && !(await active.helper.stop(this.opts.stopTimeoutMs ?? 10_000))) {
      this.opts.log?.warn({ isoKey: active.key, path: active.path }, 'iso mount helper ignored SIGTERM and was killed');
    }
    await this.clearMountPoint(active.path);
    await rmdir(active.path).catch(() => undefined);
  }

  /** Lazily unmounts ISO mounts sitting on `path` (dead ones included); anything else there is an error. */
  private async clearMountPoint(path: string): Promise<void> {
    for (const entry of (await readMountInfo()).filter((e) => e.mountPoint === path).reverse()) {
      if (!isIsoMount(entry)) throw new MountError('MOUNT_FAILED', `${path} already has a ${entry.fsType} mount that is not vizor's`);
      await lazyUnmount(path, entry.fsType.startsWith('fuse'));
    }
  }

  /** Runs operations on one key one after another, whatever the previous one's outcome. */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(fn, fn);
    const tail = next.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return next;
  }
}

function checkKey(isoKey: string, holder: string): void {
  if (!MOUNT_NAME.test(isoKey)) throw new MountError('MOUNT_INVALID', `iso key "${isoKey}" must be 1-64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)`);
  if (typeof holder !== 'string' || holder.length === 0 || holder.length > 256) throw new MountError('MOUNT_INVALID', 'a mount holder must be a non-empty string of at most 256 characters');
}
