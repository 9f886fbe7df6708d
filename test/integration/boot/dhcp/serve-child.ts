// Runs a DhcpServer in whatever network namespace it was started in (ip netns exec ...).
// argv[2]: JSON { mode, interfaces, pool?, dbFile, httpPort }. Prints JSON lines on stdout:
// {"ready":[ports]} once serving, then {"mac","kind","detail"} per boot event. SIGTERM stops it.
import { Store } from '../../../../src/store/index.js';
import { createLogger } from '../../../../src/log/index.js';
import { DhcpServer, type DhcpServerOptions } from '../../../../src/boot/dhcp/index.js';

const cfg = JSON.parse(process.argv[2] ?? '{}') as Pick<DhcpServerOptions, 'mode' | 'interfaces' | 'pool' | 'httpPort'> & { dbFile: string };
const store = Store.open(cfg.dbFile);
const server = new DhcpServer({
  ...cfg,
  efiBootFile: 'snponly.efi',
  leases: store.dhcp,
  log: createLogger(process.env.VIZOR_DHCP_LOG ?? 'warn'),
  onEvent: (mac, kind, detail) => process.stdout.write(`${JSON.stringify({ mac, kind, detail })}\n`),
});
try {
  await server.start();
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ ready: server.boundPorts() })}\n`);
process.on('SIGTERM', () => {
  server.stop();
  store.close();
  process.exit(0);
});
