import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { configFor, globalOptions, withApp, type AppContext } from './context.js';
import { formatTable, printJson } from './format.js';
import { UsageError } from './exit.js';
import { driverFor } from './hypervisor.js';
import type { VmResult } from '../rooms/index.js';

/** A room by file path, or by name in the configured rooms folder (rooms.dir, default /etc/vizor/rooms.d). */
async function loadRoom(ref: string, cmd: Command) {
  const { loadRoomFile, loadRooms } = await import('../rooms/index.js');
  if (ref.endsWith('.yaml') || ref.endsWith('.yml') || ref.includes('/')) return loadRoomFile(resolve(ref));
  const dir = (await configFor(cmd)).config.rooms.dir;
  const rooms = existsSync(dir) ? loadRooms(dir) : [];
  const hit = rooms.find((r) => r.room === ref);
  if (!hit) throw new UsageError(`no room "${ref}" in ${dir} (give a file path instead)`, 'room');
  return hit;
}

async function roomContext(app: AppContext, room: string) {
  const { SecretStore } = await import('../secrets/index.js');
  const { pino } = await import('pino');
  const { DriverCache } = await import('../server/drivers.js');
  const secrets = new SecretStore(app.store.secrets, app.config.secrets.keyFile);
  const log = pino({ level: app.config.log.level === 'info' ? 'warn' : app.config.log.level }, process.stderr);
  const drivers = new DriverCache(app.store, secrets, log);
  const ctx = {
    store: app.store,
    driver: (name: string) => drivers.get(name),
    secret: (name: string) => secrets.get(name),
    payloadDir: join(app.config.dataDir, 'payloads', room),
    reportBase: app.config.boot.advertiseAddress ? `http://${app.config.boot.advertiseAddress}:${app.config.http.port}` : null,
    log,
    ...(process.env.VIZOR_ROOM_POWEROFF_TIMEOUT ? { powerOffTimeoutMs: Number(process.env.VIZOR_ROOM_POWEROFF_TIMEOUT) * 1000 } : {}),
  };
  return { ctx, close: () => drivers.close() };
}

