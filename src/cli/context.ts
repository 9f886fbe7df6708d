import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/index.js';

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

/** Loads the configuration using the global --config and --log-level flags. */
export function configFor(cmd: Command): LoadedConfig {
  const g = globalOptions(cmd);
  return loadConfig({ explicitFile: g.config, flags: { 'log.level': g.logLevel } });
}
