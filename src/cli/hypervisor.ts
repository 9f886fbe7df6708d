import type { Command } from 'commander';
import { globalOptions, withApp, type AppContext } from './context.js';
import { formatTable, printJson } from './format.js';
import { readPassword } from './secret-input.js';
import { UsageError } from './exit.js';

const KINDS = ['xenserver', 'cloudstack', 'ovirt', 'qemu'] as const;
const collect = (v: string, all: string[] = []) => [...all, v];

/** Opens the driver of a stored hypervisor with its decrypted secret. */
export async function driverFor(app: AppContext, name: string) {
  const { openDriver } = await import('../hypervisors/index.js');
  const { SecretStore } = await import('../secrets/index.js');
  const row = app.store.hypervisors.get(name);
  const secret = row.secretName ? new SecretStore(app.store.secrets, app.config.secrets.keyFile).get(row.secretName) : null;
  return openDriver(row, secret);
}

/** `vizor hypervisor add|list|show|test|remove` */
export function registerHypervisor(program: Command): void {
  const hv = program.command('hypervisor').description('platforms vizor creates VMs on: XenServer/XCP-ng, CloudStack, oVirt, local QEMU');

  hv.command('add')
    .description('add a platform; its password (CloudStack: secret key) is stored encrypted')
    .argument('<name>', 'short name')
    .argument('<kind>', KINDS.join(', '))
    .argument('<url>', 'API endpoint (https://xcp1/, https://cs/client/api, https://engine/ovirt-engine) or qemu:///<state folder>')
    .option('--user <user>', 'user name (CloudStack: API key)')
    .option('--option <key=value>', 'platform option, repeatable (e.g. zone=z1, cluster=Default, bridge=br0, allowUnauthorized=true)', collect)
    .option('--password-stdin', 'read the password / secret key from standard input')
    .option('--password-file <file>', 'read the password / secret key from a file')
    .addHelpText('after', '\nThe password may also come from $VIZOR_HYPERVISOR_PASSWORD; it never goes on the command line.')
    .action(async (name: string, kind: string, url: string, o: { user?: string; option?: string[]; passwordStdin?: boolean; passwordFile?: string }, cmd: Command) => {
      if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`unknown kind "${kind}": use ${KINDS.join(', ')}`, 'hypervisor add');
      if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name)) throw new UsageError(`bad name "${name}": lower-case letters, digits, . _ -`, 'hypervisor add');
      const { parseHypervisorOptions, qemuStateDir } = await import('../hypervisors/index.js');
      const options = parseHypervisorOptions(kind as (typeof KINDS)[number], o.option ?? []);
      if (kind === 'qemu') qemuStateDir(url);
      else if (!/^https?:\/\//.test(url)) throw new UsageError(`the ${kind} URL must start with https:// (or http://), got ${url}`, 'hypervisor add');
      if (kind !== 'qemu' && !o.user) throw new UsageError(`${kind} needs --user${kind === 'cloudstack' ? ' <API key>' : ''}`, 'hypervisor add');
      const password = kind === 'qemu' ? null : await readPassword(o, 'hypervisor add', 'VIZOR_HYPERVISOR_PASSWORD');
      if (kind !== 'qemu' && !password) throw new UsageError('give the password with --password-stdin, --password-file or $VIZOR_HYPERVISOR_PASSWORD', 'hypervisor add');
      const row = await withApp(cmd, async (app) => {
        const { SecretStore } = await import('../secrets/index.js');
        const secretName = password ? `hypervisor:${name}` : null;
        const added = app.store.hypervisors.add({ name, kind: kind as (typeof KINDS)[number], url, username: o.user ?? null, options, secretName });
        if (password) new SecretStore(app.store.secrets, app.config.secrets.keyFile).set(secretName!, password);
        return added;
      });
      if (globalOptions(cmd).json) printJson({ ...row, secretName: undefined, hasSecret: row.secretName !== null });
      else process.stdout.write(`added hypervisor ${row.name} (${row.kind}) ${row.url}${row.secretName ? ' [secret stored encrypted]' : ''}\n`);
    });

  hv.command('list')
    .description('list platforms')
    .action(async (_o: unknown, cmd: Command) => {
      const rows = await withApp(cmd, (app) => app.store.hypervisors.list());
      if (globalOptions(cmd).json) printJson(rows.map((r) => ({ ...r, secretName: undefined, hasSecret: r.secretName !== null })));
      else process.stdout.write(formatTable(['NAME', 'KIND', 'URL', 'USER'], rows.map((r) => [r.name, r.kind, r.url, r.username ?? ''])));
    });

  hv.command('show')
    .description('show one platform (never its secret)')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const r = await withApp(cmd, (app) => app.store.hypervisors.get(name));
      const out = { ...r, secretName: undefined, hasSecret: r.secretName !== null };
      if (globalOptions(cmd).json) printJson(out);
      else process.stdout.write(`Name:     ${r.name}\nKind:     ${r.kind}\nURL:      ${r.url}\nUser:     ${r.username ?? ''}\nSecret:   ${out.hasSecret ? 'stored (encrypted)' : 'none'}\nOptions:  ${Object.entries(r.options).map(([k, v]) => `${k}=${String(v)}`).join(', ') || 'none'}\n`);
    });

  hv.command('test')
    .description('log in and report the platform version and what vizor sees there')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const out = await withApp(cmd, async (app) => {
        const driver = await driverFor(app, name);
        try {
          const info = await driver.test();
          const networks = await driver.listResources('network');
          const vms = await driver.listVms();
          return { ok: true, ...info, networks: networks.map((n) => n.name), vizorVms: vms.length };
        } finally {
          await driver.close().catch(() => undefined);
        }
      });
      if (globalOptions(cmd).json) printJson(out);
      else process.stdout.write(`hypervisor ${name}: ok, ${out.kind} ${out.version} at ${out.endpoint}; networks: ${out.networks.join(', ') || 'none'}; vizor VMs: ${out.vizorVms}\n`);
    });

  hv.command('remove')
    .description('forget a platform and its stored secret (its VMs stay)')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const row = app.store.hypervisors.get(name);
        app.store.hypervisors.remove(name);
        if (row.secretName) app.store.secrets.remove(row.secretName);
      });
      if (globalOptions(cmd).json) printJson({ removed: name });
      else process.stdout.write(`removed hypervisor ${name}\n`);
    });
}
