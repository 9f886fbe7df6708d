// Runs vizor's DhcpServer (from dist/) in the current network namespace for scripts/bench/dhcp.
// argv[2]: JSON { interfaces, pool, dbFile }. Prints {"ready":...} when serving; SIGTERM stops it.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = (p) => pathToFileURL(resolve(process.env.VIZOR_ROOT ?? '.', 'dist', p)).href;
const { Store } = await import(dist('src/store/index.js'));
const { createLogger } = await import(dist('src/log/index.js'));
const { DhcpServer } = await import(dist('src/boot/dhcp/index.js'));

const cfg = JSON.parse(process.argv[2]);
const store = Store.open(cfg.dbFile);
const server = new DhcpServer({ mode: 'full', httpPort: 8080, efiBootFile: 'snponly.efi', ...cfg, leases: store.dhcp, log: createLogger('warn') });
await server.start();
process.stdout.write(`${JSON.stringify({ ready: server.boundPorts() })}\n`);
process.on('SIGTERM', () => {
  server.stop();
  store.close();
  process.exit(0);
});
