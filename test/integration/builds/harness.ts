// A vizor server with a cataloged Debian installer ISO, a hypervisor entry and a profile,
// plus a scripted guest that does what the Debian installer does over vizor's HTTP
// endpoints (iPXE script, preseed, stage reports, done). Shared by the build tests.
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { configSchema } from '../../../src/config/index.js';
import { scanSources, SourceService } from '../../../src/catalog/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { profileSpecSchema } from '../../../src/builds/index.js';
import type { BuildRow, HypervisorKind } from '../../../src/store/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';

/** A running vizor ready to build on one hypervisor. */
export interface BuildBench {
  readonly server: RunningServer;
  readonly http: string;
  readonly isoId: number;
  readonly dataDir: string;
  readonly keyFile: string;
  close(): Promise<void>;
}

/** Starts vizor (builds advanced every 100 ms) with debian-netinst.iso cataloged, hypervisor "hv" and profile "p". */
export async function buildBench(
  hv: { kind: HypervisorKind; url: string; username: string | null; secret: string | null; options?: Record<string, string | number | boolean> },
  profile: Record<string, unknown>,
  o: { iso?: string; config?: Record<string, unknown> } = {},
): Promise<BuildBench> {
  const dir = await isoFolder({ 'install.iso': o.iso ?? 'debian-netinst.iso' });
  const app = tempApp();
  // Like /var/lib: searchable above the data folder (smbd's build accounts pass through it).
  chmodSync(dirname(app.dataDir), 0o755);
  const parsed = configSchema.parse({ dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile }, builds: { tickMs: 100 }, ...o.config });
  const server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
  const secrets = new SecretStore(server.store.secrets, app.keyFile);
  new SourceService(server.store, secrets, join(app.dataDir, 'mnt')).add('lab', `file://${dir}`);
  await scanSources(server.store, server.store.sources.list(), { concurrency: 1, mountRoot: join(app.dataDir, 'mnt'), password: () => null });
  const isoId = Number(server.store.query.listIsos()[0]!.id);
  server.store.hypervisors.add({ name: 'hv', kind: hv.kind, url: hv.url, username: hv.username, options: hv.options ?? {}, secretName: hv.secret ? 'hypervisor:hv' : null });
  if (hv.secret) secrets.set('hypervisor:hv', hv.secret);
  server.store.profiles.add({ name: 'p', hypervisor: 'hv', spec: profileSpecSchema.parse(profile) });
  return { server, http: `http://127.0.0.1:${server.httpPort}`, isoId, dataDir: app.dataDir, keyFile: app.keyFile, close: () => server.stop() };
}

/**
 * Plays the Debian installer of a build's VM: fetches the node's iPXE script (so vizor maps
 * 127.0.0.1 to the MAC), the preseed named on its kernel line, then every stage URL of the
 * early and late commands and the done URL, in order. Returns the URLs it called.
 */
export async function playDebianInstaller(http: string, mac: string): Promise<string[]> {
  const script = await (await fetch(`${http}/boot/ipxe?mac=${mac}`)).text();
  const preseedUrl = / url=(\S+preseed\.cfg)/.exec(script)?.[1];
  assert.ok(preseedUrl, `the iPXE script names a preseed:\n${script}`);
  const preseed = await fetch(preseedUrl);
  assert.equal(preseed.status, 200);
  const body = await preseed.text();
  const urls = [...body.matchAll(/https?:\/\/\S+\/answers\/[A-Za-z0-9_-]+\/(?:stage\/[a-z0-9-]+|done)/g)].map((m) => m[0]);
  assert.ok(urls.length >= 3, 'early stage, late stage and done URLs');
  for (const u of urls) assert.equal((await fetch(u)).status, 200, u);
  return urls;
}

/** Advances builds until `id` ends (or `onStage` hooks act), failing after `timeoutMs`. */
export async function driveBuild(server: RunningServer, id: string, onStage: (b: BuildRow) => Promise<void> | void, timeoutMs = 60_000): Promise<BuildRow> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  for (;;) {
    await server.builds.round();
    const b = server.store.builds.get(id);
    if (!seen.has(b.stage)) {
      seen.add(b.stage);
      await onStage(b);
    }
    if (b.state === 'done' || b.state === 'failed' || b.state === 'cancelled') return b;
    if (Date.now() > deadline) assert.fail(`build ${id} stuck at ${b.stage} (${b.state}): ${JSON.stringify(server.store.builds.events(id).slice(-5))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
