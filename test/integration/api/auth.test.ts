// Token authentication and the error boundary of the API, over real HTTP: no token, bad,
// revoked and expired tokens all get the same 401; read tokens cannot mutate; errors are
// {error: {code, message}} with the status from the one table.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiBench, type ApiBench } from './harness.js';

describe('API authentication', () => {
  let b: ApiBench;
  let revoked: string;
  let expired: string;
  before(async () => {
    b = await apiBench();
    revoked = b.tokens.create({ name: 'gone', scope: 'admin' }).token;
    b.tokens.revoke('gone');
    expired = b.tokens.create({ name: 'old', scope: 'admin', expiresInDays: 1, at: new Date(Date.now() - 2 * 86_400_000) }).token;
  });
  after(() => b?.close());

  test('no token, malformed, unknown, revoked and expired tokens: 401 with one message', async () => {
    const unknown = `vzt_${'A'.repeat(43)}`;
    const answers = [
      await b.call('GET', '/api/v1/sources', { token: null }),
      await b.call('GET', '/api/v1/sources', { token: 'not-a-token' }),
      await b.call('GET', '/api/v1/sources', { token: unknown }),
      await b.call('GET', '/api/v1/sources', { token: revoked }),
      await b.call('GET', '/api/v1/sources', { token: expired }),
      await b.call('GET', '/api/v1/sources', { token: null, headers: { authorization: `Basic ${Buffer.from(`x:${b.admin}`).toString('base64')}` } }),
    ];
    for (const a of answers) {
      assert.equal(a.status, 401);
      assert.equal(a.body.error.code, 'UNAUTHORIZED');
      assert.equal(a.headers.get('www-authenticate'), 'Bearer realm="vizor"');
    }
    assert.equal(new Set(answers.map((a) => a.text)).size, 1, 'the same body whatever was wrong: no oracle');
    const ok = await b.call('GET', '/api/v1/sources');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, []);
  });

  test('a read token reads but cannot mutate (403); an admin token can', async () => {
    assert.equal((await b.call('GET', '/api/v1/nodes', { token: b.reader })).status, 200);
    const denied = await b.call('POST', '/api/v1/nodes', { token: b.reader, body: { mac: '52:54:00:00:00:01' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'FORBIDDEN');
    assert.equal(b.store.nodes.list().length, 0, 'nothing was created');
    assert.equal((await b.call('DELETE', '/api/v1/sources/x', { token: b.reader })).status, 403);
    assert.equal((await b.call('POST', '/api/v1/nodes', { body: { mac: '52:54:00:00:00:01' } })).status, 201);
  });

  test('the token is checked before the body is read', async () => {
    const a = await b.call('POST', '/api/v1/sources', { token: null, raw: '{broken', headers: { 'content-type': 'application/json' } });
    assert.equal(a.status, 401);
  });

  test('last use is recorded; list shows scope, expiry and revocation', () => {
    const list = b.tokens.list();
    assert.ok(list.find((t) => t.name === 'test-admin')!.lastUsedAt, 'admin token used');
    assert.equal(list.find((t) => t.name === 'gone')!.state, 'revoked');
    assert.equal(list.find((t) => t.name === 'old')!.state, 'expired');
    assert.equal(list.find((t) => t.name === 'gone')!.lastUsedAt, null, 'a revoked token is never marked used');
  });

  test('the OpenAPI document is public; boot endpoints are not under /api/v1', async () => {
    const doc = await b.call('GET', '/api/openapi.json', { token: null });
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(!Object.keys(doc.body.paths).some((p: string) => /^\/(boot|answers|media|callbacks)/.test(p)));
  });

  test('unknown endpoints: 401 without a token, 404 with one; wrong method 405 with Allow', async () => {
    assert.equal((await b.call('GET', '/api/v1/nope', { token: null })).status, 401);
    const nf = await b.call('GET', '/api/v1/nope');
    assert.equal(nf.status, 404);
    assert.equal(nf.body.error.code, 'NOT_FOUND');
    const na = await b.call('PATCH', '/api/v1/sources');
    assert.equal(na.status, 405);
    assert.equal(na.body.error.code, 'METHOD_NOT_ALLOWED');
    assert.equal(na.headers.get('allow'), 'GET, POST');
    assert.equal((await b.call('GET', '/api/v2/sources', { token: null })).status, 404);
  });

  test('bodies: bad JSON 400, too large 413, not JSON 415; answers are not cached', async () => {
    const bad = await b.call('POST', '/api/v1/sources', { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'BAD_JSON');
    const big = await b.call('POST', '/api/v1/sources', { body: { name: 'x', url: 'file:///tmp', pad: 'x'.repeat(300 * 1024) } });
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'BODY_TOO_LARGE');
    const text = await b.call('POST', '/api/v1/sources', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(text.headers.get('cache-control'), 'no-store');
  });

  test('no token ever reaches a response or a log line', () => {
    b.assertNoLeak([b.admin, b.reader, revoked, expired]);
  });
});
