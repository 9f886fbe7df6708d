import type { Db } from './db.js';
import { NotFoundError } from './errors.js';

/** One ISO as listed. */
export interface IsoSummary {
  readonly id: number;
  readonly source: string;
  readonly path: string;
  readonly size: number;
  readonly kind: string;
  readonly label: string | null;
  readonly editions: number;
  readonly missing: boolean;
  readonly error: string | null;
  readonly lastSeenAt: string;
}

/** One ISO with everything cataloged about it. */
export interface IsoDetail extends IsoSummary {
  readonly mtimeMs: number;
  readonly fingerprint: string;
  readonly fileSystems: string[];
  readonly udfRevision: string | null;
  readonly boot: unknown;
  readonly installImage: unknown;
  readonly errorCode: string | null;
  readonly bytesRead: number;
  readonly firstSeenAt: string;
  readonly inspectedAt: string;
  readonly editionList: EditionMatch[];
  readonly langpacks: { path: string; locale: string; arch: string | null; edition: string | null }[];
  readonly tools: { family: string; version: string | null } | null;
  readonly linux: { distro: string; release: string | null; codename: string | null; arch: string | null; kernelPath: string | null; initrdPath: string | null } | null;
}

/** A Windows edition found by `catalog find`, with where it lives. */
export interface EditionMatch {
  readonly isoId: number;
  readonly source: string;
  readonly isoPath: string;
  readonly imagePath: string;
  readonly index: number;
  readonly name: string | null;
  readonly editionId: string | null;
  readonly arch: string | null;
  readonly version: string | null;
  readonly build: number | null;
  readonly languages: string[];
  readonly defaultLanguage: string | null;
  readonly installationType: string | null;
}

/** Filters shared by list and find; all optional, combined with AND. */
export interface CatalogFilter {
  readonly source?: string;
  readonly kind?: string;
  readonly editionId?: string;
  readonly arch?: string;
  readonly language?: string;
  readonly build?: number;
  readonly name?: string;
  readonly includeMissing?: boolean;
}

const LIKE_ESCAPE = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Read-only catalog queries. */
export class CatalogQuery {
  constructor(private readonly db: Db) {}

  /** ISOs matching a filter (name matches the path or volume label). */
  listIsos(f: CatalogFilter = {}): IsoSummary[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (!f.includeMissing) where.push('i.missing = 0');
    if (f.source) (where.push('s.name = ?'), args.push(f.source));
    if (f.kind) (where.push('i.kind = ?'), args.push(f.kind));
    if (f.name) (where.push("(i.path LIKE ? ESCAPE '\\' OR i.volume_label LIKE ? ESCAPE '\\')"), args.push(LIKE_ESCAPE(f.name), LIKE_ESCAPE(f.name)));
    const sql = `SELECT i.id, s.name AS source, i.path, i.size, i.kind, i.volume_label, i.missing, i.error_message, i.last_seen_at,
        (SELECT count(*) FROM editions e WHERE e.iso_id = i.id) AS editions
      FROM isos i JOIN sources s ON s.id = i.source_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.name, i.path`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map((r) => ({
      id: r.id as number, source: r.source as string, path: r.path as string, size: r.size as number, kind: r.kind as string,
      label: r.volume_label as string | null, editions: r.editions as number, missing: r.missing !== 0,
      error: r.error_message as string | null, lastSeenAt: r.last_seen_at as string,
    }));
  }

  /** Windows editions matching a filter (name matches the edition name). */
  findEditions(f: CatalogFilter = {}): EditionMatch[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (!f.includeMissing) where.push('i.missing = 0');
    if (f.source) (where.push('s.name = ?'), args.push(f.source));
    if (f.editionId) (where.push('lower(e.edition_id) = lower(?)'), args.push(f.editionId));
    if (f.arch) (where.push('e.arch = ?'), args.push(f.arch));
    if (f.build !== undefined) (where.push('e.build = ?'), args.push(f.build));
    if (f.language) (where.push("lower(e.languages) LIKE lower(?) ESCAPE '\\'"), args.push(LIKE_ESCAPE(`"${f.language}"`)));
    if (f.name) (where.push("e.name LIKE ? ESCAPE '\\'"), args.push(LIKE_ESCAPE(f.name)));
    const sql = `SELECT e.*, i.path AS iso_path, s.name AS source FROM editions e JOIN isos i ON i.id = e.iso_id JOIN sources s ON s.id = i.source_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.edition_id, e.arch, e.build, s.name, i.path, e.image_index`;
    return (this.db.prepare(sql).all(...args) as Record<string, unknown>[]).map(toEdition);
  }

  /** One ISO by id, or by `source:path`. */
  getIso(ref: string): IsoDetail {
    const byId = /^\d+$/.test(ref);
    const colon = ref.indexOf(':');
    const row = (byId
      ? this.db.prepare('SELECT i.*, s.name AS source FROM isos i JOIN sources s ON s.id = i.source_id WHERE i.id = ?').get(Number(ref))
      : colon > 0
        ? this.db.prepare('SELECT i.*, s.name AS source FROM isos i JOIN sources s ON s.id = i.source_id WHERE s.name = ? AND i.path = ?').get(ref.slice(0, colon), ref.slice(colon + 1))
        : undefined) as Record<string, unknown> | undefined;
    if (!row) throw new NotFoundError('ISO', ref);
    const id = row.id as number;
    const editions = (this.db.prepare('SELECT e.*, ? AS iso_path, ? AS source FROM editions e WHERE iso_id = ? ORDER BY image_path, image_index').all(row.path, row.source, id) as Record<string, unknown>[]).map(toEdition);
    const tools = this.db.prepare('SELECT family, version FROM tools_isos WHERE iso_id = ?').get(id) as IsoDetail['tools'] | undefined;
    const linux = this.db.prepare('SELECT distro, release, codename, arch, kernel_path AS kernelPath, initrd_path AS initrdPath FROM linux_trees WHERE iso_id = ?').get(id) as IsoDetail['linux'] | undefined;
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : null);
    return {
      id, source: row.source as string, path: row.path as string, size: row.size as number, kind: row.kind as string,
      label: row.volume_label as string | null, editions: editions.length, missing: row.missing !== 0,
      error: row.error_message as string | null, lastSeenAt: row.last_seen_at as string, mtimeMs: row.mtime_ms as number,
      fingerprint: row.fingerprint as string, fileSystems: parse(row.file_systems) ?? [], udfRevision: row.udf_revision as string | null,
      boot: parse(row.boot), installImage: parse(row.install_image), errorCode: row.error_code as string | null,
      bytesRead: row.bytes_read as number, firstSeenAt: row.first_seen_at as string, inspectedAt: row.inspected_at as string,
      editionList: editions,
      langpacks: this.db.prepare('SELECT path, locale, arch, edition FROM langpacks WHERE iso_id = ? ORDER BY locale, arch').all(id) as IsoDetail['langpacks'],
      tools: tools ?? null,
      linux: linux ?? null,
    };
  }
}

function toEdition(r: Record<string, unknown>): EditionMatch {
  const v = [r.major, r.minor, r.build, r.sp_build];
  return {
    isoId: r.iso_id as number, source: r.source as string, isoPath: r.iso_path as string, imagePath: r.image_path as string,
    index: r.image_index as number, name: r.name as string | null, editionId: r.edition_id as string | null, arch: r.arch as string | null,
    version: v.every((x) => x !== null) ? v.join('.') : null, build: r.build as number | null,
    languages: JSON.parse((r.languages as string) ?? '[]') as string[], defaultLanguage: r.default_language as string | null,
    installationType: r.installation_type as string | null,
  };
}
