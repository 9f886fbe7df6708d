import type { Db } from './db.js';
import { now } from './db.js';

/** Counts kept for a scan run. */
export interface ScanCounts {
  new: number;
  changed: number;
  unchanged: number;
  renamed: number;
  missing: number;
  failed: number;
  bytesRead: number;
}

/** A scan run as recorded. */
export interface ScanRun extends ScanCounts {
  readonly id: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: 'running' | 'done' | 'failed' | 'interrupted';
  readonly sources: string[];
  readonly errors: { source: string; path: string | null; code: string; message: string }[];
}

/** Scan-run bookkeeping. */
export class ScanRepo {
  constructor(private readonly db: Db) {}

  /** Starts a run; runs left 'running' by a process that died are marked interrupted. */
  start(sources: readonly string[]): number {
    return this.db.transaction(() => {
      this.db.prepare("UPDATE scan_runs SET status = 'interrupted', finished_at = ? WHERE status = 'running'").run(now());
      const r = this.db.prepare("INSERT INTO scan_runs (started_at, status, sources) VALUES (?, 'running', ?) RETURNING id").get(now(), JSON.stringify(sources)) as { id: number };
      return r.id;
    }).immediate();
  }

  /** Records a per-ISO or per-source failure. */
  addError(runId: number, source: string, path: string | null, code: string, message: string): void {
    this.db.prepare('INSERT INTO scan_errors (run_id, source_name, path, code, message) VALUES (?, ?, ?, ?, ?)').run(runId, source, path, code, message);
  }

  /** Ends a run with its counts. */
  finish(runId: number, status: 'done' | 'failed', c: ScanCounts): void {
    this.db
      .prepare(`UPDATE scan_runs SET finished_at = ?, status = ?, new_count = ?, changed_count = ?, unchanged_count = ?, renamed_count = ?,
        missing_count = ?, failed_count = ?, bytes_read = ? WHERE id = ?`)
      .run(now(), status, c.new, c.changed, c.unchanged, c.renamed, c.missing, c.failed, c.bytesRead, runId);
  }

  /** Most recent runs first. */
  list(limit = 20): ScanRun[] {
    const rows = this.db.prepare('SELECT * FROM scan_runs ORDER BY id DESC LIMIT ?').all(limit) as Record<string, unknown>[];
    return rows.map((r) => this.toRun(r));
  }

  private toRun(r: Record<string, unknown>): ScanRun {
    const errors = this.db.prepare('SELECT source_name AS source, path, code, message FROM scan_errors WHERE run_id = ? ORDER BY id').all(r.id) as ScanRun['errors'];
    return {
      id: r.id as number, startedAt: r.started_at as string, finishedAt: r.finished_at as string | null, status: r.status as ScanRun['status'],
      sources: JSON.parse(r.sources as string) as string[], new: r.new_count as number, changed: r.changed_count as number,
      unchanged: r.unchanged_count as number, renamed: r.renamed_count as number, missing: r.missing_count as number,
      failed: r.failed_count as number, bytesRead: r.bytes_read as number, errors,
    };
  }
}
