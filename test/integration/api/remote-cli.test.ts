// The CLI against a running vizor through its REST API (`--remote`, token from the
// environment): the same answers as the local store gives, and refusals without a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer } from '../../../src/server/index.js';
import { configSchema } from '../../../src/config/index.js';
import { scanSources, SourceService } from '../../../src/catalog/index.js';
import { SecretStore, loadOrCreateKey } from '../../../src/secrets/index.js';
import { TokenStore } from '../../../src/api/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { runVizor } from '../../helpers/cli.js';


const run = runVizor;

test('--remote: source, catalog, node, build and template lists come from the remote vizor', async (t) => {
  const dir = await isoFolder({ 'win10.iso': 'win10.iso' });
  const app = tempApp();
  const parsed = configSchema.parse({ dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile } });
  const server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
  t.after(() => server.stop());
  new SourceService(server.store, new SecretStore(server.store.secrets, app.keyFile), join(app.dataDir, 'mnt')).add('lab', `file://${dir}`);
  await scanSources(server.store, server.store.sources.list(), { concurrency: 1, mountRoot: join(app.dataDir, 'mnt'), password: () => null });
  server.store.nodes.add({ mac: '52:54:00:00:00:42', name: 'remote-pc' });
  // Only the remote store has a build and a template: a CLI that ignored --remote would list none.
  server.store.builds.add({ id: 'bremote0001', hypervisor: 'hv', profile: 'p', isoId: 1, family: 'debian', spec: {}, token: 'tok-remote-build-000001' });
  server.store.templates.upsert({ name: 'remote-tpl', hypervisor: 'hv', platformId: 'tpl-1', buildId: 'bremote0001', isoId: 1, source: {} });
  const { token } = new TokenStore(server.store.db, () => loadOrCreateKey(app.keyFile)).create({ name: 'cli', scope: 'read' });
  // Another machine: no data dir of its own, only the URL and the token.
  const other = tempApp();
  const env = { ...other.env, VIZOR_TOKEN: token };
  const url = `http://127.0.0.1:${server.httpPort}`;
  const sources = await run(env, ['--remote', url, '--json', 'source', 'list']);
  assert.equal(sources.status, 0, sources.stderr);
  assert.deepEqual(JSON.parse(sources.stdout).map((s: { name: string }) => s.name), ['lab']);
  const isos = JSON.parse((await run(env, ['--remote', url, '--json', 'catalog', 'list'])).stdout) as { path: string; editions: number }[];
  assert.deepEqual(isos.map((i) => [i.path, i.editions]), [['win10.iso', 3]]);
  assert.match((await run(env, ['--remote', url, 'node', 'list'])).stdout, /52:54:00:00:00:42\s+remote-pc/);
  assert.deepEqual(JSON.parse((await run(env, ['--remote', url, '--json', 'build', 'list'])).stdout).map((b: { id: string }) => b.id), ['bremote0001']);
  assert.deepEqual(JSON.parse((await run(env, ['--remote', url, '--json', 'template', 'list'])).stdout).map((t: { name: string }) => t.name), ['remote-tpl']);
  const noToken = await run(other.env, ['--remote', url, 'source', 'list']);
  assert.equal(noToken.status, 2);
  assert.match(noToken.stderr, /needs an API token: set VIZOR_TOKEN/);
  const badToken = await run({ ...other.env, VIZOR_TOKEN: 'vzt_nope' }, ['--remote', url, 'source', 'list']);
  assert.notEqual(badToken.status, 0);
  assert.doesNotMatch(badToken.stderr, /vzt_nope/);
});

test('--remote build start/logs/cancel go through the API; --wait and other commands are refused', async (t) => {
  const dir = await isoFolder({ 'debian.iso': 'debian-netinst.iso' });
  const app = tempApp();
  const parsed = configSchema.parse({ dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile }, builds: { tickMs: 60_000 } });
  const server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
  t.after(() => server.stop());
  new SourceService(server.store, new SecretStore(server.store.secrets, app.keyFile), join(app.dataDir, 'mnt')).add('lab', `file://${dir}`);
  await scanSources(server.store, server.store.sources.list(), { concurrency: 1, mountRoot: join(app.dataDir, 'mnt'), password: () => null });
  server.store.hypervisors.add({ name: 'q', kind: 'qemu', url: `qemu://${app.dataDir}/qemu`, username: null, options: {}, secretName: null });
  server.store.profiles.add({ name: 'small', hypervisor: 'q', spec: { vcpus: 1, memoryMiB: 512, diskGiB: 1, network: 'isolated', firmware: 'bios', placement: {}, values: {} } });
  const isoId = String(server.store.query.listIsos()[0]!.id);
  const { token } = new TokenStore(server.store.db, () => loadOrCreateKey(app.keyFile)).create({ name: 'ops', scope: 'admin' });
  const env = { ...tempApp().env, VIZOR_TOKEN: token, VIZOR_REMOTE: `http://127.0.0.1:${server.httpPort}` };
  const started = await run(env, ['--json', 'build', 'start', '--image', isoId, '--profile', 'small', '--set', 'hostname=r1', '--timeout', 'installer=300']);
  assert.equal(started.status, 0, started.stderr);
  const b = JSON.parse(started.stdout) as { id: string; spec: { timeouts: Record<string, number>; values: Record<string, string> } };
  assert.equal(b.spec.values.hostname, 'r1');
  assert.equal(b.spec.timeouts.installer, 300);
  assert.equal(server.store.builds.get(b.id).state, 'running', 'recorded by the remote vizor');
  const logs = JSON.parse((await run(env, ['--json', 'build', 'logs', b.id])).stdout) as { kind: string }[];
  assert.deepEqual(logs.map((e) => e.kind), ['stage']);
  assert.equal((await run(env, ['build', 'cancel', b.id])).status, 0);
  assert.equal(server.store.builds.get(b.id).state, 'cancelling');
  const wait = await run(env, ['build', 'start', '--image', isoId, '--profile', 'small', '--wait']);
  assert.equal(wait.status, 2);
  assert.match(wait.stderr, /--wait is not available with --remote/);
  const other = await run(env, ['profile', 'list']);
  assert.equal(other.status, 2);
  assert.match(other.stderr, /profile list does not work with --remote/);
});
