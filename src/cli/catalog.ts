import type { Command } from 'commander';
import { remoteFor } from './remote.js';
import { globalOptions, withApp } from './context.js';
import { formatBytes, formatTable, printJson } from './format.js';
import { ProgressBar } from './progress.js';
import { UsageError } from './exit.js';
import type { CatalogFilter, IsoDetail } from '../store/index.js';
import type { ScanEvent } from '../catalog/index.js';

interface FilterOpts {
  source?: string;
  kind?: string;
  edition?: string;
  arch?: string;
  lang?: string;
  build?: string;
  name?: string;
  missing?: boolean;
}

function toFilter(o: FilterOpts, command: string): CatalogFilter {
  if (o.build !== undefined && !/^\d+$/.test(o.build)) throw new UsageError(`--build must be a number, got "${o.build}"`, command);
  return { source: o.source, kind: o.kind, editionId: o.edition, arch: o.arch, language: o.lang, build: o.build === undefined ? undefined : Number(o.build), name: o.name, includeMissing: o.missing };
}

function filterOptions(c: Command): Command {
  return c
    .option('--source <name>', 'only this source')
    .option('--kind <kind>', 'windows-install, windows-langpack, guest-tools, linux-installer, other, unreadable')
    .option('--edition <id>', 'Windows edition id, e.g. Professional, Enterprise, ServerStandard')
    .option('--arch <arch>', 'x86, x64, arm64')
    .option('--lang <locale>', 'language, e.g. en-US')
    .option('--build <n>', 'Windows build number, e.g. 19045')
    .option('--name <text>', 'name contains text')
    .option('--missing', 'include ISOs no longer found');
}

function renderIso(d: IsoDetail): string {
  const lines = [
    `ISO:          #${d.id} ${d.source}:${d.path}${d.missing ? '  (MISSING)' : ''}`,
    `Size:         ${formatBytes(d.size)}`,
    `Kind:         ${d.kind}`,
    `Label:        ${d.label ?? ''}`,
    `File systems: ${d.fileSystems.join(', ')}${d.udfRevision ? ` (UDF ${d.udfRevision})` : ''}`,
    `Seen:         first ${d.firstSeenAt}, last ${d.lastSeenAt}; inspected ${d.inspectedAt} reading ${formatBytes(d.bytesRead)}`,
  ];
  if (d.error) lines.push(`Error:        ${d.errorCode}: ${d.error}`);
  if (d.editionList.length) {
    lines.push('Editions:');
    lines.push(formatTable(['#', 'NAME', 'EDITION ID', 'ARCH', 'VERSION', 'LANGUAGES'], d.editionList.map((e) => [String(e.index), e.name ?? '', e.editionId ?? '', e.arch ?? '', e.version ?? '', e.languages.join(',')])).trimEnd().replace(/^/gm, '  '));
  }
  if (d.langpacks.length) lines.push(...d.langpacks.map((p) => `Language pack: ${p.locale} ${p.arch ?? ''} ${p.path}`));
  if (d.tools) lines.push(`Guest tools:  ${d.tools.family} ${d.tools.version ?? ''}`);
  if (d.linux) lines.push(`Linux:        ${d.linux.distro} ${d.linux.release ?? ''} ${d.linux.arch ?? ''}; kernel ${d.linux.kernelPath ?? '?'}, initrd ${d.linux.initrdPath ?? '?'}`);
  return lines.join('\n') + '\n';
}

