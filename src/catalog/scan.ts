import { inspectImage, MediaImage, type RandomAccessSource } from '../media/index.js';
import { sharedMetrics, type CatalogMetrics } from '../metrics/index.js';
import { now, type KnownIso, type ScanCounts, type SourceRow, type Store } from '../store/index.js';
import { openAccess, type FoundIso, type SourceAccess } from './access.js';
import { fingerprint, recordFromReport, unreadableRecord } from './record.js';
import { parseSourceUrl } from './url.js';

/** What happened to one ISO in a scan. */
export type IsoOutcome = 'new' | 'changed' | 'unchanged' | 'renamed' | 'failed';

/** Progress events; the CLI draws a bar from them on a TTY and prints them as JSON otherwise. */
export type ScanEvent =
  | { type: 'source-start'; source: string }
  | { type: 'source-listed'; source: string; isos: number }
  | { type: 'iso'; source: string; path: string; outcome: IsoOutcome; bytesRead: number; error?: string }
  | { type: 'source-failed'; source: string; code: string; message: string }
  | { type: 'source-done'; source: string; missing: number };

/** Options for a scan. */
export interface ScanOptions {
  readonly concurrency: number;
  /** Folder under which NFS exports are mounted during a scan. */
  readonly mountRoot: string;
  /** Looks up a source's password by secret name. */
  readonly password: (secretName: string) => string | null;
  readonly onEvent?: (e: ScanEvent) => void;
  /** How SMB sources are read (default 'auto'). */
  readonly smbClient?: 'auto' | 'kernel' | 'userspace';
  /** Observes the scan's duration; default the shared instruments behind /metrics. */
  readonly metrics?: CatalogMetrics;
}

/** The summary of a scan run. */
export interface ScanSummary extends ScanCounts {
  readonly runId: number;
  readonly failures: { source: string; path: string | null; code: string; message: string }[];
}

function errCode(err: unknown): string {
  const c = (err as { code?: unknown }).code;
  return typeof c === 'string' ? c : 'INTERNAL';
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/**
 * Scans sources for ISOs and brings the catalog up to date. Unchanged ISOs (same size,
 * mtime and fingerprint) are not re-read; a moved ISO is recognised by its fingerprint;
 * ISOs no longer found are marked missing only after a complete walk of their source.
 * Each ISO is written in its own transaction, so an interrupted scan leaves a
 * consistent catalog. One unreadable ISO or source never stops the others.
 */
export async function scanSources(store: Store, sources: readonly SourceRow[], opts: ScanOptions): Promise<ScanSummary> {
  const emit = opts.onEvent ?? (() => undefined);
  const started = performance.now();
  const runId = store.scans.start(sources.map((s) => s.name));
  const counts: ScanCounts = { new: 0, changed: 0, unchanged: 0, renamed: 0, missing: 0, failed: 0, bytesRead: 0 };
  const failures: ScanSummary['failures'] = [];
  const fail = (source: string, path: string | null, code: string, message: string) => {
    failures.push({ source, path, code, message });
    store.scans.addError(runId, source, path, code, message);
  };

  for (const source of sources) {
    emit({ type: 'source-start', source: source.name });
    let access: SourceAccess;
    try {
      const password = source.secretName ? opts.password(source.secretName) : null;
      access = await openAccess(source.name, parseSourceUrl(source.url).location, password, opts.mountRoot, opts.smbClient);
    } catch (err) {
      fail(source.name, null, errCode(err), (err as Error).message);
      emit({ type: 'source-failed', source: source.name, code: errCode(err), message: (err as Error).message });
      continue;
    }
    try {
      await scanOne(store, source, access, opts, counts, fail, emit);
    } finally {
      await access.close().catch(() => undefined);
    }
  }
  const status = failures.some((f) => f.path === null) ? 'failed' : 'done';
  store.scans.finish(runId, status, counts);
  (opts.metrics ?? sharedMetrics.catalog).scanDuration.observe({ status }, (performance.now() - started) / 1000);
  return { runId, ...counts, failures };
}

async function scanOne(
  store: Store,
  source: SourceRow,
  access: SourceAccess,
  opts: ScanOptions,
  counts: ScanCounts,
  fail: (source: string, path: string | null, code: string, message: string) => void,
  emit: (e: ScanEvent) => void,
): Promise<void> {
  const known = store.catalog.known(source.id);
  const found: FoundIso[] = [];
  let walkComplete = true;
  try {
    for await (const f of access.walk()) found.push(f);
  } catch (err) {
    walkComplete = false;
    fail(source.name, null, errCode(err), `listing stopped: ${(err as Error).message}`);
  }
  emit({ type: 'source-listed', source: source.name, isos: found.length });
  const foundPaths = new Set(found.map((f) => f.path));
  // Rows whose path vanished: candidates for a rename, else missing at the end.
  const vanished = [...known.values()].filter((k) => !foundPaths.has(k.path));
  const claimed = new Set<number>();

  await pool(found, opts.concurrency, async (f) => {
    const at = now();
    const k = known.get(f.path);
    let src: RandomAccessSource | null = null;
    let fp = `unread:${f.size}`;
    try {
      src = await access.open(f.path);
      fp = await fingerprint(src);
      if (k && k.size === f.size && k.mtimeMs === f.mtimeMs && k.fingerprint === fp) {
        store.catalog.touch(k.id, at);
        return done('unchanged', src.bytesRead);
      }
      if (!k) {
        const moved = vanished.find((v) => !claimed.has(v.id) && v.size === f.size && v.fingerprint === fp);
        if (moved) {
          claimed.add(moved.id);
          store.catalog.rename(moved.id, f.path, f.mtimeMs, at);
          return done('renamed', src.bytesRead);
        }
      }
      const image = await MediaImage.open(src);
      const report = await inspectImage(image);
      store.catalog.upsert(recordFromReport(source.id, f, fp, report, src.bytesRead), at);
      if (report.windows?.error) {
        fail(source.name, f.path, report.windows.error.code, report.windows.error.message);
        return done('failed', src.bytesRead, report.windows.error.message);
      }
      return done(k ? 'changed' : 'new', src.bytesRead);
    } catch (err) {
      const bytes = src?.bytesRead ?? 0;
      store.catalog.upsert(unreadableRecord(source.id, f, fp, errCode(err), (err as Error).message, bytes), at);
      fail(source.name, f.path, errCode(err), (err as Error).message);
      return done('failed', bytes, (err as Error).message);
    } finally {
      await src?.close().catch(() => undefined);
    }

    function done(outcome: IsoOutcome, bytesRead: number, error?: string): void {
      counts[outcome === 'failed' ? 'failed' : outcome]++;
      counts.bytesRead += bytesRead;
      emit({ type: 'iso', source: source.name, path: f.path, outcome, bytesRead, ...(error ? { error } : {}) });
    }
  });

  let missing = 0;
  if (walkComplete) {
    const gone = vanished.filter((v: KnownIso) => !claimed.has(v.id)).map((v) => v.id);
    missing = store.catalog.markMissing(gone);
    counts.missing += missing;
    store.sources.markScanned(source.id, now());
  }
  emit({ type: 'source-done', source: source.name, missing });
}
