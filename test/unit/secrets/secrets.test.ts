import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKey, seal, unseal, SecretStore, SecretKeyError, SecretDecryptError } from '../../../src/secrets/index.js';
import { Store } from '../../../src/store/index.js';

const dir = () => mkdtempSync(join(tmpdir(), 'vizor-secrets-'));

describe('secrets', () => {
  test('the key file is created with mode 0600 in a 0700 folder, and reused', () => {
    const d = join(dir(), 'etc');
    const file = join(d, 'secret.key');
    const k1 = loadOrCreateKey(file);
    assert.equal(k1.length, 32);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(d).mode & 0o777, 0o700);
    assert.deepEqual(loadOrCreateKey(file), k1);
  });

  test('a key readable by others is refused with the fix in the message', () => {
    const file = join(dir(), 'k');
    writeFileSync(file, Buffer.alloc(32, 1), { mode: 0o644 });
    chmodSync(file, 0o644);
    assert.throws(() => loadOrCreateKey(file), (e: unknown) => e instanceof SecretKeyError && /chmod 600/.test(e.message));
  });

  test('a key of the wrong size is refused', () => {
    const file = join(dir(), 'k');
    writeFileSync(file, Buffer.alloc(16), { mode: 0o600 });
    assert.throws(() => loadOrCreateKey(file), /exactly 32 bytes/);
  });

  test('seal/unseal round-trips; the name is authenticated; tampering is detected', () => {
    const key = Buffer.alloc(32, 7);
    const s = seal(key, 'source:a', 'pässwörd');
    assert.ok(!s.ciphertext.toString('utf8').includes('pässwörd'));
    assert.equal(unseal(key, 'source:a', s), 'pässwörd');
    assert.throws(() => unseal(key, 'source:b', s), SecretDecryptError, 'a ciphertext moved to another name does not open');
    assert.throws(() => unseal(Buffer.alloc(32, 8), 'source:a', s), SecretDecryptError);
    const tampered = { ...s, ciphertext: Buffer.from(s.ciphertext) };
    tampered.ciphertext[0]! ^= 1;
    assert.throws(() => unseal(key, 'source:a', tampered), SecretDecryptError);
  });

  test('SecretStore keeps only ciphertext in the database file', () => {
    const d = dir();
    const store = Store.open(join(d, 'v.db'));
    const secrets = new SecretStore(store.secrets, join(d, 'key'));
    secrets.set('source:x', 'TopSecretPassword123');
    assert.equal(secrets.get('source:x'), 'TopSecretPassword123');
    assert.equal(secrets.get('source:none'), null);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    assert.ok(!readFileSync(join(d, 'v.db')).includes('TopSecretPassword123'));
  });
});
