import { chown, mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Logger } from '../log/index.js';
import type { Store, NodeRow } from '../store/index.js';
import { accountShareNames, asWindowsInstall, windowsShareNames, type WindowsInstallTask } from '../boot/index.js';
import { newSharePassword, type SmbShare } from '../exposure/index.js';

/** ISO contents as a directory for smbd, held per build account. */
export interface MediaMounts {
  acquire(isoId: number, holder: string): Promise<string>;
  release(isoId: number, holder: string): Promise<void>;
}

/** The parts of SmbServer/SmbAccounts the reconciler drives (so tests can watch it). */
export interface SmbControl {
  readonly currentShares: readonly SmbShare[];
  setShares(shares: readonly SmbShare[]): Promise<void>;
}
export interface AccountControl {
  ensure(name: string, password: string): Promise<void>;
  remove(name: string): Promise<void>;
  list(): Promise<string[]>;
}
export interface SecretControl {
  get(name: string): string | null;
  set(name: string, value: string): void;
  remove(name: string): void;
}

export interface WindowsSharesOptions {
  readonly store: Store;
  readonly secrets: SecretControl;
  readonly smb: SmbControl;
  readonly accounts: AccountControl;
  readonly mounts: MediaMounts;
  /** Parent of the per-build status folders. */
  readonly statusRoot: string;
  readonly log: Logger;
}

/** Status lines are short; anything else in a status file is ignored. */
const STAGE = /^[a-z][a-z0-9-]{0,39}$/;
const MAX_LOG_BYTES = 1024 * 1024;

interface Desired {
  readonly node: NodeRow;
  readonly task: WindowsInstallTask;
  readonly names: ReturnType<typeof windowsShareNames>;
}

const uidOf = (name: string): Promise<{ uid: number; gid: number }> =>
  new Promise((resolve, reject) =>
    execFile('id', ['-u', name], (e1, uid) => (e1 ? reject(e1) : execFile('id', ['-g', name], (e2, gid) => (e2 ? reject(e2) : resolve({ uid: Number(uid), gid: Number(gid) }))))),
  );

/**
 * Keeps vizor's smbd in step with the windows-install tasks in the store: per task an
 * account with its own password, the ISO mounted and shared read-only, and a status
 * share only that account can write. Whatever belongs to no task any more (accounts,
 * shares, mounts, secrets) is removed, so a restart or a finished build leaves nothing
 * behind. `pollStatus` turns what WinPE writes on the status shares into node events.
 */
export class WindowsShares {
  private held = new Map<string, number>(); // account -> isoId it holds a mount for
  /** Accounts whose Unix/Samba account and status folder are in place (the work is once per task, not every round). */
  private prepared = new Set<string>();
  private offsets = new Map<string, number>();
  private offsetsLoaded = false;
  /** reconcile and pollStatus run one at a time, timer and callers alike (no double events). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: WindowsSharesOptions) {}

  private desired(): Desired[] {
    const out: Desired[] = [];
    for (const node of this.o.store.nodes.list()) {
      const task = asWindowsInstall(node.task);
      if (task) out.push({ node, task, names: windowsShareNames(task) });
    }
    return out;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Brings accounts, mounts and shares in line with the tasks; safe to call repeatedly. */
  reconcile(): Promise<void> {
    return this.serial(() => this.reconcileNow());
  }

  /**
   * Reads new lines of each node's `<mac>.log` on its status share and records each stage
   * as an `install-stage` event; `setup-done` switches the node to boot from disk next.
   * Returns how many events it recorded.
   */
  pollStatus(): Promise<number> {
    return this.serial(() => this.pollStatusNow());
  }

