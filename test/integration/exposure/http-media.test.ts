// /media/<iso-id>/<path> against a real vizor HTTP server: bytes equal the files put into
// the ISOs, ranges (also past 4 GiB), HEAD, validators, case-insensitive paths, concurrency.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { configSchema } from '../../../src/config/index.js';
import { scanSources, SourceService } from '../../../src/catalog/index.js';
import { SecretStore } from '../../../src/secrets/index.js';
import { isoFolder, tempApp } from '../../helpers/catalog.js';
import { testMediaDir, testMediaManifest } from '../../helpers/media.js';

const sha = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('HTTP media: files inside cataloged ISOs', () => {
  let server: RunningServer;
  let base: string;
  let ids: Record<string, number>;
  before(async () => {
    const dir = await isoFolder({ 'win10.iso': 'win10.iso', 'big/win11-big.iso': 'win11-big.iso' });
    const app = tempApp();
    const parsed = configSchema.parse({ dataDir: app.dataDir, http: { host: '127.0.0.1' }, secrets: { keyFile: app.keyFile } });
    server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
    const sources = new SourceService(server.store, new SecretStore(server.store.secrets, app.keyFile), join(app.dataDir, 'mnt'));
    sources.add('lab', `file://${dir}`);
    await scanSources(server.store, server.store.sources.list(), { concurrency: 2, mountRoot: join(app.dataDir, 'mnt'), password: () => null });
    ids = Object.fromEntries(server.store.query.listIsos().map((i) => [i.path, i.id]));
    base = `http://127.0.0.1:${server.httpPort}/media`;
  });
  after(async () => server?.stop());

  test('every file of win10.iso comes back byte-exact', async () => {
    const m = await testMediaManifest();
    const files = m.images['win10.iso']!.entries.filter((e) => e.type === 'file').slice(0, 60);
    for (const f of files) {
      const r = await fetch(`${base}/${ids['win10.iso']}/${f.path}`);
      assert.equal(r.status, 200, f.path);
      assert.equal(sha(new Uint8Array(await r.arrayBuffer())), f.sha256, f.path);
    }
  });

  test('case-insensitive paths, HEAD, validators and 404s', async () => {
    const url = `${base}/${ids['win10.iso']}/SOURCES/INSTALL.WIM`;
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    const size = Number(head.headers.get('content-length'));
    assert.equal(size, readFileSync(join(await testMediaDir(), 'wims/win10-install.wim')).length);
    const etag = head.headers.get('etag')!;
    assert.ok(etag && head.headers.get('last-modified'));
    assert.equal((await fetch(url, { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal((await fetch(`${base}/${ids['win10.iso']}/nope.txt`)).status, 404);
    assert.equal((await fetch(`${base}/999999/setup.exe`)).status, 404);
    assert.equal((await fetch(`${base}/${ids['win10.iso']}/sources`)).status, 404, 'a directory is not a file');
  });

  test('ranges: partial content, suffix, 416, and If-Range with a stale validator', async () => {
    const url = `${base}/${ids['win10.iso']}/setup.exe`;
    const whole = readFileSync(join(await testMediaDir(), 'trees/win10/setup.exe'));
    const part = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 1000-1999/${whole.length}`);
    assert.deepEqual(Buffer.from(await part.arrayBuffer()), whole.subarray(1000, 2000));
    const suffix = await fetch(url, { headers: { Range: 'bytes=-100' } });
    assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), whole.subarray(whole.length - 100));
    const bad = await fetch(url, { headers: { Range: `bytes=${whole.length}-` } });
    assert.equal(bad.status, 416);
    assert.equal(bad.headers.get('content-range'), `bytes */${whole.length}`);
    const stale = await fetch(url, { headers: { Range: 'bytes=0-9', 'If-Range': '"old"' } });
    assert.equal(stale.status, 200);
  });

  test('a file larger than 4 GiB: right length, and ranges past 4 GiB match the WIM', async () => {
    const m = await testMediaManifest();
    const big = (m.images['win11-big.iso']!.largeFiles as { size: number; ranges: { offset: number; length: number; sha256: string }[] }[])[0]!;
    const url = `${base}/${ids['big/win11-big.iso']}/sources/install.wim`;
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(Number(head.headers.get('content-length')), big.size);
    for (const r of big.ranges) {
      const res = await fetch(url, { headers: { Range: `bytes=${r.offset}-${r.offset + r.length - 1}` } });
      assert.equal(res.status, 206);
      assert.equal(sha(new Uint8Array(await res.arrayBuffer())), r.sha256, `range at ${r.offset}`);
    }
  });

  test('20 concurrent downloads all complete byte-exact', async () => {
    const want = sha(readFileSync(join(await testMediaDir(), 'wims/win10-install.wim')));
    const got = await Promise.all(Array.from({ length: 20 }, async () => sha(new Uint8Array(await (await fetch(`${base}/${ids['win10.iso']}/sources/install.wim`)).arrayBuffer()))));
    assert.deepEqual(new Set(got), new Set([want]));
  });
});
