import type { Db } from './db.js';

/** One Windows edition as cataloged. */
export interface EditionRecord {
  readonly imagePath: string;
  readonly index: number;
  readonly name: string | null;
  readonly description: string | null;
  readonly editionId: string | null;
  readonly productName: string | null;
  readonly installationType: string | null;
  readonly arch: string | null;
  readonly major: number | null;
  readonly minor: number | null;
  readonly build: number | null;
  readonly spBuild: number | null;
  readonly languages: readonly string[];
  readonly defaultLanguage: string | null;
  readonly totalBytes: number | null;
}

/** Everything the scanner learned about one ISO. */
export interface IsoRecord {
  readonly sourceId: number;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly fingerprint: string;
  readonly volumeLabel: string | null;
  /** A media kind, or 'unreadable' when inspection failed. */
  readonly kind: string;
  readonly fileSystems: readonly string[];
  readonly udfRevision: string | null;
  readonly boot: unknown;
  readonly installImage: unknown;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly bytesRead: number;
  readonly editions: readonly EditionRecord[];
  readonly langpacks: readonly { path: string; locale: string; arch: string | null; edition: string | null }[];
  readonly tools: { family: string; version: string | null } | null;
  readonly linux: { distro: string; release: string | null; codename: string | null; arch: string | null; kernel: string | null; initrd: string | null } | null;
}

/** What the scanner needs to know about an ISO already in the catalog. */
export interface KnownIso {
  readonly id: number;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly fingerprint: string;
  readonly missing: boolean;
}

/** Writes scan results; each ISO and its children change in one transaction. */
export class CatalogWriter {
  constructor(private readonly db: Db) {}

  /** The ISOs known for a source, by path. */
  known(sourceId: number): Map<string, KnownIso> {
    const rows = this.db.prepare('SELECT id, path, size, mtime_ms, fingerprint, missing FROM isos WHERE source_id = ?').all(sourceId) as {
      id: number; path: string; size: number; mtime_ms: number; fingerprint: string; missing: number;
    }[];
    return new Map(rows.map((r) => [r.path, { id: r.id, path: r.path, size: r.size, mtimeMs: r.mtime_ms, fingerprint: r.fingerprint, missing: r.missing !== 0 }]));
  }

  /** Inserts or replaces an ISO with everything found on it. */
  upsert(rec: IsoRecord, at: string): number {
    return this.db.transaction(() => {
      const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
      const row = this.db
        .prepare(
          `INSERT INTO isos (source_id, path, size, mtime_ms, fingerprint, volume_label, kind, file_systems, udf_revision, boot,
             install_image, error_code, error_message, bytes_read, first_seen_at, last_seen_at, inspected_at, missing)
           VALUES (@sourceId, @path, @size, @mtimeMs, @fingerprint, @volumeLabel, @kind, @fileSystems, @udfRevision, @boot,
             @installImage, @errorCode, @errorMessage, @bytesRead, @at, @at, @at, 0)
           ON CONFLICT (source_id, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
             fingerprint = excluded.fingerprint, volume_label = excluded.volume_label, kind = excluded.kind,
             file_systems = excluded.file_systems, udf_revision = excluded.udf_revision, boot = excluded.boot,
             install_image = excluded.install_image, error_code = excluded.error_code, error_message = excluded.error_message,
             bytes_read = excluded.bytes_read, last_seen_at = excluded.last_seen_at, inspected_at = excluded.inspected_at, missing = 0
           RETURNING id`,
        )
        .get({
          sourceId: rec.sourceId, path: rec.path, size: rec.size, mtimeMs: rec.mtimeMs, fingerprint: rec.fingerprint,
          volumeLabel: rec.volumeLabel, kind: rec.kind, fileSystems: JSON.stringify(rec.fileSystems), udfRevision: rec.udfRevision,
          boot: json(rec.boot), installImage: json(rec.installImage), errorCode: rec.error?.code ?? null,
          errorMessage: rec.error?.message ?? null, bytesRead: rec.bytesRead, at,
        }) as { id: number };
      const id = row.id;
      for (const t of ['editions', 'langpacks', 'tools_isos', 'linux_trees']) this.db.prepare(`DELETE FROM ${t} WHERE iso_id = ?`).run(id);
      const ed = this.db.prepare(
        `INSERT INTO editions (iso_id, image_path, image_index, name, description, edition_id, product_name, installation_type, arch,
           major, minor, build, sp_build, languages, default_language, total_bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const e of rec.editions) {
        ed.run(id, e.imagePath, e.index, e.name, e.description, e.editionId, e.productName, e.installationType, e.arch,
          e.major, e.minor, e.build, e.spBuild, JSON.stringify(e.languages), e.defaultLanguage, e.totalBytes);
      }
      const lp = this.db.prepare('INSERT INTO langpacks (iso_id, path, locale, arch, edition) VALUES (?, ?, ?, ?, ?)');
      for (const p of rec.langpacks) lp.run(id, p.path, p.locale, p.arch, p.edition);
      if (rec.tools) this.db.prepare('INSERT INTO tools_isos (iso_id, family, version) VALUES (?, ?, ?)').run(id, rec.tools.family, rec.tools.version);
      if (rec.linux) {
        const l = rec.linux;
        this.db.prepare('INSERT INTO linux_trees (iso_id, distro, release, codename, arch, kernel_path, initrd_path) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(id, l.distro, l.release, l.codename, l.arch, l.kernel, l.initrd);
      }
      return id;
    }).immediate();
  }

  /** Marks an unchanged ISO as seen now (and present again if it was missing). */
  touch(id: number, at: string): void {
    this.db.prepare('UPDATE isos SET last_seen_at = ?, missing = 0 WHERE id = ?').run(at, id);
  }

  /** Moves an ISO found under a new path (same size and fingerprint) without re-reading it. */
  rename(id: number, path: string, mtimeMs: number, at: string): void {
    this.db.transaction(() => {
      // A stale row at the target path (missing earlier) gives way to the moved one.
      this.db.prepare('DELETE FROM isos WHERE path = ? AND source_id = (SELECT source_id FROM isos WHERE id = ?) AND id != ?').run(path, id, id);
      this.db.prepare('UPDATE isos SET path = ?, mtime_ms = ?, last_seen_at = ?, missing = 0 WHERE id = ?').run(path, mtimeMs, at, id);
    }).immediate();
  }

  /** Marks as missing the given ISOs; returns how many changed state. */
  markMissing(ids: readonly number[]): number {
    const stmt = this.db.prepare('UPDATE isos SET missing = 1 WHERE id = ? AND missing = 0');
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(id).changes, 0)).immediate();
  }
}
