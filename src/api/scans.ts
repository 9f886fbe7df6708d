import type { Logger } from '../log/index.js';
import type { ScanCounts, ScanRun, SourceRow, Store } from '../store/index.js';
import { scanSources, type ScanEvent } from '../catalog/index.js';
import { ScanRunningError } from './errors.js';

/** A scan's progress as the API reports it (live while running, from the store after). */
export interface ScanProgress {
  readonly id: number;
  readonly status: ScanRun['status'];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly sources: string[];
  /** ISOs found by the walks so far (null for runs this process did not start). */
  readonly found: number | null;
  /** ISOs handled so far. */
  readonly processed: number;
  readonly current: string | null;
  readonly counts: ScanCounts;
  readonly errors: { source: string; path: string | null; code: string; message: string }[];
}

/** Options of the scan runner. */
export interface ScanJobsOptions {
  readonly store: Store;
  readonly log: Logger;
  readonly concurrency: number;
  readonly mountRoot: string;
  readonly smbClient: 'auto' | 'kernel' | 'userspace';
  readonly password: (secretName: string) => string | null;
}

interface Job {
  live: ScanProgress | null;
  final: ScanProgress | null;
  done: Promise<void>;
}

const zero = (): ScanCounts => ({ new: 0, changed: 0, unchanged: 0, renamed: 0, missing: 0, failed: 0, bytesRead: 0 });
// Finished runs kept in memory (for their `found` count); older ones come from the store.
const KEEP = 20;

/** Runs catalog scans in the background, one at a time, and reports their progress. */
export class ScanJobs {
  private readonly jobs = new Map<number, Job>();
  private running: number | null = null;

  constructor(private readonly o: ScanJobsOptions) {}

  /** Starts scanning `sources` and returns the run's progress at once. */
  start(sources: readonly SourceRow[], concurrency?: number): ScanProgress {
    if (this.running !== null) throw new ScanRunningError(this.running);
    const job: Job = { live: null, final: null, done: Promise.resolve() };
    // The first events arrive before scanSources returns; they wait here until `live` exists.
    const early: ScanEvent[] = [];
    const onEvent = (e: ScanEvent) => (job.live ? (job.live = advance(job.live, e)) : early.push(e));
    const run = scanSources(this.o.store, sources, {
      concurrency: concurrency ?? this.o.concurrency, mountRoot: this.o.mountRoot, smbClient: this.o.smbClient, password: this.o.password, onEvent,
    });
    // scanSources records its run before its first await, so the newest run is this one.
    const row = this.o.store.scans.list(1)[0]!;
    const id = row.id;
    job.live = early.reduce(advance, { id, status: 'running', startedAt: row.startedAt, finishedAt: null, sources: row.sources, found: 0, processed: 0, current: null, counts: zero(), errors: [] } as ScanProgress);
    this.running = id;
    job.done = run
      .then(() => undefined, (err: unknown) => this.o.log.error({ err, runId: id }, 'catalog scan failed'))
      .finally(() => {
        let stored: ScanRun | undefined;
        try {
          stored = this.o.store.scans.list(KEEP).find((r) => r.id === id);
        } catch {
          // The store closed under a scan (shutdown): report what was seen.
        }
        job.final = stored ? { ...fromRun(stored), found: job.live!.found } : { ...job.live!, status: 'failed', finishedAt: new Date().toISOString(), current: null };
        this.running = null;
      });
    this.jobs.set(id, job);
    for (const old of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - KEEP))) this.jobs.delete(old);
    return job.live;
  }

  /** A scan's progress: live when this process runs it, else as stored; null when unknown. */
  get(id: number): ScanProgress | null {
    const job = this.jobs.get(id);
    if (job) return job.final ?? job.live;
    const stored = this.o.store.scans.list(1000).find((r) => r.id === id);
    return stored ? fromRun(stored) : null;
  }

  /** Recent runs, newest first. */
  list(limit: number): ScanProgress[] {
    return this.o.store.scans.list(limit).map((r) => this.get(r.id) ?? fromRun(r));
  }

  /** Resolves when no scan is running (for shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }
}

function advance(p: ScanProgress, e: ScanEvent): ScanProgress {
  switch (e.type) {
    case 'source-start':
      return { ...p, current: e.source };
    case 'source-listed':
      return { ...p, found: (p.found ?? 0) + e.isos };
    case 'iso': {
      const counts = { ...p.counts, bytesRead: p.counts.bytesRead + e.bytesRead };
      counts[e.outcome]++;
      return { ...p, processed: p.processed + 1, counts, current: `${e.source}:${e.path}` };
    }
    case 'source-failed':
      return { ...p, errors: [...p.errors, { source: e.source, path: null, code: e.code, message: e.message }] };
    case 'source-done':
      return { ...p, counts: { ...p.counts, missing: p.counts.missing + e.missing }, current: null };
  }
}

function fromRun(r: ScanRun): ScanProgress {
  const counts = { new: r.new, changed: r.changed, unchanged: r.unchanged, renamed: r.renamed, missing: r.missing, failed: r.failed, bytesRead: r.bytesRead };
  return {
    id: r.id, status: r.status, startedAt: r.startedAt, finishedAt: r.finishedAt, sources: r.sources, found: null,
    processed: r.new + r.changed + r.unchanged + r.renamed + r.failed, current: null, counts, errors: r.errors,
  };
}