  private async reconcileNow(): Promise<void> {
    const want = this.desired();
    const shares = new Map<string, SmbShare>();
    const wanted = new Set(want.map((d) => d.names.account));
    for (const d of want) {
      const { account, passwordSecret, mediaShare, statusShare } = d.names;
      try {
        const statusDir = join(this.o.statusRoot, statusShare);
        if (!this.prepared.has(account)) {
          let password = this.o.secrets.get(passwordSecret);
          if (!password) {
            password = newSharePassword();
            this.o.secrets.set(passwordSecret, password);
          }
          await this.o.accounts.ensure(account, password);
          await mkdir(statusDir, { recursive: true, mode: 0o700 });
          const { uid, gid } = await uidOf(account);
          await chown(statusDir, uid, gid);
          this.prepared.add(account);
        }
        const path = await this.o.mounts.acquire(d.task.isoId, account);
        this.held.set(account, d.task.isoId);
        const media = shares.get(mediaShare);
        shares.set(mediaShare, { name: mediaShare, path, writable: false, users: [...(media?.users ?? []), account], comment: `ISO ${d.task.isoId}` });
        shares.set(statusShare, { name: statusShare, path: statusDir, writable: true, users: [account], comment: `status of ${d.node.mac}` });
      } catch (err) {
        this.o.log.error({ mac: d.node.mac, account, err: (err as Error).message }, 'cannot prepare SMB shares for a windows-install task');
        this.o.store.nodes.record(d.node.mac, 'smb-error', { error: (err as Error).message });
      }
    }
    const next = [...shares.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (JSON.stringify(next) !== JSON.stringify(this.o.smb.currentShares)) await this.o.smb.setShares(next);
    // Only after smbd stopped sharing them: release mounts and remove accounts of finished tasks.
    for (const [account, isoId] of [...this.held]) {
      if (wanted.has(account)) continue;
      await this.o.mounts.release(isoId, account).catch((err) => this.o.log.warn({ account, err: (err as Error).message }, 'cannot release ISO mount'));
      this.held.delete(account);
    }
    for (const account of await this.o.accounts.list()) {
      if (wanted.has(account)) continue;
      await this.o.accounts.remove(account).catch((err) => this.o.log.warn({ account, err: (err as Error).message }, 'cannot remove SMB account'));
      const names = accountShareNames(account);
      this.o.secrets.remove(names.passwordSecret);
      this.prepared.delete(account);
      await rm(join(this.o.statusRoot, names.statusShare), { recursive: true, force: true });
      this.o.log.info({ account }, 'removed the SMB account of a finished windows-install task');
    }
  }

  private async pollStatusNow(): Promise<number> {
    await this.loadOffsets();
    let recorded = 0;
    for (const d of this.desired()) {
      const nodeId = d.node.mac.replace(/:/g, '-');
      const file = join(this.o.statusRoot, d.names.statusShare, `${nodeId}.log`);
      const key = `${d.names.statusShare}/${nodeId}`;
      const lines = await this.newLines(file, key);
      for (const line of lines) {
        const stage = line.trim().split(/\s+/).pop()?.toLowerCase() ?? '';
        if (!STAGE.test(stage)) continue;
        this.o.store.nodes.record(d.node.mac, 'install-stage', { stage, source: 'smb-status' });
        recorded++;
        if (stage === 'setup-done') {
          // WinPE reboots into the installed system: it must not netboot WinPE again.
          this.o.store.nodes.setTask(d.node.mac, { kind: 'local' });
          this.o.store.nodes.record(d.node.mac, 'install-done', { isoId: d.task.isoId, nextTask: 'local' });
        }
      }
    }
    if (recorded) await this.saveOffsets();
    return recorded;
  }

  private async newLines(file: string, key: string): Promise<string[]> {
    const fh = await open(file, 'r').catch(() => null);
    if (!fh) return [];
    try {
      const size = (await fh.stat()).size;
      let from = this.offsets.get(key) ?? 0;
      if (size < from) from = 0; // truncated or replaced: read again from the start
      const length = Math.min(size - from, MAX_LOG_BYTES);
      if (length <= 0) return [];
      const buf = Buffer.alloc(length);
      await fh.read(buf, 0, length, from);
      const text = buf.toString('latin1');
      const end = text.lastIndexOf('\n');
      if (end < 0) return [];
      this.offsets.set(key, from + end + 1);
      return text.slice(0, end).split(/\r?\n/);
    } finally {
      await fh.close();
    }
  }

  private offsetsFile(): string {
    return join(this.o.statusRoot, '..', 'status-offsets.json');
  }

  private async loadOffsets(): Promise<void> {
    if (this.offsetsLoaded) return;
    this.offsetsLoaded = true;
    const raw = await readFile(this.offsetsFile(), 'utf8').catch(() => '{}');
    try {
      for (const [k, v] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) if (typeof v === 'number') this.offsets.set(k, v);
    } catch {
      this.o.log.warn({ file: this.offsetsFile() }, 'status offsets unreadable; starting over');
    }
  }

  private async saveOffsets(): Promise<void> {
    await writeFile(this.offsetsFile(), JSON.stringify(Object.fromEntries(this.offsets)), { mode: 0o600 });
  }

  /** Releases every mount this reconciler holds (accounts and shares stay for a restart). */
  async close(): Promise<void> {
    for (const [account, isoId] of this.held) await this.o.mounts.release(isoId, account).catch(() => undefined);
    this.held.clear();
  }
}
