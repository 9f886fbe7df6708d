import type { Command } from 'commander';
import { configFor } from './context.js';

/** `vizor serve`: runs the services in the foreground until SIGTERM or SIGINT. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run vizor: HTTP (boot endpoints), and DHCP/TFTP on boot.interfaces; logs JSON to stdout')
    .option('--port <port>', 'HTTP port (overrides http.port)')
    .action(async (opts: { port?: string }, cmd: Command) => {
      const loaded = await configFor(cmd);
      const config = opts.port ? { ...loaded.config, http: { ...loaded.config.http, port: Number(opts.port) } } : loaded.config;
      const { pino } = await import('pino');
      const { REDACTED_PATHS } = await import('../log/index.js');
      const log = pino({ level: config.log.level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } });
      const { startServer } = await import('../server/index.js');
      const server = await startServer(config, log);
      log.info({ config: loaded.file ?? 'built-in defaults' }, 'vizor serving');
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, 'stopping');
          void server.stop().then(resolve);
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
      log.info('stopped');
    });
}
