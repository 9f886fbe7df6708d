import type { Command } from 'commander';
import { globalOptions, withApp } from './context.js';
import { formatTable, printJson } from './format.js';
import { driverFor } from './hypervisor.js';

type Verb = 'start' | 'stop' | 'destroy';

/** `vizor vm list|show|start|stop|destroy` over VMs vizor created (by its tag). */
export function registerVm(program: Command): void {
  const vm = program.command('vm').description('VMs vizor created on a platform (found by vizor\'s tag, never by name)');

  vm.command('list')
    .description('list vizor\'s VMs and templates on a platform')
    .requiredOption('--hypervisor <name>', 'platform to ask')
    .option('--owner <owner>', 'only this build id or room/run')
    .action(async (o: { hypervisor: string; owner?: string }, cmd: Command) => {
      const rows = await withApp(cmd, async (app) => {
        const d = await driverFor(app, o.hypervisor);
        try {
          return await d.listVms(o.owner ? { owner: o.owner } : undefined);
        } finally {
          await d.close().catch(() => undefined);
        }
      });
      if (globalOptions(cmd).json) printJson(rows);
      else process.stdout.write(formatTable(['ID', 'NAME', 'POWER', 'ROLE', 'OWNER', 'MAC'], rows.map((r) => [r.id, r.name, r.isTemplate ? 'template' : r.power, r.tag?.role ?? '', r.tag?.owner ?? '', r.macs[0] ?? ''])));
    });

  vm.command('show')
    .description('show one VM')
    .argument('<id>', 'platform id')
    .requiredOption('--hypervisor <name>', 'platform to ask')
    .action(async (id: string, o: { hypervisor: string }, cmd: Command) => {
      const out = await withApp(cmd, async (app) => {
        const d = await driverFor(app, o.hypervisor);
        try {
          const info = await d.getVm(id);
          const snapshots = info.isTemplate ? [] : await d.listSnapshots(id).catch(() => []);
          return { ...info, snapshots };
        } finally {
          await d.close().catch(() => undefined);
        }
      });
      if (globalOptions(cmd).json) return printJson(out);
      process.stdout.write(`ID:        ${out.id}\nName:      ${out.name}\nPower:     ${out.power}\nTemplate:  ${out.isTemplate ? 'yes' : 'no'}\nTag:       ${out.tag ? `${out.tag.role} ${out.tag.owner}` : 'none (not vizor\'s)'}\nMACs:      ${out.macs.join(', ')}\nSnapshots: ${out.snapshots.map((s) => s.name).join(', ') || 'none'}\n`);
    });

  const act = (verb: Verb, description: string) =>
    vm.command(verb)
      .description(description)
      .argument('<id>', 'platform id')
      .requiredOption('--hypervisor <name>', 'platform to ask')
      .option('--wait <seconds>', 'wait until it is running/halted (start/stop)', '0')
      .action(async (id: string, o: { hypervisor: string; wait: string }, cmd: Command) => {
        await withApp(cmd, async (app) => {
          const d = await driverFor(app, o.hypervisor);
          try {
            // Only vizor's own VMs: a VM without vizor's tag is refused, whatever its name.
            const info = await d.getVm(id).catch((err) => (verb === 'destroy' && (err as { code?: string }).code === 'HV_NOT_FOUND' ? null : Promise.reject(err)));
            if (info && !info.tag) {
              const { HvStateError } = await import('../hypervisors/index.js');
              throw new HvStateError(`VM ${id} (${info.name}) was not created by vizor: refusing to ${verb} it`, { platform: d.kind });
            }
            if (verb === 'start') await d.start(id);
            else if (verb === 'stop') await d.stop(id);
            else if (info) await d.destroy(id);
            const wait = Number(o.wait) * 1000;
            if (wait > 0 && verb !== 'destroy') await d.waitForPower(id, verb === 'start' ? 'running' : 'halted', { timeoutMs: wait });
          } finally {
            await d.close().catch(() => undefined);
          }
        });
        if (globalOptions(cmd).json) printJson({ id, done: verb });
        else process.stdout.write(`vm ${id}: ${verb} done\n`);
      });
  act('start', 'start a VM');
  act('stop', 'power a VM off at once');
  act('destroy', 'destroy a VM with its disks and snapshots');
}
