// Sessions and transport: bad credentials, expired tokens, 401 after re-login, 5xx and
// dropped connections, logout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HvAuthError, HvConfigError, HvTransientError } from '../../../../src/hypervisors/errors.js';
import { createOvirtDriver } from '../../../../src/hypervisors/ovirt/index.js';
import { bench, containerSpec, type Bench } from './setup.js';

describe('oVirt driver: sessions and transport', () => {
  let b: Bench;
  before(async () => (b = await bench()));
  after(() => b.close());

  test('bad credentials: HvAuthError with the SSO code, and no password in the message', async () => {
    const secret = 'Wr0ng-Secret!';
    const d = createOvirtDriver({ url: b.fake.url, user: b.fake.user, password: secret, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    const start = b.fake.calls.length;
    await assert.rejects(d.test(), (e: unknown) => {
      assert.ok(e instanceof HvAuthError);
      assert.equal(e.platformCode, 'access_denied');
      assert.match(e.message, /admin@internal/);
      assert.ok(!e.message.includes(secret) && !(e.platformMessage ?? '').includes(secret));
      return true;
    });
    assert.deepEqual(b.fake.calls.slice(start).map((c) => c.path), ['/ovirt-engine/sso/oauth/token'], 'refused credentials are not retried');
    await d.close();
  });

  test('an expired token: one 401, a fresh login, the call repeated', async () => {
    await b.driver.test();
    b.fake.hooks.expireTokens();
    const start = b.fake.calls.length;
    await b.driver.listResources('cluster');
    assert.deepEqual(
      b.fake.calls.slice(start).map((c) => `${c.status} ${c.method} ${c.path}`),
      ['401 GET /clusters', '200 POST /ovirt-engine/sso/oauth/token', '200 GET /clusters'],
    );
  });

  test('401 again after a fresh login is HvAuthError', async () => {
    b.fake.hooks.failRequests({ path: /^\/datacenters$/, status: 401, times: 2 });
    await assert.rejects(b.driver.listResources('zone'), (e: unknown) => e instanceof HvAuthError && e.platformCode === '401');
  });

  test('503 and a dropped connection on reads are retried', async () => {
    b.fake.hooks.failRequests({ method: 'GET', path: /^\/clusters$/, status: 503 });
    b.fake.hooks.failRequests({ method: 'GET', path: /^\/clusters$/, status: 'reset' });
    const start = b.fake.calls.length;
    assert.deepEqual((await b.driver.listResources('cluster')).map((c) => c.name), ['Default']);
    assert.deepEqual(b.fake.calls.slice(start).map((c) => c.status), [503, -1, 200]);
  });

  test('a create POST whose connection drops is not repeated (it may have been executed)', async () => {
    b.fake.hooks.failRequests({ method: 'POST', path: /^\/vms$/, status: 'reset' });
    const start = b.fake.calls.length;
    await assert.rejects(b.driver.createContainer(containerSpec({ name: 's1' })), (e: unknown) => e instanceof HvTransientError && e.transient);
    assert.equal(b.fake.calls.slice(start).filter((c) => c.method === 'POST' && c.path === '/vms').length, 1);
  });

  test('a 503 on a create POST is retried (the engine did not act on it)', async () => {
    b.fake.hooks.failRequests({ method: 'POST', path: /^\/vms$/, status: 503 });
    const vm = await b.driver.createContainer(containerSpec({ name: 's2' }));
    assert.equal(vm.name, 's2');
  });

  test('a persistent 5xx surfaces as HvTransientError after the retry budget', async () => {
    b.fake.hooks.failRequests({ method: 'GET', path: /^\/hosts$/, status: 500, times: 10 });
    await assert.rejects(b.driver.listResources('host'), (e: unknown) => e instanceof HvTransientError && e.platformCode === '500');
  });

  test('close() revokes the token at sso-logout', async () => {
    const d = createOvirtDriver({ url: b.fake.url, user: b.fake.user, password: b.fake.password });
    await d.test();
    const before = b.fake.calls.length;
    await d.close();
    const logout = b.fake.calls.slice(before);
    assert.deepEqual(logout.map((c) => [c.method, c.path, c.status]), [['POST', '/ovirt-engine/services/sso-logout', 200]]);
    assert.deepEqual(logout[0]!.body, { scope: 'ovirt-app-api' }, 'the token itself is not recorded');
  });

  test('bad configuration is HvConfigError', () => {
    assert.throws(() => createOvirtDriver({ url: 'not a url', user: 'u', password: 'p' }), HvConfigError);
    assert.throws(() => createOvirtDriver({ url: 'ftp://engine', user: 'u', password: 'p' }), HvConfigError);
    assert.throws(() => createOvirtDriver({ url: 'https://engine', user: '', password: 'p' }), HvConfigError);
  });
});
