// API tokens: shape, keyed hash storage, the states that make a token unusable, last-use
// bookkeeping, names, and that replacing the secrets key revokes every token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { TokenStore } from '../../../src/api/index.js';
import { Store } from '../../../src/store/index.js';

const key = randomBytes(32);
const fresh = () => {
  const store = Store.open(':memory:');
  return { store, tokens: new TokenStore(store.db, () => key) };
};

test('a token is vzt_ + 43 base64url characters; only an HMAC of it is stored', () => {
  const { store, tokens } = fresh();
  const { token, info } = tokens.create({ name: 'ci', scope: 'admin' });
  assert.match(token, /^vzt_[A-Za-z0-9_-]{43}$/);
  assert.deepEqual([info.name, info.scope, info.state, info.expiresAt, info.lastUsedAt], ['ci', 'admin', 'active', null, null]);
  const row = store.db.prepare('SELECT * FROM api_tokens').get() as Record<string, unknown>;
  const dump = JSON.stringify(row) + (row.hash as Buffer).toString('hex');
  assert.ok(!dump.includes(token.slice(4)), 'not the token');
  assert.ok(!dump.includes(createHash('sha256').update(token).digest('hex')), 'not an unkeyed hash either');
  assert.equal((row.hash as Buffer).length, 32);
  assert.notEqual(tokens.create({ name: 'ci2', scope: 'read' }).token, token);
  store.close();
});

test('verify: the token works; a wrong, malformed, revoked or expired one does not', () => {
  const { store, tokens } = fresh();
  const { token } = tokens.create({ name: 'a', scope: 'read' });
  assert.equal(tokens.verify(token)?.name, 'a');
  assert.equal(tokens.verify(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), null);
  assert.equal(tokens.verify('vzt_short'), null);
  assert.equal(tokens.verify(''), null);
  const t0 = new Date('2030-01-01T00:00:00Z');
  const exp = tokens.create({ name: 'b', scope: 'admin', expiresInDays: 2, at: t0 });
  assert.equal(exp.info.expiresAt, '2030-01-03T00:00:00.000Z');
  assert.equal(tokens.verify(exp.token, new Date('2030-01-02T23:59:59Z'))?.name, 'b');
  assert.equal(tokens.verify(exp.token, new Date('2030-01-03T00:00:00Z')), null);
  tokens.revoke('a');
  assert.equal(tokens.verify(token), null);
  assert.equal(tokens.list().find((t) => t.name === 'a')!.state, 'revoked');
  store.close();
});

test('last use is recorded, at most once a minute', () => {
  const { store, tokens } = fresh();
  const { token } = tokens.create({ name: 'a', scope: 'read' });
  tokens.verify(token, new Date('2031-01-01T00:00:00Z'));
  tokens.verify(token, new Date('2031-01-01T00:00:30Z'));
  assert.equal(tokens.list()[0]!.lastUsedAt, '2031-01-01T00:00:00.000Z');
  tokens.verify(token, new Date('2031-01-01T00:01:00Z'));
  assert.equal(tokens.list()[0]!.lastUsedAt, '2031-01-01T00:01:00.000Z');
  store.close();
});

test('names: validated, unique among active tokens, reusable after revoke; revoke unknown is NOT_FOUND', () => {
  const { store, tokens } = fresh();
  assert.throws(() => tokens.create({ name: 'bad name', scope: 'read' }), { code: 'VALIDATION' });
  assert.throws(() => tokens.create({ name: 'x', scope: 'read', expiresInDays: 0 }), { code: 'VALIDATION' });
  tokens.create({ name: 'x', scope: 'read' });
  assert.throws(() => tokens.create({ name: 'x', scope: 'admin' }), { code: 'ALREADY_EXISTS' });
  tokens.revoke('x');
  assert.throws(() => tokens.revoke('x'), { code: 'NOT_FOUND' });
  tokens.create({ name: 'x', scope: 'admin' });
  assert.deepEqual(tokens.list().map((t) => `${t.name}:${t.state}`), ['x:active', 'x:revoked']);
  store.close();
});

test('another secrets key verifies nothing: replacing the key revokes every token', () => {
  const { store, tokens } = fresh();
  const { token } = tokens.create({ name: 'a', scope: 'admin' });
  assert.equal(new TokenStore(store.db, () => randomBytes(32)).verify(token), null);
  assert.ok(new TokenStore(store.db, () => key).verify(token));
  store.close();
});
