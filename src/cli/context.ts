import type { Command } from 'commander';
import type { LoadedConfig } from '../config/index.js';

/** Options every command accepts (declared on the root program). */
export interface GlobalOptions {
  readonly config?: string;
  readonly json?: boolean;
  readonly logLevel?: string;
}

/** Collects the global options seen by a subcommand. */
export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/**
 * Loads the configuration using the global --config and --log-level flags. Imported
 * lazily: the schema library is only paid for by commands that need configuration.
 */
export async function configFor(cmd: Command): Promise<LoadedConfig> {
  const g = globalOptions(cmd);
  const { loadConfig } = await import('../config/index.js');
  return loadConfig({ explicitFile: g.config, flags: { 'log.level': g.logLevel } });
}

/** What data commands work with: configuration, the store and the source service. */
export interface AppContext {
  readonly config: LoadedConfig['config'];
  readonly store: import('../store/index.js').Store;
  readonly sources: import('../catalog/index.js').SourceService;
  readonly mountRoot: string;
  close(): void;
}

/** Opens the store and services named by the configuration (database in dataDir). */
export async function openApp(cmd: Command): Promise<AppContext> {
  const { config } = await configFor(cmd);
  const { join } = await import('node:path');
  const { Store } = await import('../store/index.js');
  const { SecretStore } = await import('../secrets/index.js');
  const { SourceService } = await import('../catalog/index.js');
  const store = Store.open(join(config.dataDir, 'vizor.db'));
  const mountRoot = join(config.dataDir, 'mnt');
  const secrets = new SecretStore(store.secrets, config.secrets.keyFile);
  return { config, store, sources: new SourceService(store, secrets, mountRoot, config.catalog.smbClient), mountRoot, close: () => store.close() };
}

/** Runs `fn` with an open app context and closes it afterwards. */
export async function withApp<T>(cmd: Command, fn: (app: AppContext) => Promise<T> | T): Promise<T> {
  const app = await openApp(cmd);
  try {
    return await fn(app);
  } finally {
    app.close();
  }
}
