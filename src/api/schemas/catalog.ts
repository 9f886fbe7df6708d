import { z } from 'zod';
import type { SourceRow } from '../../store/index.js';
import { queryFlag, resourceName, timestamp } from './common.js';

/** A source as the API shows it: whether a password is stored, never the password. */
export const sourceView = z
  .object({
    id: z.number().int(),
    name: z.string(),
    kind: z.enum(['file', 'smb', 'nfs']),
    url: z.string().meta({ description: 'never carries a password' }),
    hasSecret: z.boolean(),
    createdAt: timestamp,
    lastScanAt: timestamp.nullable(),
  })
  .meta({ id: 'Source' });

/** A source with its catalog counts. */
export const sourceDetail = sourceView.extend({ isos: z.number().int(), missing: z.number().int() }).meta({ id: 'SourceDetail' });

/** `POST /sources`. */
export const sourceCreate = z.strictObject({
  name: resourceName,
  url: z.string().min(1).meta({ description: 'file:///path, smb://[domain;]user@host[:port]/share/path or nfs://host/export/path' }),
  password: z.string().min(1).optional().meta({ description: 'SMB password; write-only, stored encrypted', writeOnly: true }),
});

/** `POST /sources/{name}/test`. */
export const sourceTest = z
  .object({
    ok: z.boolean(),
    source: z.string(),
    isos: z.number().int(),
    truncated: z.boolean(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
  })
  .meta({ id: 'SourceTestResult' });

/** The API view of a source row. */
export function toSourceView(r: SourceRow): z.input<typeof sourceView> {
  return { id: r.id, name: r.name, kind: r.kind, url: r.url, hasSecret: r.secretName !== null, createdAt: r.createdAt, lastScanAt: r.lastScanAt };
}

/** Filters of the ISO and edition lists (strings, as query parameters arrive). */
export const catalogQuery = z.object({
  source: z.string().optional(),
  kind: z.string().optional().meta({ description: 'windows-install, windows-langpack, guest-tools, linux-installer, other, unreadable' }),
  editionId: z.string().optional(),
  arch: z.string().optional(),
  language: z.string().optional(),
  build: z.coerce.number().int().min(0).optional(),
  name: z.string().optional().meta({ description: 'path, label or edition name contains this' }),
  includeMissing: queryFlag,
});

/** One ISO as listed. */
export const isoSummary = z
  .object({
    id: z.number().int(),
    source: z.string(),
    path: z.string(),
    size: z.number(),
    kind: z.string(),
    label: z.string().nullable(),
    editions: z.number().int(),
    missing: z.boolean(),
    error: z.string().nullable(),
    lastSeenAt: timestamp,
  })
  .meta({ id: 'IsoSummary' });

/** A Windows edition and where it lives. */
export const editionMatch = z
  .object({
    isoId: z.number().int(),
    source: z.string(),
    isoPath: z.string(),
    imagePath: z.string(),
    index: z.number().int(),
    name: z.string().nullable(),
    editionId: z.string().nullable(),
    arch: z.string().nullable(),
    version: z.string().nullable(),
    build: z.number().int().nullable(),
    languages: z.array(z.string()),
    defaultLanguage: z.string().nullable(),
    installationType: z.string().nullable(),
  })
  .meta({ id: 'Edition' });

/** One ISO with everything cataloged about it. */
export const isoDetail = isoSummary
  .extend({
    mtimeMs: z.number(),
    fingerprint: z.string(),
    fileSystems: z.array(z.string()),
    udfRevision: z.string().nullable(),
    boot: z.unknown(),
    installImage: z.unknown(),
    errorCode: z.string().nullable(),
    bytesRead: z.number(),
    firstSeenAt: timestamp,
    inspectedAt: timestamp,
    editionList: z.array(editionMatch),
    langpacks: z.array(z.object({ path: z.string(), locale: z.string(), arch: z.string().nullable(), edition: z.string().nullable() })),
    tools: z.object({ family: z.string(), version: z.string().nullable() }).nullable(),
    linux: z
      .object({
        distro: z.string(), release: z.string().nullable(), codename: z.string().nullable(), arch: z.string().nullable(),
        kernelPath: z.string().nullable(), initrdPath: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'IsoDetail' });

const counts = {
  new: z.number().int(), changed: z.number().int(), unchanged: z.number().int(), renamed: z.number().int(),
  missing: z.number().int(), failed: z.number().int(), bytesRead: z.number(),
};

/** A catalog scan: live progress while it runs, its outcome after. */
export const scanView = z
  .object({
    id: z.number().int(),
    status: z.enum(['running', 'done', 'failed', 'interrupted']),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    sources: z.array(z.string()),
    found: z.number().int().nullable().meta({ description: 'ISOs the walks found so far (null for runs another process made)' }),
    processed: z.number().int(),
    current: z.string().nullable(),
    counts: z.object(counts),
    errors: z.array(z.object({ source: z.string(), path: z.string().nullable(), code: z.string(), message: z.string() })),
  })
  .meta({ id: 'Scan' });

/** `POST /catalog/scans`. */
export const scanCreate = z.strictObject({
  sources: z.array(z.string().min(1)).optional().meta({ description: 'source names; default: all' }),
  concurrency: z.number().int().min(1).max(64).optional(),
});
