import type { Command } from 'commander';
import { remoteFor } from './remote.js';
import { globalOptions, withApp } from './context.js';
import { formatTable, printJson } from './format.js';
import { UsageError } from './exit.js';
import { driverFor } from './hypervisor.js';

const collect = (v: string, all: string[] = []) => [...all, v];

/** `vizor profile add|list|show|remove` */
export function registerProfile(program: Command): void {
  const profile = program.command('profile').description('hardware profiles for builds: platform, size, network, firmware, placement');
  profile.command('add')
    .description('add a profile')
    .argument('<name>')
    .requiredOption('--hypervisor <name>', 'platform (vizor hypervisor list)')
    .requiredOption('--network <network>', 'network id or name on the platform')
    .option('--vcpus <n>', 'virtual CPUs', '2')
    .option('--memory <MiB>', 'memory in MiB', '4096')
    .option('--disk <GiB>', 'system disk in GiB', '40')
    .option('--firmware <fw>', 'bios or uefi', 'uefi')
    .option('--os-type <type>', 'guest OS hint, e.g. windows10_64, debian12')
    .option('--placement <key=value>', 'platform placement, repeatable: zone=, serviceOffering=, diskOffering=, sr=, cluster=, storage=...', collect)
    .option('--set <key=value>', 'template value this profile sets, repeatable', collect)
    .action(async (name: string, o: { hypervisor: string; network: string; vcpus: string; memory: string; disk: string; firmware: string; osType?: string; placement?: string[]; set?: string[] }, cmd: Command) => {
      const pairs = (list: string[] = [], flag: string) => Object.fromEntries(list.map((kv) => {
        const eq = kv.indexOf('=');
        if (eq <= 0) throw new UsageError(`${flag} must be key=value, got "${kv}"`, 'profile add');
        return [kv.slice(0, eq), kv.slice(eq + 1)];
      }));
      const row = await withApp(cmd, async (app) => {
        const { profileSpecSchema } = await import('../builds/index.js');
        app.store.hypervisors.get(o.hypervisor);
        const parsed = profileSpecSchema.safeParse({
          vcpus: Number(o.vcpus), memoryMiB: Number(o.memory), diskGiB: Number(o.disk), network: o.network, firmware: o.firmware,
          placement: pairs(o.placement, '--placement'), values: pairs(o.set, '--set'), ...(o.osType ? { osType: o.osType } : {}),
        });
        if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 'profile add');
        return app.store.profiles.add({ name, hypervisor: o.hypervisor, spec: parsed.data });
      });
      if (globalOptions(cmd).json) printJson(row);
      else process.stdout.write(`added profile ${row.name} on ${row.hypervisor}\n`);
    });
  profile.command('list').description('list profiles').action(async (_o: unknown, cmd: Command) => {
    const rows = await withApp(cmd, (app) => app.store.profiles.list());
    if (globalOptions(cmd).json) printJson(rows);
    else process.stdout.write(formatTable(['NAME', 'HYPERVISOR', 'VCPUS', 'MEMORY', 'DISK', 'FIRMWARE', 'NETWORK'], rows.map((r) => [r.name, r.hypervisor, String(r.spec.vcpus), `${String(r.spec.memoryMiB)} MiB`, `${String(r.spec.diskGiB)} GiB`, String(r.spec.firmware), String(r.spec.network)])));
  });
  profile.command('show').description('show a profile').argument('<name>').action(async (name: string, _o: unknown, cmd: Command) => {
    const r = await withApp(cmd, (app) => app.store.profiles.get(name));
    if (globalOptions(cmd).json) printJson(r);
    else process.stdout.write(`Name:       ${r.name}\nHypervisor: ${r.hypervisor}\n${Object.entries(r.spec).map(([k, v]) => `${`${k}:`.padEnd(12)}${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n')}\n`);
  });
  profile.command('remove').description('remove a profile').argument('<name>').action(async (name: string, _o: unknown, cmd: Command) => {
    await withApp(cmd, (app) => app.store.profiles.remove(name));
    if (globalOptions(cmd).json) printJson({ removed: name });
    else process.stdout.write(`removed profile ${name}\n`);
  });
}

/** `vizor template list|show|publish|unpublish|delete|refresh` and `vizor instance list|show|refresh` */
export function registerMade(program: Command): void {
  const template = program.command('template').description('templates vizor made');
  template.command('list').description('list templates').option('--all', 'include deleted ones').action(async (o: { all?: boolean }, cmd: Command) => {
    const remote = remoteFor(cmd);
    const rows = remote ? await remote.listTemplates(Boolean(o.all)) : await withApp(cmd, (app) => app.store.templates.list(Boolean(o.all)));
    if (globalOptions(cmd).json) printJson(rows);
    else process.stdout.write(formatTable(['ID', 'NAME', 'HYPERVISOR', 'PLATFORM ID', 'PUBLISHED', 'STATE', 'BUILD'], rows.map((t) => [String(t.id), t.name, t.hypervisor, t.platformId, t.published ? 'yes' : 'no', t.state, t.buildId ?? ''])));
  });
  template.command('show').description('show a template').argument('<id-or-name>').action(async (ref: string, _o: unknown, cmd: Command) => {
    const t = await withApp(cmd, (app) => app.store.templates.get(ref));
    if (globalOptions(cmd).json) printJson(t);
    else process.stdout.write(`ID:          ${t.id}\nName:        ${t.name}\nHypervisor:  ${t.hypervisor}\nPlatform id: ${t.platformId}\nPublished:   ${t.published ? 'yes' : 'no'}\nState:       ${t.state}\nBuild:       ${t.buildId ?? '-'}\nSource:      ${JSON.stringify(t.source)}\n`);
  });
  for (const [verb, published] of [['publish', true], ['unpublish', false]] as const) {
    template.command(verb).description(`${verb} a template on its platform`).argument('<id-or-name>').action(async (ref: string, _o: unknown, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const t = app.store.templates.get(ref);
        const d = await driverFor(app, t.hypervisor);
        try {
          await d.publishTemplate(t.platformId, published);
        } finally {
          await d.close().catch(() => undefined);
        }
        app.store.templates.setPublished(t.id, published);
      });
      if (globalOptions(cmd).json) printJson({ template: ref, published });
      else process.stdout.write(`template ${ref}: ${published ? 'published' : 'unpublished'}\n`);
    });
  }
  template.command('delete').description('delete a template from its platform').argument('<id-or-name>').action(async (ref: string, _o: unknown, cmd: Command) => {
    await withApp(cmd, async (app) => {
      const t = app.store.templates.get(ref);
      const d = await driverFor(app, t.hypervisor);
      try {
        await d.deleteTemplate(t.platformId).catch((err) => ((err as { code?: string }).code === 'HV_NOT_FOUND' ? undefined : Promise.reject(err)));
      } finally {
        await d.close().catch(() => undefined);
      }
      app.store.templates.setState(t.id, 'deleted');
    });
    if (globalOptions(cmd).json) printJson({ deleted: ref });
    else process.stdout.write(`template ${ref}: deleted\n`);
  });
  template.command('refresh').description('mark templates missing or present as their platforms see them').action(async (_o: unknown, cmd: Command) => {
    const out = await refresh(cmd);
    if (globalOptions(cmd).json) printJson(out);
    else process.stdout.write(`templates: ${out.templates.present} present, ${out.templates.missing} missing; instances: ${out.instances.present} present, ${out.instances.missing} gone\n`);
  });

  const instance = program.command('instance').description('VMs builds and rooms created');
  instance.command('list').description('list instances').option('--owner <owner>', 'only one build or room').action(async (o: { owner?: string }, cmd: Command) => {
    const rows = await withApp(cmd, (app) => app.store.instances.list(o.owner ? { owner: o.owner } : {}));
    if (globalOptions(cmd).json) printJson(rows);
    else process.stdout.write(formatTable(['ID', 'NAME', 'HYPERVISOR', 'PLATFORM ID', 'ROLE', 'OWNER', 'STATE'], rows.map((i) => [String(i.id), i.name, i.hypervisor, i.platformId, i.role, i.owner, i.state])));
  });
  instance.command('show').description('show an instance').argument('<id>').action(async (id: string, _o: unknown, cmd: Command) => {
    const i = await withApp(cmd, (app) => app.store.instances.get(Number(id)));
    if (globalOptions(cmd).json) printJson(i);
    else process.stdout.write(`ID:          ${i.id}\nName:        ${i.name}\nHypervisor:  ${i.hypervisor}\nPlatform id: ${i.platformId}\nRole:        ${i.role} ${i.owner}\nState:       ${i.state}\nSource:      ${JSON.stringify(i.source)}\n`);
  });
  instance.command('refresh').description('update instances and templates from their platforms').action(async (_o: unknown, cmd: Command) => {
    const out = await refresh(cmd);
    if (globalOptions(cmd).json) printJson(out);
    else process.stdout.write(`instances: ${out.instances.present} present, ${out.instances.missing} gone\n`);
  });
}

