import type { Command } from 'commander';
import { remoteFor } from './remote.js';
import { globalOptions, withApp } from './context.js';
import { formatTable, printJson } from './format.js';
import { readPassword } from './secret-input.js';

/** `vizor source add|list|show|test|remove` */
export function registerSource(program: Command): void {
  const source = program.command('source').description('places vizor reads ISOs from: local folders, SMB shares, NFS exports');

  source
    .command('add')
    .description('add a source: file:///path, smb://[domain;]user@host[:port]/share/path or nfs://host/export/path')
    .argument('<name>', 'short name for the source')
    .argument('<url>', 'where the ISOs are')
    .option('--password-stdin', 'read the SMB password from standard input')
    .option('--password-file <file>', 'read the SMB password from a file')
    .addHelpText('after', '\nThe password may also come from $VIZOR_SOURCE_PASSWORD. It is stored encrypted, never in the URL.')
    .action(async (name: string, url: string, opts: { passwordStdin?: boolean; passwordFile?: string }, cmd: Command) => {
      const password = await readPassword(opts, 'source add');
      const row = await withApp(cmd, (app) => app.sources.add(name, url, password));
      if (globalOptions(cmd).json) printJson(row);
      else process.stdout.write(`added source ${row.name} (${row.kind}) ${row.url}${row.secretName ? ' [password stored encrypted]' : ''}\n`);
    });

  source
    .command('list')
    .description('list sources')
    .action(async (_o: unknown, cmd: Command) => {
      const remote = remoteFor(cmd);
      const rows = remote ? await remote.listSources() : await withApp(cmd, (app) => app.store.sources.list());
      if (globalOptions(cmd).json) printJson(rows);
      else process.stdout.write(formatTable(['NAME', 'KIND', 'URL', 'LAST SCAN'], rows.map((r) => [r.name, r.kind, r.url, r.lastScanAt ?? 'never'])));
    });

  source
    .command('show')
    .description('show one source and how many ISOs are cataloged from it')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const out = await withApp(cmd, (app) => {
        const row = app.store.sources.get(name);
        const isos = app.store.query.listIsos({ source: name, includeMissing: true });
        return { ...row, hasPassword: row.secretName !== null, isos: isos.length, missing: isos.filter((i) => i.missing).length };
      });
      if (globalOptions(cmd).json) printJson(out);
      else process.stdout.write(`Name:      ${out.name}\nKind:      ${out.kind}\nURL:       ${out.url}\nPassword:  ${out.hasPassword ? 'stored (encrypted)' : 'none'}\nISOs:      ${out.isos} (${out.missing} missing)\nLast scan: ${out.lastScanAt ?? 'never'}\n`);
    });

  source
    .command('test')
    .description('connect to a source and count its ISOs')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const r = await withApp(cmd, (app) => app.sources.test(name));
      if (globalOptions(cmd).json) printJson(r);
      else if (r.ok) process.stdout.write(`source ${name}: ok, ${r.isos}${r.truncated ? '+' : ''} ISOs found\n`);
      else process.stderr.write(`vizor: ${r.error!.message}\n`);
      if (!r.ok) process.exitCode = 6;
    });

  source
    .command('remove')
    .description('remove a source, its catalog entries and its stored password')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await withApp(cmd, (app) => app.sources.remove(name));
      if (globalOptions(cmd).json) printJson({ removed: name });
      else process.stdout.write(`removed source ${name}\n`);
    });
}
