import type { Db } from './db.js';
import { now } from './db.js';
import { AlreadyExistsError, NotFoundError } from './errors.js';

/** Kinds of place vizor reads ISOs from. */
export type SourceKind = 'file' | 'smb' | 'nfs';

/** A configured ISO source. `url` never carries a password. */
export interface SourceRow {
  readonly id: number;
  readonly name: string;
  readonly kind: SourceKind;
  readonly url: string;
  /** Name of the secret holding the password, if any. */
  readonly secretName: string | null;
  readonly createdAt: string;
  readonly lastScanAt: string | null;
}

interface Raw {
  id: number;
  name: string;
  kind: SourceKind;
  url: string;
  secret_name: string | null;
  created_at: string;
  last_scan_at: string | null;
}

const toRow = (r: Raw): SourceRow => ({ id: r.id, name: r.name, kind: r.kind, url: r.url, secretName: r.secret_name, createdAt: r.created_at, lastScanAt: r.last_scan_at });

/** Sources table access. */
export class SourceRepo {
  constructor(private readonly db: Db) {}

  /** Adds a source; names are unique. */
  add(s: { name: string; kind: SourceKind; url: string; secretName: string | null }): SourceRow {
    try {
      this.db.prepare('INSERT INTO sources (name, kind, url, secret_name, created_at) VALUES (?, ?, ?, ?, ?)').run(s.name, s.kind, s.url, s.secretName, now());
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new AlreadyExistsError('source', s.name);
      throw err;
    }
    return this.get(s.name);
  }

  /** All sources, by name. */
  list(): SourceRow[] {
    return (this.db.prepare('SELECT * FROM sources ORDER BY name').all() as Raw[]).map(toRow);
  }

  /** One source by name, or NotFoundError. */
  get(name: string): SourceRow {
    const r = this.db.prepare('SELECT * FROM sources WHERE name = ?').get(name) as Raw | undefined;
    if (!r) throw new NotFoundError('source', name);
    return toRow(r);
  }

  /** Removes a source and, through the foreign keys, everything cataloged from it. */
  remove(name: string): void {
    const res = this.db.prepare('DELETE FROM sources WHERE name = ?').run(name);
    if (res.changes === 0) throw new NotFoundError('source', name);
  }

  /** Records that a scan of the source completed. */
  markScanned(id: number, at: string): void {
    this.db.prepare('UPDATE sources SET last_scan_at = ? WHERE id = ?').run(at, id);
  }
}
