import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerMedia } from './media/index.js';
import { registerConfig } from './config.js';
import { registerSource } from './source.js';
import { registerCatalog } from './catalog.js';
import { registerServe } from './serve.js';
import { registerNode } from './node.js';
import { registerHypervisor } from './hypervisor.js';
import { registerVm } from './vm.js';
import { registerBuild } from './build.js';
import { registerProfile, registerMade } from './made.js';
import { registerRoom, registerSecret } from './room.js';
import { registerToken } from './token.js';
import { registerCompletion } from './completion.js';
import { ExitCode, reportError, UsageError } from './exit.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the `vizor` command tree. */
export function buildProgram(): Command {
  const program = new Command('vizor')
    .description('network-install provisioning appliance: ISO catalog, network boot, unattended installs, templates, virtual rooms')
    .version(version())
    .option('-c, --config <file>', 'configuration file (default: $VIZOR_CONFIG, ~/.config/vizor/vizor.yaml, /etc/vizor/vizor.yaml)')
    .option('--json', 'machine-readable JSON output')
    .option('--log-level <level>', 'log level: trace, debug, info, warn, error, silent')
    .option('--remote <url>', 'talk to a remote vizor through its REST API (token from $VIZOR_TOKEN or $VIZOR_TOKEN_FILE); also $VIZOR_REMOTE')
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  registerMedia(program);
  registerSource(program);
  registerCatalog(program);
  registerNode(program);
  registerHypervisor(program);
  registerVm(program);
  registerProfile(program);
  registerBuild(program);
  registerMade(program);
  registerRoom(program);
  registerSecret(program);
  registerToken(program);
  registerServe(program);
  registerConfig(program);
  registerCompletion(program);
  for (const cmd of program.commands) cmd.exitOverride();
  // --remote is honoured by the commands that have a remote path; anywhere else it would be
  // silently ignored and the command would run on this machine's store instead.
  program.hook('preAction', (root, action) => {
    const remote = (root.opts() as { remote?: string }).remote ?? process.env.VIZOR_REMOTE;
    const path = `${action.parent?.name()} ${action.name()}`;
    if (remote && !REMOTE_COMMANDS.has(path)) {
      throw new UsageError(`${path} does not work with --remote / VIZOR_REMOTE yet (it would act on this machine); remote commands: ${[...REMOTE_COMMANDS].join(', ')}`, path);
    }
  });
  return program;
}

/** Commands that run through the REST API when --remote (or $VIZOR_REMOTE) is given. */
export const REMOTE_COMMANDS: ReadonlySet<string> = new Set(['source list', 'catalog list', 'node list', 'build list', 'build show', 'build start', 'build logs', 'build cancel', 'build retry', 'template list']);

/** Runs the CLI with `argv` and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version output end in a CommanderError too; they are not failures.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return ExitCode.Ok;
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    return reportError(err, argv.includes('--json'));
  }
}