/** Compares vizor's records with what each platform lists under vizor's tags. */
async function refresh(cmd: Command) {
  return withApp(cmd, async (app) => {
    const out = { templates: { present: 0, missing: 0 }, instances: { present: 0, missing: 0 } };
    const byHv = new Set([...app.store.templates.list().map((t) => t.hypervisor), ...app.store.instances.list().map((i) => i.hypervisor)]);
    for (const hv of byHv) {
      const d = await driverFor(app, hv);
      try {
        const seen = new Map((await d.listVms()).map((v) => [v.id, v]));
        for (const t of app.store.templates.list().filter((x) => x.hypervisor === hv)) {
          const ok = seen.get(t.platformId)?.isTemplate === true;
          app.store.templates.setState(t.id, ok ? 'present' : 'missing');
          out.templates[ok ? 'present' : 'missing']++;
        }
        for (const i of app.store.instances.list().filter((x) => x.hypervisor === hv && x.state !== 'destroyed')) {
          const vm = seen.get(i.platformId);
          app.store.instances.setState(hv, i.platformId, vm ? (vm.isTemplate ? 'templated' : vm.power) : 'gone');
          out.instances[vm ? 'present' : 'missing']++;
        }
      } finally {
        await d.close().catch(() => undefined);
      }
    }
    return out;
  });
}
