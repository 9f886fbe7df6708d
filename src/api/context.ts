import type { Logger } from '../log/index.js';
import type { Store } from '../store/index.js';
import type { HypervisorDriver } from '../hypervisors/index.js';
import { loadOrCreateKey, SecretStore } from '../secrets/index.js';
import { SourceService } from '../catalog/index.js';
import { TokenStore } from './tokens-store.js';
import { ScanJobs } from './scans.js';
import type { RouteGroup } from './route.js';

/** What the API needs from the running vizor. */
export interface ApiDeps {
  readonly store: Store;
  /** The secrets key file (config.secrets.keyFile): stored credentials and API token hashes use it. */
  readonly keyFile: string;
  readonly log: Logger;
  /** The open driver of a stored hypervisor (the server's DriverCache.get); the API never closes it. */
  readonly driver: (hypervisor: string) => Promise<HypervisorDriver>;
  /** Where NFS/CIFS sources are mounted while read (`<dataDir>/mnt`). */
  readonly mountRoot: string;
  readonly scanConcurrency: number;
  readonly smbClient?: 'auto' | 'kernel' | 'userspace';
  /** Folder of boot binaries; windows-install tasks need wimboot there. */
  readonly bootFilesDir: string;
  /** Site-wide template values every build starts from (config builds.values). */
  readonly buildDefaults?: Readonly<Record<string, string>>;
  /** Rooms: their folder, where payload images go, and vizor's address as guests reach it. */
  readonly rooms?: { readonly dir: string; readonly payloadRoot: string; readonly reportBase: string | null };
  /** Catalog scans started through the API; pass one to wait for it on shutdown (`scans.idle()`). */
  readonly scans?: ScanJobs;
  /** Largest accepted JSON body (express/body-parser syntax); default 256kb. */
  readonly bodyLimit?: string;
  /**
   * Checks every success body against its declared schema: 'throw' turns a mismatch into a
   * 500 (tests), 'off' skips the check (default: bodies come from typed handlers).
   */
  readonly responseCheck?: 'off' | 'throw';
}

/** The deps plus the services built from them, shared by every handler. */
export interface ApiContext extends ApiDeps {
  readonly secrets: SecretStore;
  readonly sources: SourceService;
  readonly tokens: TokenStore;
  readonly scans: ScanJobs;
  /** The route table being served (the OpenAPI document is made from it). */
  readonly routeGroups: readonly RouteGroup[];
}

/** Builds the handler context from the deps. */
export function createContext(deps: ApiDeps, routeGroups: readonly RouteGroup[]): ApiContext {
  const secrets = new SecretStore(deps.store.secrets, deps.keyFile);
  const sources = new SourceService(deps.store, secrets, deps.mountRoot, deps.smbClient ?? 'auto');
  const scans = deps.scans ?? new ScanJobs({
    store: deps.store, log: deps.log, concurrency: deps.scanConcurrency, mountRoot: deps.mountRoot, smbClient: deps.smbClient ?? 'auto',
    password: (name) => secrets.get(name),
  });
  return { ...deps, secrets, sources, scans, routeGroups, tokens: new TokenStore(deps.store.db, () => loadOrCreateKey(deps.keyFile)) };
}
