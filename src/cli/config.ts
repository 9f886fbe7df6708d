import type { Command } from 'commander';
import { configFor, globalOptions } from './context.js';
import { printJson } from './format.js';

/** `vizor config show|path` */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('show the effective configuration and where it comes from');
  config
    .command('show')
    .description('print the effective configuration (defaults < file < VIZOR_* env < flags)')
    .action(async (_opts: unknown, cmd: Command) => {
      const loaded = await configFor(cmd);
      const { stringify } = await import('yaml');
      if (globalOptions(cmd).json) printJson({ file: loaded.file, config: loaded.config });
      else process.stdout.write(`# from ${loaded.file ?? 'built-in defaults'}\n${stringify(loaded.config)}`);
    });
  config
    .command('path')
    .description('list the files searched for configuration, in order, and which one is used')
    .action(async (_opts: unknown, cmd: Command) => {
      const loaded = await configFor(cmd);
      if (globalOptions(cmd).json) printJson({ used: loaded.file, searched: loaded.searched });
      else for (const f of loaded.searched) process.stdout.write(`${f === loaded.file ? '*' : ' '} ${f}\n`);
    });
}
