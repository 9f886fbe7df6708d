import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';
import { StoreCorruptError, StoreOpenError, StoreTooNewError } from './errors.js';

/** An open vizor database. */
export type Db = Database.Database;

/**
 * Opens (creating if needed) the database at `file`, checks it, and applies pending
 * migrations in one transaction. A file that is not SQLite, fails its quick check, or
 * carries a schema newer than this build is refused with a clear error, never rewritten.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o750 });
    } catch (err) {
      throw new StoreOpenError(file, `cannot create its directory: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
    }
  }
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: false });
  } catch (err) {
    throw new StoreOpenError(file, `cannot open: ${(err as Error).message}`, { cause: err });
  }
  try {
    const version = checkDatabase(db, file);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, version);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function checkDatabase(db: Db, file: string): number {
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StoreCorruptError(file, `database fails its integrity check: ${String(check)}`);
  } catch (err) {
    if (err instanceof StoreCorruptError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreCorruptError(file, 'not a vizor database or corrupt (SQLite refuses it); restore a backup or move it aside', { cause: err });
    }
    throw new StoreOpenError(file, `cannot read: ${(err as Error).message}`, { cause: err });
  }
  if (version > LATEST_VERSION) throw new StoreTooNewError(file, version, LATEST_VERSION);
  if (version === 0) {
    // A non-empty database without our version stamp is someone else's file.
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0) throw new StoreCorruptError(file, 'has tables but no vizor schema version; refusing to touch it');
  }
  return version;
}

function migrate(db: Db, from: number): void {
  const pending = MIGRATIONS.filter((m) => m.version > from);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}

/** Current time as the ISO 8601 text the store keeps. */
export function now(): string {
  return new Date().toISOString();
}
