import type { Command } from 'commander';
import { remoteFor } from './remote.js';
import { readFileSync } from 'node:fs';
import { globalOptions, withApp } from './context.js';
import { formatTable, printJson } from './format.js';
import { UsageError } from './exit.js';
import type { NodeTask } from '../store/index.js';

const SIMPLE_TASKS = ['default', 'local', 'menu', 'register'] as const;

async function normalise(mac: string, command: string): Promise<string> {
  const { normaliseMac } = await import('../store/index.js');
  const m = normaliseMac(mac);
  if (!m) throw new UsageError(`not a MAC address: "${mac}"`, command);
  return m;
}

function taskFrom(kind: string, scriptFile: string | undefined, command: string): NodeTask {
  if (kind === 'script') {
    if (!scriptFile) throw new UsageError('task script needs --script FILE', command);
    let script: string;
    try {
      script = readFileSync(scriptFile, 'utf8').replace(/^#!ipxe\s*\n/, '');
    } catch (err) {
      throw new UsageError(`cannot read --script ${scriptFile}: ${(err as NodeJS.ErrnoException).code ?? err}`, command);
    }
    return { kind: 'script', script };
  }
  if (!(SIMPLE_TASKS as readonly string[]).includes(kind)) throw new UsageError(`unknown task "${kind}": use ${[...SIMPLE_TASKS, 'script'].join(', ')}`, command);
  return { kind } as NodeTask;
}

/** Options of `set-task linux-install`. */
interface LinuxOptions {
  iso?: string;
  family?: string;
  value?: string[];
  kernelArgs?: string;
}

const collect = (v: string, all: string[] = []) => [...all, v];

/** Builds a linux-install task for `--iso`, taking the family from the catalog unless given. */
async function linuxTaskFrom(app: { store: import('../store/index.js').Store }, o: LinuxOptions, command: string): Promise<NodeTask> {
  const { linuxFamilyOf, makeLinuxInstallTask } = await import('../boot/index.js');
  if (!o.iso || !/^\d+$/.test(o.iso)) throw new UsageError('task linux-install needs --iso <id> (see vizor catalog list --kind linux-installer)', command);
  const iso = app.store.query.getIso(o.iso);
  if (!iso.linux) throw new UsageError(`ISO ${o.iso} is not a Linux installer the catalog recognised`, command);
  const family = o.family ?? linuxFamilyOf(iso.linux.distro);
  if (!family) throw new UsageError(`cannot tell the installer family of distro "${iso.linux.distro}": pass --family debian or rhel`, command);
  const values: Record<string, string> = {};
  for (const kv of o.value ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--value must be name=value, got "${kv}"`, command);
    values[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const task = makeLinuxInstallTask({ isoId: iso.id, family: family as 'debian' | 'rhel', values, ...(o.kernelArgs ? { kernelArgs: o.kernelArgs } : {}) });
  if ('problem' in task) throw new UsageError(task.problem, command);
  return task;
}

/** Options of `set-task windows-install`. */
interface WindowsOptions {
  iso?: string;
  release?: string;
  arch?: string;
  imageIndex?: string;
  imageName?: string;
  value?: string[];
  adminPasswordFile?: string;
  adminPasswordStdin?: boolean;
}

/**
 * Builds a windows-install task. Fails here, at assignment time, when wimboot is not in the
 * boot folder or the ISO lacks WinPE, rather than leaving a machine to fail at boot.
 */
async function windowsTaskFrom(app: import('./context.js').AppContext, mac: string, o: WindowsOptions, command: string): Promise<NodeTask> {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { makeWindowsInstallTask } = await import('../boot/index.js');
  const { bootFilesDir } = await import('../server/index.js');
  const { readPassword } = await import('./secret-input.js');
  const { SecretStore } = await import('../secrets/index.js');
  if (!o.iso || !/^\d+$/.test(o.iso)) throw new UsageError('task windows-install needs --iso <id> (see vizor catalog list)', command);
  const wimboot = join(bootFilesDir(app.config), 'wimboot');
  if (!existsSync(wimboot)) {
    throw new UsageError(`wimboot not found at ${wimboot}; Windows network installs need it and Debian does not ship it: run appliance/setup.sh --wimboot FILE, or copy a release from https://github.com/ipxe/wimboot/releases there`, command);
  }
  const iso = app.store.query.getIso(o.iso);
  if (!iso.installImage || iso.editionList.length === 0) throw new UsageError(`ISO ${o.iso} is not a Windows install medium the catalog recognised (no install.wim/esd editions)`, command);
  if (o.imageIndex && !iso.editionList.some((e) => e.index === Number(o.imageIndex))) throw new UsageError(`ISO ${o.iso} has no image ${o.imageIndex}: it has ${iso.editionList.map((e) => `${e.index} (${e.name ?? "?"})`).join(", ")}`, command);
  if (o.imageIndex && o.imageName) throw new UsageError('give --image-index or --image-name, not both', command);
  const image = o.imageName ? { name: o.imageName } : { index: Number(o.imageIndex ?? '1') };
  const values: Record<string, string> = {};
  for (const kv of o.value ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--value must be name=value, got "${kv}"`, command);
    values[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const password = await readPassword({ passwordFile: o.adminPasswordFile, passwordStdin: o.adminPasswordStdin }, command);
  if (!password) throw new UsageError('the Administrator password is needed: --admin-password-file FILE or --admin-password-stdin', command);
  const secretName = `node-admin:${mac}`;
  const task = makeWindowsInstallTask({ isoId: iso.id, version: o.release ?? '', arch: o.arch ?? 'amd64', image, adminPasswordSecret: secretName, values });
  if ('problem' in task) throw new UsageError(task.problem, command);
  new SecretStore(app.store.secrets, app.config.secrets.keyFile).set(secretName, password);
  return task;
}

const describeTask = (t: NodeTask) =>
  t.kind === 'linux-install' ? `linux-install (ISO ${String(t.isoId)}, ${String(t.family)})`
    : t.kind === 'windows-install' ? `windows-install (ISO ${String(t.isoId)}, ${String(t.version)})` : t.kind;

/** `vizor node add|list|show|remove|set-task` */
export function registerNode(program: Command): void {
  const node = program.command('node').description('machines vizor boots, by MAC address, and their boot timelines');

  node
    .command('add')
    .description('register a machine')
    .argument('<mac>', 'MAC address (aa:bb:cc:dd:ee:ff or aa-bb-...)')
    .option('--name <name>', 'a name for it')
    .option('--task <task>', 'what it boots into: default, local, menu, register, script', 'default')
    .option('--script <file>', 'iPXE script for --task script')
    .action(async (mac: string, o: { name?: string; task: string; script?: string }, cmd: Command) => {
      const m = await normalise(mac, 'node add');
      const row = await withApp(cmd, (app) => app.store.nodes.add({ mac: m, name: o.name ?? null, task: taskFrom(o.task, o.script, 'node add') }));
      if (globalOptions(cmd).json) printJson(row);
      else process.stdout.write(`added node ${row.mac}${row.name ? ` (${row.name})` : ''}, task ${describeTask(row.task)}\n`);
    });

  node
    .command('list')
    .description('list registered machines')
    .action(async (_o: unknown, cmd: Command) => {
      const remote = remoteFor(cmd);
      const rows = remote ? await remote.listNodes() : await withApp(cmd, (app) => app.store.nodes.list());
      if (globalOptions(cmd).json) printJson(rows);
      else process.stdout.write(formatTable(['MAC', 'NAME', 'TASK', 'LAST SEEN'], rows.map((r) => [r.mac, r.name ?? '', describeTask(r.task as NodeTask), r.lastSeenAt ?? 'never'])));
    });

  node
    .command('show')
    .description("show a machine and its boot timeline (DHCP, TFTP, HTTP steps)")
    .argument('<node>', 'MAC address or name')
    .option('--events <n>', 'how many recent events', '50')
    .action(async (ref: string, o: { events: string }, cmd: Command) => {
      const out = await withApp(cmd, async (app) => {
        const { normaliseMac } = await import('../store/index.js');
        const found = app.store.nodes.list().find((n) => n.name === ref) ?? app.store.nodes.find(normaliseMac(ref) ?? '');
        const mac = found?.mac ?? normaliseMac(ref);
        if (!mac) return app.store.nodes.get(ref);
        // Unregistered machines still have a timeline: DHCP and HTTP see them too.
        return { node: found ?? null, mac, lease: app.store.dhcp.lease(mac), events: app.store.nodes.events(mac, Number(o.events) || 50) };
      });
      if (globalOptions(cmd).json) return printJson(out);
      const v = out as { node: { name: string | null; task: NodeTask } | null; mac: string; lease: { ip: string; state: string } | null; events: { at: string; kind: string; detail: Record<string, unknown> }[] };
      process.stdout.write(`MAC:    ${v.mac}\nName:   ${v.node?.name ?? ''}\nTask:   ${v.node ? describeTask(v.node.task) : '(not registered: default task)'}\nLease:  ${v.lease ? `${v.lease.ip} (${v.lease.state})` : 'none'}\n`);
      process.stdout.write(v.events.length ? `Boot timeline:\n${formatTable(['TIME', 'STEP', 'DETAIL'], v.events.map((e) => [e.at, e.kind, JSON.stringify(e.detail)])).replace(/^/gm, '  ')}` : 'Boot timeline: nothing seen yet\n');
    });

  node
    .command('set-task')
    .description('set what a machine boots into next')
    .argument('<node>', 'MAC address or name')
    .argument('<task>', 'default, local, menu, register, script, linux-install, windows-install')
    .option('--script <file>', 'iPXE script for task script')
    .option('--iso <id>', 'cataloged Linux installer ISO for task linux-install')
    .option('--family <family>', 'debian (preseed) or rhel (kickstart); default from the ISO')
    .option('--value <name=value>', 'answer-file value, repeatable (hostname, root_password_hash, user_password_hash, username, disk, locale, keyboard, timezone, mirror_host, mirror_dir...)', collect)
    .option('--kernel-args <args>', 'extra kernel arguments for the installer, e.g. console=ttyS0,115200n8')
    .option('--release <id>', 'windows-install: windows-7, windows-8.1, windows-10, windows-11, server-2012r2 ... server-2025')
    .option('--arch <arch>', 'windows-install: x86, amd64 or arm64', 'amd64')
    .option('--image-index <n>', 'windows-install: install.wim image index (see vizor catalog show)')
    .option('--image-name <name>', 'windows-install: install.wim image name')
    .option('--admin-password-file <file>', 'windows-install: file holding the Administrator password')
    .option('--admin-password-stdin', 'windows-install: read the Administrator password from stdin')
    .action(async (ref: string, task: string, o: { script?: string } & LinuxOptions & WindowsOptions, cmd: Command) => {
      const row = await withApp(cmd, async (app) => {
        const mac = app.store.nodes.get(ref).mac;
        const next = task === 'linux-install' ? await linuxTaskFrom(app, o, 'node set-task')
          : task === 'windows-install' ? await windowsTaskFrom(app, mac, o, 'node set-task')
          : taskFrom(task, o.script, 'node set-task');
        return app.store.nodes.setTask(ref, next);
      });
      if (globalOptions(cmd).json) printJson(row);
      else process.stdout.write(`node ${row.mac}: task ${describeTask(row.task)}\n`);
    });

  node
    .command('remove')
    .description('forget a machine and its events')
    .argument('<node>', 'MAC address or name')
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      await withApp(cmd, (app) => app.store.nodes.remove(ref));
      if (globalOptions(cmd).json) printJson({ removed: ref });
      else process.stdout.write(`removed node ${ref}\n`);
    });
}
