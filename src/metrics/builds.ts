import { Gauge, Histogram, type Registry } from 'prom-client';
import type { BuildEvent, BuildRow, BuildState } from '../store/index.js';
import { registry as shared } from './instruments.js';

/** What build metrics read at scrape time; Store satisfies it. */
export interface BuildMetricsSource {
  readonly builds: {
    list(): BuildRow[];
    events(id: string, afterId?: number, limit?: number): BuildEvent[];
  };
}

const STATES: readonly BuildState[] = ['running', 'done', 'failed', 'cancelling', 'cancelled'];
const TERMINAL = new Set<BuildState>(['done', 'failed', 'cancelled']);

/** [stage reached, seconds it took to reach it from the stage before]. */
type StageTimes = readonly (readonly [string, number])[];

/**
 * Seconds between consecutive stage events of one build, labelled by the stage reached
 * (the same reading as DEFAULT_STAGE_TIMEOUTS: time allowed to reach each stage).
 */
export function stageDurations(events: readonly BuildEvent[]): StageTimes {
  const stages = events.filter((e) => e.kind === 'stage');
  const out: [string, number][] = [];
  for (let i = 1; i < stages.length; i++) {
    const s = (Date.parse(stages[i]!.at) - Date.parse(stages[i - 1]!.at)) / 1000;
    if (Number.isFinite(s) && s >= 0) out.push([stages[i]!.stage, s]);
  }
  return out;
}

/** The source's builds, or none when its store is closing (a scrape must not fail for it). */
function listed(src: BuildMetricsSource): BuildRow[] {
  try {
    return src.builds.list();
  } catch {
    return [];
  }
}

function allEvents(src: BuildMetricsSource, id: string): BuildEvent[] {
  const out: BuildEvent[] = [];
  for (;;) {
    const page = src.builds.events(id, out.at(-1)?.id ?? 0, 1000);
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

/**
 * Build gauges and stage histogram of one registry. Both are computed when scraped, from
 * the store, so they cover builds of earlier runs too. The histogram is rebuilt from all
 * stored builds at each scrape; it only grows while builds are kept, which is what
 * Prometheus expects of a histogram (deleting builds reads as a counter reset).
 */
class BuildCollector {
  readonly sources = new Set<BuildMetricsSource>();
  /** Stage times of finished builds per source: their events no longer change. */
  private readonly finished = new WeakMap<BuildMetricsSource, Map<string, StageTimes>>();

  constructor(registry: Registry) {
    const self = this;
    new Gauge({
      name: 'vizor_builds',
      help: 'Builds in the store, by state.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const counts = new Map<string, number>(STATES.map((s) => [s, 0]));
        for (const src of self.sources) for (const b of listed(src)) counts.set(b.state, (counts.get(b.state) ?? 0) + 1);
        for (const [state, n] of counts) this.set({ state }, n);
      },
    });
    new Histogram({
      name: 'vizor_build_stage_duration_seconds',
      help: 'Seconds each build took to reach a stage from the stage before, by stage reached (from stored build events).',
      labelNames: ['stage'],
      buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 21600],
      registers: [registry],
      collect() {
        this.reset();
        for (const src of self.sources) for (const [stage, s] of self.times(src)) this.observe({ stage }, s);
      },
    });
  }

  private times(src: BuildMetricsSource): (readonly [string, number])[] {
    let cache = this.finished.get(src);
    if (!cache) this.finished.set(src, (cache = new Map()));
    const out: (readonly [string, number])[] = [];
    for (const b of listed(src)) {
      let t = cache.get(b.id);
      if (!t) {
        t = stageDurations(allEvents(src, b.id));
        if (TERMINAL.has(b.state)) cache.set(b.id, t);
      }
      out.push(...t);
    }
    return out;
  }
}

const collectors = new WeakMap<Registry, BuildCollector>();

/**
 * Reports `store`'s builds on `registry` (default: the one /metrics serves): a gauge of
 * builds by state and a histogram of stage durations, both read when scraped. Returns a
 * function that stops reporting this store (call it when the store closes).
 */
export function collectBuildMetrics(store: BuildMetricsSource, registry: Registry = shared): () => void {
  let c = collectors.get(registry);
  if (!c) collectors.set(registry, (c = new BuildCollector(registry)));
  c.sources.add(store);
  const collector = c;
  return () => void collector.sources.delete(store);
}
