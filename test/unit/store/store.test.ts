import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Store, LATEST_VERSION, StoreCorruptError, StoreTooNewError, AlreadyExistsError, NotFoundError } from '../../../src/store/index.js';

const dbFile = () => join(mkdtempSync(join(tmpdir(), 'vizor-store-')), 'vizor.db');

describe('store', () => {
  test('a new database is migrated, in WAL mode, with foreign keys on', () => {
    const s = Store.open(dbFile());
    assert.equal(s.db.pragma('user_version', { simple: true }), LATEST_VERSION);
    assert.equal(s.db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(s.db.pragma('foreign_keys', { simple: true }), 1);
    s.close();
  });

  test('reopening an up-to-date database changes nothing', () => {
    const f = dbFile();
    Store.open(f).close();
    const s = Store.open(f);
    assert.equal(s.db.pragma('user_version', { simple: true }), LATEST_VERSION);
    s.close();
  });

  test('a database from a newer vizor is refused, not rewritten', () => {
    const f = dbFile();
    Store.open(f).close();
    const raw = new Database(f);
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`);
    raw.close();
    assert.throws(() => Store.open(f), (e: unknown) => e instanceof StoreTooNewError && e.found === LATEST_VERSION + 5);
    const again = new Database(f);
    assert.equal(again.pragma('user_version', { simple: true }), LATEST_VERSION + 5, 'left as found');
    again.close();
  });

  test('a file that is not SQLite is refused as corrupt', () => {
    const f = dbFile();
    writeFileSync(f, Buffer.alloc(8192, 0x41));
    assert.throws(() => Store.open(f), (e: unknown) => e instanceof StoreCorruptError && /not a vizor database or corrupt/.test(e.message));
  });

  test("someone else's SQLite database is not touched", () => {
    const f = dbFile();
    const raw = new Database(f);
    raw.exec('CREATE TABLE other (x)');
    raw.close();
    assert.throws(() => Store.open(f), (e: unknown) => e instanceof StoreCorruptError && /no vizor schema version/.test(e.message));
  });

  test('sources: unique names, not-found errors, cascade delete of cataloged ISOs', () => {
    const s = Store.open(dbFile());
    const src = s.sources.add({ name: 'a', kind: 'file', url: 'file:///x', secretName: null });
    assert.throws(() => s.sources.add({ name: 'a', kind: 'file', url: 'file:///y', secretName: null }), AlreadyExistsError);
    assert.throws(() => s.sources.get('b'), NotFoundError);
    s.catalog.upsert({ sourceId: src.id, path: 'w.iso', size: 1, mtimeMs: 1, fingerprint: 'f', volumeLabel: 'L', kind: 'windows-install', fileSystems: ['udf'], udfRevision: '1.02', boot: null, installImage: null, error: null, bytesRead: 5,
      editions: [{ imagePath: '/sources/install.wim', index: 1, name: 'W', description: null, editionId: 'Professional', productName: null, installationType: 'Client', arch: 'x64', major: 10, minor: 0, build: 19045, spBuild: 1, languages: ['en-US', 'de-DE'], defaultLanguage: 'en-US', totalBytes: 1 }],
      langpacks: [], tools: null, linux: null }, new Date().toISOString());
    assert.equal(s.query.findEditions({ language: 'de-DE' }).length, 1);
    assert.equal(s.query.findEditions({ language: 'de' }).length, 0, 'languages match whole tags');
    assert.equal(s.query.findEditions({ editionId: 'professional', build: 19045, arch: 'x64' }).length, 1);
    s.sources.remove('a');
    assert.equal((s.db.prepare('SELECT count(*) n FROM editions').get() as { n: number }).n, 0);
    s.close();
  });
});
