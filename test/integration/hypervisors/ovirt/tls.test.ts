// HTTPS engines: trust by CA, or skip verification on request; an untrusted certificate is a
// configuration error, not something to retry. Needs the openssl CLI (Debian: openssl).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HvConfigError } from '../../../../src/hypervisors/errors.js';
import { createOvirtDriver } from '../../../../src/hypervisors/ovirt/index.js';
import { startOvirtFake, type OvirtFake } from '../../../fakes/ovirt/index.js';

function selfSigned(dir: string): { key: string; cert: string } {
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=engine.test', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { encoding: 'utf8' });
  if (r.error) assert.fail(`openssl is needed to make a test certificate: apt-get install openssl (${r.error.message})`);
  assert.equal(r.status, 0, r.stderr);
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

describe('oVirt driver over HTTPS', () => {
  let dir: string;
  let fake: OvirtFake;
  let cert: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vizor-ovirt-tls-'));
    const tls = selfSigned(dir);
    cert = tls.cert;
    fake = await startOvirtFake({ tls });
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const driver = (extra: { ca?: string; allowUnauthorized?: boolean }) =>
    createOvirtDriver({ url: fake.url, user: fake.user, password: fake.password, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, ...extra });

  test('the engine CA given as ca is trusted', async () => {
    assert.match(fake.url, /^https:/);
    const d = driver({ ca: cert });
    assert.equal((await d.test()).version, '4.5.4-1.el8');
    await d.close();
  });

  test('allowUnauthorized skips verification', async () => {
    const d = driver({ allowUnauthorized: true });
    assert.equal((await d.test()).kind, 'ovirt');
    await d.close();
  });

  test('an untrusted certificate is HvConfigError (not retried as transient) naming the fix', async () => {
    const d = driver({});
    const start = fake.calls.length;
    await assert.rejects(d.test(), (e: unknown) => e instanceof HvConfigError && !e.transient && /CERT|SIGNED/.test(e.platformCode ?? '') && /allowUnauthorized/.test(e.message));
    assert.equal(fake.calls.length, start, 'no request got through the TLS handshake');
    await d.close();
  });
});