/** `vizor catalog scan|list|show|find|runs` */
export function registerCatalog(program: Command): void {
  const catalog = program.command('catalog').description('the catalog of install media found on the sources');

  catalog
    .command('scan')
    .description('scan sources for *.iso and update the catalog (incremental: unchanged ISOs are not re-read)')
    .argument('[source...]', 'sources to scan (default: all)')
    .option('--concurrency <n>', 'ISOs inspected at once (default: catalog.scanConcurrency)')
    .action(async (names: string[], opts: { concurrency?: string }, cmd: Command) => {
      const json = globalOptions(cmd).json;
      if (opts.concurrency !== undefined && !/^[1-9]\d*$/.test(opts.concurrency)) throw new UsageError('--concurrency must be a positive number', 'catalog scan');
      const { scanSources } = await import('../catalog/index.js');
      const summary = await withApp(cmd, async (app) => {
        const sources = names.length ? names.map((n) => app.store.sources.get(n)) : app.store.sources.list();
        if (sources.length === 0) throw new UsageError("no sources to scan: add one with 'vizor source add'", 'catalog scan');
        const bar = ProgressBar.enabled() ? new ProgressBar() : null;
        const onEvent = (e: ScanEvent) => {
          if (!bar) process.stderr.write(`${JSON.stringify({ event: 'scan', ...e })}\n`);
          else if (e.type === 'source-listed') bar.grow(e.isos);
          else if (e.type === 'iso') bar.tick(`${e.outcome} ${e.source}:${e.path}`);
        };
        try {
          return await scanSources(app.store, sources, {
            concurrency: opts.concurrency ? Number(opts.concurrency) : app.config.catalog.scanConcurrency,
            mountRoot: app.mountRoot,
            password: (s) => app.sources.password(s),
            smbClient: app.config.catalog.smbClient,
            onEvent,
          });
        } finally {
          bar?.finish();
        }
      });
      if (json) printJson(summary);
      else {
        process.stdout.write(`scan #${summary.runId}: ${summary.new} new, ${summary.changed} changed, ${summary.unchanged} unchanged, ${summary.renamed} renamed, ${summary.missing} missing, ${summary.failed} failed; read ${formatBytes(summary.bytesRead)}\n`);
        for (const f of summary.failures) process.stdout.write(`  failed: ${f.source}${f.path ? `:${f.path}` : ''}: ${f.message}\n`);
      }
      if (summary.failures.length > 0) process.exitCode = 1;
    });

  filterOptions(catalog.command('list').description('list cataloged ISOs'))
    .action(async (o: FilterOpts, cmd: Command) => {
      const remote = remoteFor(cmd);
      const rows = remote ? await remote.listIsos(toFilter(o, 'catalog list')) : await withApp(cmd, (app) => app.store.query.listIsos(toFilter(o, 'catalog list')));
      if (globalOptions(cmd).json) printJson(rows);
      else process.stdout.write(formatTable(['ID', 'SOURCE', 'PATH', 'KIND', 'LABEL', 'EDITIONS', 'SIZE'], rows.map((r) => [String(r.id), r.source, r.path + (r.missing ? ' (missing)' : ''), r.kind, r.label ?? '', String(r.editions), formatBytes(r.size)])));
    });

  catalog
    .command('show')
    .description('show one ISO with its editions, language packs, tools or Linux tree')
    .argument('<iso>', 'catalog id, or source:path')
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      const d = await withApp(cmd, (app) => app.store.query.getIso(ref));
      if (globalOptions(cmd).json) printJson(d);
      else process.stdout.write(renderIso(d));
    });

  filterOptions(catalog.command('find').description('find Windows editions: which ISO, which index'))
    .action(async (o: FilterOpts, cmd: Command) => {
      const rows = await withApp(cmd, (app) => app.store.query.findEditions(toFilter(o, 'catalog find')));
      if (globalOptions(cmd).json) printJson(rows);
      else process.stdout.write(formatTable(['EDITION ID', 'ARCH', 'VERSION', 'LANGUAGES', 'NAME', 'ISO', 'INDEX'], rows.map((r) => [r.editionId ?? '', r.arch ?? '', r.version ?? '', r.languages.join(','), r.name ?? '', `${r.source}:${r.isoPath}`, String(r.index)])));
    });

  catalog
    .command('runs')
    .description('recent scan runs with their counts and errors')
    .option('--limit <n>', 'how many', '10')
    .action(async (o: { limit: string }, cmd: Command) => {
      const runs = await withApp(cmd, (app) => app.store.scans.list(Number(o.limit) || 10));
      if (globalOptions(cmd).json) printJson(runs);
      else process.stdout.write(formatTable(['RUN', 'STARTED', 'STATUS', 'NEW', 'CHANGED', 'UNCHANGED', 'RENAMED', 'MISSING', 'FAILED', 'READ'], runs.map((r) => [String(r.id), r.startedAt, r.status, String(r.new), String(r.changed), String(r.unchanged), String(r.renamed), String(r.missing), String(r.failed), formatBytes(r.bytesRead)])));
    });
}
