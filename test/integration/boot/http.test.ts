import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { configSchema } from '../../../src/config/index.js';

describe('HTTP boot endpoints (real server on 127.0.0.1)', () => {
  let server: RunningServer;
  let base: string;
  let boot: string;
  before(async () => {
    const root = mkdtempSync(join(tmpdir(), 'vizor-http-'));
    boot = join(root, 'boot');
    const parsed = configSchema.parse({ dataDir: join(root, 'data'), http: { host: '127.0.0.1' }, boot: { defaultTask: 'register', tftp: { root: boot } } });
    // Port 0 (any free port) is for tests only; the schema keeps real configurations to 1–65535.
    server = await startServer({ ...parsed, http: { ...parsed.http, port: 0 } }, pino({ level: 'silent' }));
    base = `http://127.0.0.1:${server.httpPort}`;
    writeFileSync(join(root, 'secret.txt'), 'outside');
    symlinkSync(join(root, 'secret.txt'), join(boot, 'link.txt'));
  });
  after(async () => server?.stop());

  test('health and readiness', async () => {
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });

  test('an unknown machine is registered and gets a wait-and-retry script; the fetch is a node event', async () => {
    const r = await fetch(`${base}/boot/ipxe?mac=52:54:00:12:34:56&buildarch=x86_64&platform=pcbios`);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.match(text, /^#!ipxe\n/);
    assert.match(text, new RegExp(`chain --autofree http://127\\.0\\.0\\.1:${server.httpPort}/boot/ipxe\\?mac=52%3A54%3A00%3A12%3A34%3A56`));
    const node = server.store.nodes.find('52:54:00:12:34:56');
    assert.equal(node?.task.kind, 'register');
    const ev = server.store.nodes.events('52:54:00:12:34:56');
    assert.deepEqual(ev.map((e) => e.kind), ['http-script']);
    assert.deepEqual(ev[0]!.detail, { task: 'register', known: true, uuid: null, buildarch: 'x86_64', platform: 'pcbios' });
  });

  test('a node with a task gets its own script', async () => {
    server.store.nodes.add({ mac: '52:54:00:00:00:07', name: 'lab-7', task: { kind: 'script', script: 'echo VIZOR-NODE-7' } });
    const text = await (await fetch(`${base}/boot/ipxe?mac=52-54-00-00-00-07`)).text();
    assert.match(text, /echo VIZOR-NODE-7/);
  });

  test('bad requests get 400 with the reason, and nothing is recorded', async () => {
    const r = await fetch(`${base}/boot/ipxe?mac=nope`);
    assert.equal(r.status, 400);
    assert.match(await r.text(), /mac must be a MAC address/);
  });

  test('boot binaries are served; traversal and symlinks out of the folder are not', async () => {
    const ok = await fetch(`${base}/boot/undionly.kpxe`);
    assert.equal(ok.status, 200);
    assert.ok((await ok.arrayBuffer()).byteLength > 10_000);
    for (const p of ['/boot/..%2Fdata%2Fvizor.db', '/boot/link.txt', '/boot/.hidden', '/boot/nonexistent.efi']) {
      assert.equal((await fetch(`${base}${p}`)).status, 404, p);
    }
  });
});
