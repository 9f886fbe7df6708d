import { join } from 'node:path';
import type { Server } from 'node:http';
import type { Logger } from '../log/index.js';
import type { VizorConfig } from '../config/index.js';
import { Store } from '../store/index.js';
import { TemplateRenderer } from '../templates/index.js';
import { bootRouter, ensureBootFiles } from '../boot/index.js';
import { PeerDirectory } from '../boot/peers.js';
import { mediaRouter, OpenIsoCache } from '../exposure/index.js';
import { SecretStore } from '../secrets/index.js';
import { createHttpApp, listen } from './http.js';
import { resolveInterfaces } from './interfaces.js';
import { startBootServices } from './boot-services.js';
import { startSmbExposure } from './smb-exposure.js';
import { DriverCache } from './drivers.js';
import { ipxeIsoRouter } from './ipxe-iso-route.js';
import { roomCallbacksRouter } from './room-callbacks.js';
import { sequenceCallbacksRouter } from './sequence-callbacks.js';
import { payloadRouter } from './payload-route.js';
import { BuildRunner } from '../builds/index.js';
import { collectBuildMetrics } from '../metrics/index.js';
import { apiRouter } from '../api/index.js';
import { uiRouter } from '../ui/index.js';

/** vizor's SMB exposure while it runs (windows-install tasks). */
export interface RunningExposure {
  readonly smbPort: number;
  /** Brings accounts, mounts and shares in line with the tasks now (it also runs every 10 s). */
  reconcile(): Promise<void>;
  /** Turns new status-share lines into node events now (it also runs every 2 s). */
  pollStatus(): Promise<number>;
}

/** A running vizor service. */
export interface RunningServer {
  readonly httpPort: number;
  readonly store: Store;
  readonly exposure: RunningExposure | null;
  /** Drives builds; `round()` advances them now (it also runs every second). */
  readonly builds: BuildRunner;
  stop(): Promise<void>;
}

/** Each path's on-ISO spelling (found case-insensitively), or null when absent. */
async function findInIso(isos: OpenIsoCache, id: number, paths: readonly string[]): Promise<(string | null)[]> {
  const lease = await isos.get(id);
  try {
    const out: (string | null)[] = [];
    for (const p of paths) {
      const hit = await lease.image.find(p);
      out.push(hit && !hit.node.isDirectory ? hit.path.replace(/^\/+/, '') : null);
    }
    return out;
  } finally {
    lease.release();
  }
}

/** Where boot binaries are kept: boot.tftp.root, else <dataDir>/boot. */
export function bootFilesDir(config: VizorConfig): string {
  return config.boot.tftp.root ?? join(config.dataDir, 'boot');
}

/**
 * Starts every service the configuration asks for, sharing one store: HTTP always
 * (health, boot endpoints), DHCP and TFTP when boot interfaces are configured.
 * `stop()` closes them in reverse order and leaves the store consistent.
 */
export async function startServer(config: VizorConfig, log: Logger): Promise<RunningServer> {
  const store = Store.open(join(config.dataDir, 'vizor.db'));
  const stops: (() => Promise<void>)[] = [async () => store.close()];
  let ready = false;
  try {
    const filesDir = bootFilesDir(config);
    const missing = ensureBootFiles(filesDir);
    if (missing.length) log.warn({ dir: filesDir, missing }, 'boot binaries missing: install the Debian package ipxe');
    const peers = new PeerDirectory((ip) => store.dhcp.leaseByIp(ip)?.mac ?? null);
    const secrets = new SecretStore(store.secrets, config.secrets.keyFile);
    const isos = new OpenIsoCache(store, { mountRoot: join(config.dataDir, 'mnt'), password: (n) => secrets.get(n), smbClient: config.catalog.smbClient });
    stops.unshift(() => isos.close());
    const drivers = new DriverCache(store, secrets, log.child({ subsystem: 'hypervisor' }));
    stops.unshift(() => drivers.close());
    const httpLog = log.child({ subsystem: 'http' });
    const app = createHttpApp(
      [
        apiRouter({
          store, keyFile: config.secrets.keyFile, log: log.child({ subsystem: 'api' }), driver: (n) => drivers.get(n),
          mountRoot: join(config.dataDir, 'mnt'), scanConcurrency: config.catalog.scanConcurrency, smbClient: config.catalog.smbClient, bootFilesDir: filesDir, buildDefaults: config.builds.values,
          rooms: {
            dir: config.rooms.dir, payloadRoot: join(config.dataDir, 'payloads'),
            reportBase: config.boot.advertiseAddress ? `http://${config.boot.advertiseAddress}:${config.http.port}` : null,
          },
        }),
        uiRouter(),
        // Before the boot router, whose /boot/:file would answer 404 for it.
        ipxeIsoRouter({ cacheDir: join(config.dataDir, 'cache'), log: httpLog }),
        roomCallbacksRouter({ store, log: httpLog }),
        sequenceCallbacksRouter({ store, log: httpLog }),
        payloadRouter({ payloadRoot: join(config.dataDir, 'payloads'), log: httpLog }),
        bootRouter({
          store, peers, renderer: new TemplateRenderer(), defaultTask: config.boot.defaultTask, bootFilesDir: filesDir, log: httpLog,
          isoFiles: (id, paths) => findInIso(isos, id, paths),
          secret: (name) => secrets.get(name),
        }),
        mediaRouter({
          isos,
          log: httpLog,
          onFetch: (peer, path, bytes, status) => {
            const mac = peers.macOf(peer);
            if (mac) store.nodes.record(mac, 'http-fetch', { path, bytes, status });
          },
        }),
      ],
      () => ready,
      log,
    );
    const http: Server = await listen(app, config.http.host, config.http.port);
    stops.unshift(() => new Promise<void>((r) => { http.close(() => r()); http.closeAllConnections(); }));
    const address = http.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.http.port;
    log.info({ host: config.http.host, port: httpPort }, 'http listening');
    if (config.boot.interfaces.length > 0) {
      const ifaces = resolveInterfaces(config.boot.interfaces);
      stops.unshift(...(await startBootServices({ config, ifaces, httpPort, filesDir, store, peers, log })));
    }
    const exposure = config.exposure.smb.enabled ? await startSmbExposure({ config, store, isos, secrets, log, stops }) : null;
    const builds = new BuildRunner({ store, driver: (name) => drivers.get(name), log: log.child({ subsystem: 'builds' }), tickMs: config.builds.tickMs });
    builds.start();
    stops.unshift(() => builds.stop());
    const stopBuildMetrics = collectBuildMetrics(store);
    stops.unshift(async () => stopBuildMetrics());
    ready = true;
    return {
      httpPort,
      store,
      exposure,
      builds,
      stop: async () => {
        ready = false;
        for (const s of stops) await s().catch((err) => log.error({ err }, 'error while stopping'));
      },
    };
  } catch (err) {
    for (const s of stops) await s().catch(() => undefined);
    throw err;
  }
}
