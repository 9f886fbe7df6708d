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
  assert.deepEqual(JSON.parse((await run(env, ['--remote', url, '--json', 'build', 'list'])).stdout), []);
  assert.deepEqual(JSON.parse((await run(env, ['--remote', url, '--json', 'template', 'list'])).stdout), []);
  const noToken = await run(other.env, ['--remote', url, 'source', 'list']);
  assert.equal(noToken.status, 2);
  assert.match(noToken.stderr, /needs an API token: set VIZOR_TOKEN/);
  const badToken = await run({ ...other.env, VIZOR_TOKEN: 'vzt_nope' }, ['--remote', url, 'source', 'list']);
  assert.notEqual(badToken.status, 0);
  assert.doesNotMatch(badToken.stderr, /vzt_nope/);
});
