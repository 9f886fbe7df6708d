import type { Command } from 'commander';
import { globalOptions, withApp, type AppContext } from './context.js';
import { formatTable, printJson } from './format.js';
import { UsageError } from './exit.js';

const SCOPES = ['read', 'admin'] as const;

async function tokenStore(app: AppContext) {
  const { TokenStore } = await import('../api/index.js');
  const { loadOrCreateKey } = await import('../secrets/index.js');
  return new TokenStore(app.store.db, () => loadOrCreateKey(app.config.secrets.keyFile));
}

/** `vizor token create|list|revoke`: tokens for the REST API and `--remote`. */
export function registerToken(program: Command): void {
  const token = program.command('token').description('API tokens for the REST API and for the CLI talking to a remote vizor');

  token.command('create')
    .description('create a token and print it once (only a keyed hash is stored)')
    .argument('<name>', 'a name to list and revoke it by')
    .option('--expires <days>', 'days until it expires (default: never)')
    .option('--scope <scope>', 'read (GET only) or admin (everything)', 'read')
    .addHelpText('after', '\nThe token goes to standard output and nowhere else: TOKEN=$(vizor token create ci --scope admin)')
    .action(async (name: string, o: { expires?: string; scope: string }, cmd: Command) => {
      const { TOKEN_NAME } = await import('../api/index.js');
      if (!TOKEN_NAME.test(name)) throw new UsageError(`bad token name "${name}": letters, digits, '.', '_' or '-' (up to 63)`, 'token create');
      if (!(SCOPES as readonly string[]).includes(o.scope)) throw new UsageError(`--scope must be read or admin, got "${o.scope}"`, 'token create');
      if (o.expires !== undefined && !(/^[1-9]\d{0,3}$/.test(o.expires) && Number(o.expires) <= 3650)) throw new UsageError('--expires takes a number of days from 1 to 3650', 'token create');
      const made = await withApp(cmd, async (app) => (await tokenStore(app)).create({ name, scope: o.scope as (typeof SCOPES)[number], expiresInDays: o.expires ? Number(o.expires) : null }));
      if (globalOptions(cmd).json) return printJson({ ...made.info, token: made.token });
      process.stderr.write(`created token ${made.info.name} (scope ${made.info.scope}, expires ${made.info.expiresAt ?? 'never'}); it is shown only this once:\n`);
      process.stdout.write(`${made.token}\n`);
    });

  token.command('list')
    .description('list tokens: name, scope, created, last used, expiry, revoked')
    .action(async (_o: unknown, cmd: Command) => {
      const rows = await withApp(cmd, async (app) => (await tokenStore(app)).list());
      if (globalOptions(cmd).json) return printJson(rows);
      process.stdout.write(formatTable(
        ['NAME', 'SCOPE', 'CREATED', 'LAST USED', 'EXPIRES', 'STATE'],
        rows.map((t) => [t.name, t.scope, t.createdAt, t.lastUsedAt ?? 'never', t.expiresAt ?? 'never', t.state === 'revoked' ? `revoked ${t.revokedAt}` : t.state]),
      ));
    });

  token.command('revoke')
    .description('revoke a token by name; it stops working at once')
    .argument('<name>')
    .action(async (name: string, _o: unknown, cmd: Command) => {
      const info = await withApp(cmd, async (app) => (await tokenStore(app)).revoke(name));
      if (globalOptions(cmd).json) printJson(info);
      else process.stdout.write(`revoked token ${name}\n`);
    });
}
