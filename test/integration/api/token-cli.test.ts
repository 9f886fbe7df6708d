// `vizor token create|list|revoke`: the token is printed once and stored only as a keyed
// hash; a created token opens the API, a revoked one no longer does.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempApp } from '../../helpers/catalog.js';
import { apiBench, type ApiBench } from './harness.js';

const cli = fileURLToPath(new URL('./vizor-cli.js', import.meta.url));

describe('vizor token', () => {
  const app = tempApp();
  let api: ApiBench;
  let ci = '';
  /** Runs `vizor <args>` (token commands registered) against this test's data dir. */
  const vizor = async (args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...app.env }, encoding: 'utf8' });
    return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
  };
  after(() => api?.close());

  test('create prints the token once, on standard output only', async () => {
    const r = await vizor(['token', 'create', 'ci', '--scope', 'admin', '--expires', '30']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^vzt_[A-Za-z0-9_-]{43}\n$/);
    ci = r.stdout.trim();
    assert.match(r.stderr, /created token ci \(scope admin, expires 20\d\d-.*\); it is shown only this once/);
    assert.ok(!r.stderr.includes(ci));
    const json = await vizor(['--json', 'token', 'create', 'ui']);
    const made = JSON.parse(json.stdout) as { token: string; scope: string; expiresAt: string | null };
    assert.deepEqual([made.scope, made.expiresAt], ['read', null], 'read scope and no expiry by default');
    assert.notEqual(made.token, ci);
  });

  test('the database holds no token, only its keyed hash', () => {
    const file = join(app.dataDir, 'vizor.db');
    const db = Buffer.concat([readFileSync(file), ...(existsSync(`${file}-wal`) ? [readFileSync(`${file}-wal`)] : [])]);
    assert.ok(!db.includes(ci) && !db.includes(ci.slice(4)), 'token text absent');
    assert.ok(!db.includes(Buffer.from(ci.slice(4), 'base64url')), 'token bytes absent');
  });

  test('usage errors: bad scope, bad expiry, bad name, duplicate, unknown revoke', async () => {
    assert.equal((await vizor(['token', 'create', 'x', '--scope', 'root'])).code, 2);
    assert.equal((await vizor(['token', 'create', 'x', '--expires', '0'])).code, 2);
    assert.equal((await vizor(['token', 'create', '../x'])).code, 2);
    const dup = await vizor(['token', 'create', 'ci']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /a token named "ci" already exists/);
    assert.equal((await vizor(['token', 'revoke', 'nope'])).code, 3);
  });

  test('a created token opens the API; list shows last use; a revoked one gets 401', async () => {
    api = await apiBench({ dataDir: app.dataDir, keyFile: app.keyFile });
    assert.equal((await api.call('GET', '/api/v1/sources', { token: ci })).status, 200);
    const list = await vizor(['token', 'list']);
    assert.match(list.stdout, /^NAME\s+SCOPE\s+CREATED\s+LAST USED\s+EXPIRES\s+STATE/);
    assert.match(list.stdout, /\nci\s+admin\s+\S+\s+20\d\d-\S+\s+20\d\d-\S+\s+active/);
    assert.match(list.stdout, /\nui\s+read\s+\S+\s+never\s+never\s+active/);
    assert.ok(!list.stdout.includes(ci));
    assert.equal((await vizor(['token', 'revoke', 'ci'])).code, 0);
    assert.equal((await api.call('GET', '/api/v1/sources', { token: ci })).status, 401);
    const json = JSON.parse((await vizor(['--json', 'token', 'list'])).stdout) as { name: string; state: string; revokedAt: string | null }[];
    assert.equal(json.find((t) => t.name === 'ci')!.state, 'revoked');
    assert.ok(!JSON.stringify(json).includes(ci));
    assert.equal((await vizor(['token', 'create', 'ci'])).code, 0, 'a revoked name can be used again');
  });
});
