import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SmbServerError } from '../exposure/index.js';
import type { Logger } from '../log/index.js';
import type { VizorConfig } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { SecretStore } from '../secrets/index.js';
import { IsoMountManager, SmbAccounts, SmbServer, type OpenIsoCache } from '../exposure/index.js';
import { isoMediaMounts } from './media-mounts.js';
import { WindowsShares } from './windows-shares.js';
import type { RunningExposure } from './index.js';

const RECONCILE_MS = 10_000;
const STATUS_POLL_MS = 2_000;

/** Runs `fn` at most once at a time: a slow round is not overlapped by the next tick. */
function single<T>(what: string, log: Logger, fn: () => Promise<T>, fallback: T): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () =>
    (running ??= fn().finally(() => (running = null))).catch((err: unknown) => {
      log.error({ err: (err as Error).message }, `${what} failed; retrying on the next round`);
      return fallback;
    });
}

/**
 * smbd serves each share as that build's own account, which must be able to pass through
 * every folder above the shares: vizor's own folders get the search bit (0o011, no
 * listing); a folder above dataDir that blocks it is reported, not changed.
 */
async function ensureTraversable(dataDir: string, dirs: readonly string[]): Promise<void> {
  for (const d of dirs) {
    await mkdir(d, { recursive: true, mode: 0o711 });
    for (let p = d; p.startsWith(dataDir); p = dirname(p)) {
      const st = await stat(p);
      if ((st.mode & 0o001) === 0) await chmod(p, (st.mode & 0o7777) | 0o011);
      if (p === dataDir) break;
    }
  }
  for (let p = dirname(dataDir); ; p = dirname(p)) {
    const st = await stat(p);
    if ((st.mode & 0o001) === 0) throw new SmbServerError(`${p} (above dataDir) is not searchable by others (mode ${(st.mode & 0o777).toString(8)}): smbd's per-build accounts cannot reach the shares below it`);
    if (p === '/') break;
  }
}

/**
 * Starts vizor's SMB exposure: cleans mounts a crashed run left, starts the private
 * smbd, and keeps accounts, ISO mounts and shares in step with windows-install tasks.
 * Adds its shutdown steps to `stops` (mounts released, smbd stopped).
 */
export async function startSmbExposure(o: { config: VizorConfig; store: Store; isos: OpenIsoCache; secrets: SecretStore; log: Logger; stops: (() => Promise<void>)[] }): Promise<RunningExposure> {
  const { config, store, log } = o;
  await ensureTraversable(config.dataDir, [join(config.dataDir, 'mnt', 'iso'), join(config.dataDir, 'smb-status')]);
  const smbLog = log.child({ subsystem: 'smb' });
  const manager = new IsoMountManager({
    mountRoot: join(config.dataDir, 'mnt', 'iso'), method: config.exposure.mountMethod, idleMs: config.exposure.mountIdleSeconds * 1000, log: smbLog,
  });
  const stale = await manager.cleanStale();
  if (stale.length) smbLog.warn({ mounts: stale }, 'removed ISO mounts left by an earlier run');
  o.stops.unshift(() => manager.closeAll());
  const listen = config.exposure.smb.listen.length ? config.exposure.smb.listen : [config.boot.advertiseAddress ?? '127.0.0.1'];
  const smb = new SmbServer({ stateDir: join(config.dataDir, 'smb'), listen, port: config.exposure.smb.port, log: smbLog });
  await smb.start();
  o.stops.unshift(() => smb.stop());
  const shares = new WindowsShares({
    store, smb, accounts: new SmbAccounts(smb.configFile), statusRoot: join(config.dataDir, 'smb-status'), log: smbLog,
    secrets: { get: (n) => o.secrets.get(n), set: (n, v) => o.secrets.set(n, v), remove: (n) => o.secrets.remove(n) },
    mounts: isoMediaMounts({ manager, isos: o.isos, store, password: (n) => o.secrets.get(n) }),
  });
  o.stops.unshift(() => shares.close());
  const reconcile = single('SMB share reconciliation', smbLog, () => shares.reconcile(), undefined);
  const pollStatus = single('status share poll', smbLog, () => shares.pollStatus(), 0);
  await shares.reconcile();
  const timers = [setInterval(() => void reconcile(), RECONCILE_MS), setInterval(() => void pollStatus(), STATUS_POLL_MS)];
  for (const t of timers) t.unref();
  o.stops.unshift(async () => timers.forEach((t) => clearInterval(t)));
  return { smbPort: config.exposure.smb.port, reconcile: () => shares.reconcile(), pollStatus: () => shares.pollStatus() };
}