function report(cmd: Command, results: VmResult[]): void {
  if (globalOptions(cmd).json) printJson(results);
  else process.stdout.write(formatTable(['VM', 'RESULT', 'ACTION', 'ERROR'], results.map((r) => [r.name, r.ok ? 'ok' : 'FAILED', r.action, r.error ?? ''])));
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

const only = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** `vizor room validate|show|plan|rollout|delete|reset|start|shutdown|import` */
export function registerRoom(program: Command): void {
  const room = program.command('room').description('virtual rooms: many VMs cloned from a template, each with its own name, address and domain join');

  room.command('validate').description('check a room before touching any platform (names, addresses, DHCP pool, template, network)').argument('<room>', 'room name or file')
    .action(async (ref: string, _o: unknown, cmd: Command) => {
      const cfg = await loadRoom(ref, cmd);
      const out = await withApp(cmd, async (app) => {
        const { planRoom, templateId } = await import('../rooms/index.js');
        const pool = app.config.boot.dhcp.poolStart && app.config.boot.dhcp.poolEnd ? { start: app.config.boot.dhcp.poolStart, end: app.config.boot.dhcp.poolEnd } : undefined;
        const plan = planRoom(cfg, undefined, pool);
        const problems: string[] = [];
        for (const hv of new Set(plan.map((v) => v.hypervisor!))) {
          const d = await driverFor(app, hv);
          try {
            const networks = await d.listResources('network');
            const templates = (await d.listVms({ role: 'template' })).map((t) => [t.id, t.name]).flat();
            // Kinds the platform lists at all are checked; a platform without e.g. roles has none to check against.
            const listed = async (kind: 'cluster' | 'role' | 'user' | 'group') => {
              const all = await d.listResources(kind).catch(() => []);
              return all.length ? all : null;
            };
            const [clusters, roles, users, groups] = await Promise.all([listed('cluster'), listed('role'), listed('user'), listed('group')]);
            const has = (list: { id: string; name: string }[] | null, v: unknown) => list === null || list.some((r) => r.id === v || r.name === v);
            for (const vm of plan.filter((v) => v.hypervisor === hv)) {
              const tpl = templateId(app, vm);
              if (!templates.includes(tpl) && !(await d.getVm(tpl).then((x) => x.isTemplate, () => false))) problems.push(`${vm.name}: template "${vm.template}" does not exist on ${hv}`);
              const net = vm.placement.network;
              if (typeof net === 'string' && !networks.some((n) => n.name === net || n.id === net)) problems.push(`${vm.name}: network "${net}" does not exist on ${hv}`);
              if (vm.placement.cluster !== undefined && !has(clusters, vm.placement.cluster)) problems.push(`${vm.name}: cluster "${String(vm.placement.cluster)}" does not exist on ${hv}`);
              if (vm.thinClient) {
                if (!has(roles, vm.thinClient.role)) problems.push(`${vm.name}: role "${vm.thinClient.role}" does not exist on ${hv}`);
                if (vm.thinClient.user && !has(users, vm.thinClient.user)) problems.push(`${vm.name}: user "${vm.thinClient.user}" does not exist on ${hv}`);
                if (vm.thinClient.group && !has(groups, vm.thinClient.group)) problems.push(`${vm.name}: group "${vm.thinClient.group}" does not exist on ${hv}`);
              }
            }
          } finally {
            await d.close().catch(() => undefined);
          }
        }
        return { vms: plan.length, problems: [...new Set(problems)] };
      });
      if (globalOptions(cmd).json) printJson(out);
      else process.stdout.write(out.problems.length ? `room ${ref}: ${out.problems.length} problem(s)\n${out.problems.map((p) => `  ${p}`).join('\n')}\n` : `room ${ref}: ${out.vms} VMs, no problems\n`);
      if (out.problems.length) process.exitCode = 1;
    });

  for (const verb of ['show', 'plan'] as const) {
    room.command(verb).description('each VM with its settings, whether it exists, its power state, snapshots and what a reset would use').argument('<room>', 'room name or file')
      .option('--only <vms>', 'comma-separated VM names')
      .action(async (ref: string, o: { only?: string }, cmd: Command) => {
        const cfg = await loadRoom(ref, cmd);
        const rows = await withApp(cmd, async (app) => {
          const { planRoom, roomStatus } = await import('../rooms/index.js');
          const plan = planRoom(cfg).filter((v) => !only(o.only) || only(o.only)!.includes(v.name));
          const { ctx, close } = await roomContext(app, plan[0]?.room ?? ref);
          try {
            return await roomStatus(ctx, plan);
          } finally {
            await close();
          }
        });
        if (globalOptions(cmd).json) printJson(rows);
        else process.stdout.write(formatTable(['VM', 'HOSTNAME', 'ADDRESS', 'EXISTS', 'POWER', 'SNAPSHOTS', 'RESET TO', 'ROLLOUT'], rows.map((r) => [r.name, r.hostname, r.ip ?? 'dhcp', r.exists ? 'yes' : 'no', r.power ?? '-', String(r.snapshots.length), r.resetTo ?? `- (${r.resetProblem})`, r.rollout ? `${r.rollout.state} ${r.rollout.step}` : '-'])));
      });
  }

  const act = (verb: 'rollout' | 'delete' | 'reset' | 'start' | 'shutdown', description: string) =>
    room.command(verb).description(description).argument('<room>', 'room name or file')
      .option('--only <vms>', 'comma-separated VM names')
      .option('--dry-run', 'show what would be done, change nothing')
      .option('--yes', 'do not ask for confirmation (delete)')
      .action(async (ref: string, o: { only?: string; dryRun?: boolean; yes?: boolean }, cmd: Command) => {
        const cfg = await loadRoom(ref, cmd);
        const results = await withApp(cmd, async (app) => {
          const r = await import('../rooms/index.js');
          const plan = r.planRoom(cfg).filter((v) => !only(o.only) || only(o.only)!.includes(v.name));
          if (plan.length === 0) throw new UsageError(`no VM of room ${ref} matches --only ${o.only}`, `room ${verb}`);
          if (o.dryRun) return plan.map((v) => ({ name: v.name, ok: true, action: `would ${verb}` }));
          if (verb === 'delete' && !o.yes) {
            if (!process.stdin.isTTY) throw new UsageError('room delete needs --yes when not run interactively', 'room delete');
            const { createInterface } = await import('node:readline/promises');
            const rl = createInterface({ input: process.stdin, output: process.stderr });
            const answer = await rl.question(`delete ${plan.length} VMs of room ${plan[0]!.room}? type the room name to confirm: `);
            rl.close();
            if (answer.trim() !== plan[0]!.room) throw new UsageError('not confirmed', 'room delete');
          }
          const { ctx, close } = await roomContext(app, plan[0]!.room);
          try {
            return await r.withRoomLock(app.store, plan[0]!.room, verb, () =>
              verb === 'rollout' ? r.rolloutRoom(ctx, plan) : verb === 'delete' ? r.deleteRoomVms(ctx, plan) : verb === 'reset' ? r.resetRoomVms(ctx, plan) : r.powerRoomVms(ctx, plan, verb));
          } finally {
            await close();
          }
        });
        report(cmd, results);
      });
  act('rollout', 'clone every VM, hand it its payload, wait for its first boot, post-process, snapshot (resumes where it stopped)');
  act('delete', 'delete the room\'s VMs (only those carrying its tag)');
  act('reset', 'revert each VM to its snapshot and apply the start policy');
  act('start', 'start the room\'s VMs');
  act('shutdown', 'shut the room\'s VMs down');

  room.command('import').description('convert an amoothei-vm-rollout configuration (ConfigObj INI) into a vizor room file').argument('<conf>', 'legacy vm-rollout.conf')
    .option('--room <name>', 'which room of the file (when it holds several)')
    .option('--out <dir>', 'folder to write <room>.yaml and templates into', '.')
    .action(async (conf: string, o: { room?: string; out: string }, cmd: Command) => {
      const { importLegacyRoomFile } = await import('../rooms/index.js');
      const result = await importLegacyRoomFile(resolve(conf), o.room ? { room: o.room } : {});
      const file = join(o.out, `${result.room.room}.yaml`);
      if (existsSync(file)) throw new UsageError(`${file} exists: choose another --out`, 'room import');
      writeFileSync(file, result.yaml, { mode: 0o640 });
      for (const t of result.templates) writeFileSync(join(dirname(file), t.target), t.text, { mode: 0o640 });
      if (globalOptions(cmd).json) printJson({ file, unmapped: result.unmapped, notes: result.notes });
      else process.stdout.write(`wrote ${file}\n${result.unmapped.length ? `could not map ${result.unmapped.length} item(s):\n${result.unmapped.map((u) => `  ${u.key}: ${u.reason}`).join('\n')}\n` : 'everything mapped\n'}`);
    });
}

/** `vizor secret set|list|remove`: values for rooms and templates (domain join, admin passwords), stored encrypted. */
export function registerSecret(program: Command): void {
  const secret = program.command('secret').description('named secrets (domain-join and administrator passwords) stored encrypted');
  secret.command('set').description('store a secret read from stdin').argument('<name>').action(async (name: string, _o: unknown, cmd: Command) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(name)) throw new UsageError(`bad secret name "${name}"`, 'secret set');
    const { readPassword } = await import('./secret-input.js');
    const value = await readPassword({ passwordStdin: true }, 'secret set');
    if (!value) throw new UsageError('the secret is empty: pipe it on stdin', 'secret set');
    await withApp(cmd, async (app) => {
      const { SecretStore } = await import('../secrets/index.js');
      new SecretStore(app.store.secrets, app.config.secrets.keyFile).set(name, value);
    });
    if (globalOptions(cmd).json) printJson({ set: name });
    else process.stdout.write(`secret ${name} stored (encrypted)\n`);
  });
  secret.command('list').description('list secret names (never values)').action(async (_o: unknown, cmd: Command) => {
    const names = await withApp(cmd, (app) => (app.store.db.prepare('SELECT name FROM secrets ORDER BY name').all() as { name: string }[]).map((r) => r.name));
    if (globalOptions(cmd).json) printJson(names);
    else process.stdout.write(names.length ? `${names.join('\n')}\n` : 'no secrets\n');
  });
  secret.command('remove').description('remove a secret').argument('<name>').action(async (name: string, _o: unknown, cmd: Command) => {
    await withApp(cmd, (app) => app.store.secrets.remove(name));
    if (globalOptions(cmd).json) printJson({ removed: name });
    else process.stdout.write(`secret ${name} removed\n`);
  });
}
