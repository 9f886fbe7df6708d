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
