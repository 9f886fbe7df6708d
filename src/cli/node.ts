import type { Command } from 'commander';
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

const describeTask = (t: NodeTask) => t.kind;

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
      const rows = await withApp(cmd, (app) => app.store.nodes.list());
      if (globalOptions(cmd).json) printJson(rows);
      else process.stdout.write(formatTable(['MAC', 'NAME', 'TASK', 'LAST SEEN'], rows.map((r) => [r.mac, r.name ?? '', describeTask(r.task), r.lastSeenAt ?? 'never'])));
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
    .argument('<task>', 'default, local, menu, register, script')
    .option('--script <file>', 'iPXE script for task script')
    .action(async (ref: string, task: string, o: { script?: string }, cmd: Command) => {
      const row = await withApp(cmd, (app) => app.store.nodes.setTask(ref, taskFrom(task, o.script, 'node set-task')));
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
