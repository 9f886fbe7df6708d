import type { Command } from 'commander';
import { remoteFor } from './remote.js';
import { readFileSync } from 'node:fs';
import { globalOptions, withApp, openApp } from './context.js';
import { formatTable, printJson } from './format.js';
import { readPassword } from './secret-input.js';
import { ProgressBar } from './progress.js';
import { UsageError } from './exit.js';
import type { BuildRow } from '../store/index.js';

const collect = (v: string, all: string[] = []) => [...all, v];

function keyValues(pairs: readonly string[], command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of pairs) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected key=value, got "${kv}"`, command);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

async function valuesFile(path: string | undefined, command: string): Promise<Record<string, string> | undefined> {
  if (!path) return undefined;
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read --values ${path}: ${(err as Error).message.split('\n')[0]}`, command);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(`--values ${path} must be a mapping of name: value`, command);
  return Object.fromEntries(Object.entries(doc as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

const elapsed = (b: Pick<BuildRow, 'createdAt' | 'finishedAt'>) => `${Math.round(((b.finishedAt ? Date.parse(b.finishedAt) : Date.now()) - Date.parse(b.createdAt)) / 1000)}s`;

/** Waits for a build to end, with a progress bar on a TTY or JSON stage events off one. Returns the final row. */
async function waitFor(cmd: Command, id: string): Promise<BuildRow> {
  const { stagesOf } = await import('../builds/index.js');
  const bar = ProgressBar.enabled() ? new ProgressBar() : null;
  let seenEvents = 0;
  // One connection for the whole wait: the service's commits show through SQLite's WAL.
  const app = await openApp(cmd);
  try {
    bar?.grow(stagesOf(app.store.builds.get(id).family, Boolean(app.store.builds.get(id).spec.publish)).length - 1);
    for (;;) {
      const b = app.store.builds.get(id);
      for (const e of app.store.builds.events(id, seenEvents)) {
        seenEvents = e.id;
        if (e.kind !== 'stage' || e.stage === 'created') continue;
        if (bar) bar.tick(`${e.stage} (${elapsed(b)})`);
        else process.stderr.write(`${JSON.stringify({ event: 'build', id, stage: e.stage, at: e.at })}\n`);
      }
      if (b.state === 'done' || b.state === 'failed' || b.state === 'cancelled') {
        bar?.finish();
        return b;
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    app.close();
  }
}

/** `vizor build start|list|show|logs|cancel|retry` */
export function registerBuild(program: Command): void {
  const build = program.command('build').description('build a template from a cataloged edition on a platform (vizor serve runs the builds)');

  build.command('start')
    .description('start a build; values merge as site defaults <- image <- profile <- --values file <- --set')
    .requiredOption('--image <iso-id>', 'cataloged ISO to install from (vizor catalog list)')
    .requiredOption('--profile <name>', 'hardware profile (vizor profile list)')
    .option('--index <n>', 'Windows: install.wim image index')
    .option('--edition <name>', 'Windows: install.wim image name')
    .option('--set <key=value>', 'template value, repeatable', collect)
    .option('--values <file.yaml>', 'template values from a YAML file')
    .option('--sequence <name>', 'Windows: provisioner sequence to run after setup')
    .option('--template-name <name>', 'name of the template made at the end')
    .option('--publish', 'publish the template when done')
    .option('--keep', 'keep the VM when the build fails or is cancelled (for diagnosis)')
    .option('--timeout <stage=seconds>', 'time allowed to reach a stage, repeatable (e.g. installer=3600)', collect)
    .option('--admin-password-stdin', 'Windows: read the Administrator password from stdin')
    .option('--admin-password-file <file>', 'Windows: read the Administrator password from a file')
    .option('--wait', 'wait for the build to end, showing its stages')
    .action(async (o: { image: string; profile: string; index?: string; edition?: string; set?: string[]; values?: string; sequence?: string; templateName?: string; publish?: boolean; keep?: boolean; timeout?: string[]; adminPasswordStdin?: boolean; adminPasswordFile?: string; wait?: boolean }, cmd: Command) => {
      if (!/^\d+$/.test(o.image)) throw new UsageError('--image takes a cataloged ISO id (see vizor catalog list)', 'build start');
      if (o.index && o.edition) throw new UsageError('give --index or --edition, not both', 'build start');
      const vf = await valuesFile(o.values, 'build start');
      const password = o.adminPasswordStdin || o.adminPasswordFile ? await readPassword({ passwordStdin: o.adminPasswordStdin, passwordFile: o.adminPasswordFile }, 'build start', 'VIZOR_ADMIN_PASSWORD') : process.env.VIZOR_ADMIN_PASSWORD ?? null;
      const timeouts = o.timeout?.length ? Object.fromEntries(Object.entries(keyValues(o.timeout, 'build start')).map(([k, v]) => [k, Number(v)])) : undefined;
      const remote = remoteFor(cmd);
      if (remote) {
        if (o.wait) throw new UsageError('--wait is not available with --remote yet: follow the build with vizor --remote … build show <id>', 'build start');
        const started = await remote.startBuild({
          isoId: Number(o.image), profile: o.profile, ...(o.index ? { image: { index: Number(o.index) } } : o.edition ? { image: { name: o.edition } } : {}),
          values: { ...vf, ...keyValues(o.set ?? [], 'build start') }, ...(o.sequence ? { sequence: o.sequence } : {}),
          ...(o.templateName ? { templateName: o.templateName } : {}), publish: Boolean(o.publish), keep: Boolean(o.keep),
          ...(timeouts ? { timeouts } : {}), ...(password ? { adminPassword: password } : {}),
        });
        if (globalOptions(cmd).json) printJson(started);
        else process.stdout.write(`build ${started.id} started (${started.family} from ISO ${started.isoId} on ${started.hypervisor}) on ${(cmd.optsWithGlobals() as { remote?: string }).remote ?? process.env.VIZOR_REMOTE}\n`);
        return;
      }
      const row = await withApp(cmd, async (app) => {
        const { startBuild } = await import('../builds/index.js');
        const { SecretStore } = await import('../secrets/index.js');
        return startBuild(app.store, {
          isoId: Number(o.image), profile: o.profile, ...(o.index ? { image: { index: Number(o.index) } } : o.edition ? { image: { name: o.edition } } : {}),
          siteDefaults: app.config.builds.values, ...(vf ? { valuesFile: vf } : {}), set: keyValues(o.set ?? [], 'build start'), ...(o.sequence ? { sequence: o.sequence } : {}),
          ...(o.templateName ? { templateName: o.templateName } : {}), publish: Boolean(o.publish), keep: Boolean(o.keep),
          ...(timeouts ? { timeouts } : {}),
        }, password ? { password, secrets: new SecretStore(app.store.secrets, app.config.secrets.keyFile) } : undefined);
      });
      if (!o.wait) {
        if (globalOptions(cmd).json) printJson(row);
        else process.stdout.write(`build ${row.id} started (${row.family} from ISO ${row.isoId} on ${row.hypervisor}); follow it with vizor build show ${row.id}\n`);
        return;
      }
      const end = await waitFor(cmd, row.id);
      if (globalOptions(cmd).json) printJson(end);
      else process.stdout.write(`build ${end.id}: ${end.state}${end.error ? ` (${end.error})` : ''}${end.templateId ? `, template ${end.templateId}` : ''} after ${elapsed(end)}\n`);
      if (end.state !== 'done') process.exitCode = 1;
    });

  build.command('list')
    .description('list builds')
    .option('--state <state>', 'running, done, failed, cancelling or cancelled')
    .action(async (o: { state?: string }, cmd: Command) => {
      const remote = remoteFor(cmd);
      const rows = remote ? await remote.listBuilds(o.state as BuildRow['state'] | undefined) : await withApp(cmd, (app) => app.store.builds.list(o.state ? { state: [o.state as BuildRow['state']] } : {}));
      if (globalOptions(cmd).json) printJson(rows);
      else process.stdout.write(formatTable(['ID', 'STATE', 'STAGE', 'FAMILY', 'ISO', 'HYPERVISOR', 'ELAPSED'], rows.map((b) => [b.id, b.state, b.stage, b.family, String(b.isoId), b.hypervisor, elapsed(b)])));
    });

  build.command('show')
    .description('show a build: stage, platform ids, error')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const remote = remoteFor(cmd);
      const b = remote ? await remote.showBuild(id) : await withApp(cmd, (app) => app.store.builds.get(id));
      if (globalOptions(cmd).json) return printJson(b);
      process.stdout.write(`Build:     ${b.id}\nState:     ${b.state}\nStage:     ${b.stage} (since ${b.stageStartedAt})\nFamily:    ${b.family}\nISO:       ${b.isoId}\nProfile:   ${b.profile} on ${b.hypervisor}\nVM:        ${b.vmId ?? '-'} ${b.mac ?? ''}\nTemplate:  ${b.templateId ?? '-'} (${String(b.spec.templateName)})\nError:     ${b.error ?? '-'}\nElapsed:   ${elapsed(b)}\n`);
    });

  build.command('logs')
    .description('show a build\'s events')
    .argument('<id>')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      const remote = remoteFor(cmd);
      const events = remote ? await remote.buildLogs(id) : await withApp(cmd, (app) => (app.store.builds.get(id), app.store.builds.events(id)));
      if (globalOptions(cmd).json) return printJson(events);
      process.stdout.write(formatTable(['TIME', 'STAGE', 'KIND', 'DETAIL'], events.map((e) => [e.at, e.stage, e.kind, JSON.stringify(e.detail)])));
    });

  for (const [verb, what] of [['cancel', 'stop a running build and remove what it made (unless it was started with --keep)'], ['retry', 'run a failed or cancelled build again from the start']] as const) {
    build.command(verb)
      .description(what)
      .argument('<id>')
      .action(async (id: string, _o: unknown, cmd: Command) => {
        const remote = remoteFor(cmd);
        const row = remote ? await (verb === 'cancel' ? remote.cancelBuild(id) : remote.retryBuild(id)) : await withApp(cmd, async (app) => {
          const { cancelBuild, retryBuild } = await import('../builds/index.js');
          return verb === 'cancel' ? cancelBuild(app.store, id) : retryBuild(app.store, id);
        });
        if (globalOptions(cmd).json) printJson(row);
        else process.stdout.write(`build ${id}: ${row.state}\n`);
      });
  }
}
