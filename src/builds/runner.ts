import type { Logger } from '../log/index.js';
import { HypervisorError, HvNotFoundError, type HypervisorDriver } from '../hypervisors/index.js';
import type { BuildRow, Store } from '../store/index.js';
import type { BuildSpec } from './spec.js';
import { nextStage, type Stage } from './stages.js';
import { findBuildVm, STEPS, type StepContext } from './steps.js';

/** What the runner needs. */
export interface BuildRunnerOptions {
  readonly store: Store;
  /** The driver of a stored hypervisor by name (cached by the caller or here). */
  readonly driver: (hypervisor: string) => Promise<HypervisorDriver>;
  readonly log: Logger;
  /** Between rounds over running builds (default 1000 ms). */
  readonly tickMs?: number;
  readonly now?: () => number;
}

/**
 * Drives every running build one stage at a time, persisting each stage as it is reached,
 * so vizor can be killed at any moment and pick up where it was: every step first looks
 * at what the platform already has (a VM with the build's tag, a template made from it).
 * Transient platform errors are retried on the next round until the stage's timeout; any
 * other error fails the build, which is then cleaned up unless it was started with keep.
 */
export class BuildRunner {
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(private readonly o: BuildRunnerOptions) {}

  /** Starts the rounds. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.round(), this.o.tickMs ?? 1000);
    this.timer.unref();
    void this.round();
  }

  /** Stops after the steps in progress; builds stay resumable. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** One pass over all running and cancelling builds (also used by tests). */
  async round(): Promise<void> {
    if (this.stopping) return;
    const builds = this.o.store.builds.list({ state: ['running', 'cancelling'] });
    await Promise.allSettled(builds.map((b) => this.advanceOnce(b.id)));
  }

  /** Advances one build unless a step of it is already in progress. */
  advanceOnce(id: string): Promise<void> {
    const running = this.inFlight.get(id);
    if (running) return running;
    const p = this.advance(id).finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, p);
    return p;
  }

  private async advance(id: string): Promise<void> {
    const build = this.o.store.builds.get(id);
    const spec = build.spec as unknown as BuildSpec;
    if (build.state === 'cancelling') {
      await this.cleanup(build, spec, 'cancelled');
      this.o.store.builds.setState(id, 'cancelled');
      this.forgetBuildSecret(spec);
      return;
    }
    if (build.state !== 'running') return;
    // One stage per round: each reached stage is on disk before the next begins.
    const next = nextStage(build.stage, build.family, spec.publish) as Exclude<Stage, 'created'> | null;
    if (!next) {
      this.o.store.builds.setState(id, 'done');
      this.forgetBuildSecret(spec);
      this.o.log.info({ build: id, template: build.templateId }, 'build done');
      return;
    }
    const limit = spec.timeouts[next] ?? 0;
    const elapsed = ((this.o.now?.() ?? Date.now()) - Date.parse(build.stageStartedAt)) / 1000;
    let result;
    try {
      const driver = await this.o.driver(build.hypervisor);
      const ctx: StepContext = { store: this.o.store, driver, build, spec };
      result = await STEPS[next](ctx);
    } catch (err) {
      if (err instanceof HypervisorError && err.transient && (limit === 0 || elapsed < limit)) {
        this.o.store.builds.event(id, build.stage, 'retry', { next, error: err.message, code: err.code });
        return;
      }
      await this.fail(build, spec, next, err instanceof Error ? err.message : String(err));
      return;
    }
    if (!result.reached) {
      if (limit > 0 && elapsed > limit) await this.fail(build, spec, next, `timed out after ${limit} s waiting for stage ${next}`);
      return;
    }
    // A cancel that came in while the step ran wins: the next round cleans up.
    if (this.o.store.builds.get(id).state !== 'running') return;
    this.o.store.builds.setStage(id, next, result.detail ?? {});
    this.o.log.info({ build: id, stage: next, ...result.detail }, 'build stage reached');
  }

  /** The Administrator password `build start` stored for this build alone is not needed after it (a failed build keeps it for retry). */
  private forgetBuildSecret(spec: BuildSpec): void {
    if (spec.adminPasswordSecret?.startsWith('build-admin:')) this.o.store.secrets.remove(spec.adminPasswordSecret);
  }

  private async fail(build: BuildRow, spec: BuildSpec, stage: string, reason: string): Promise<void> {
    this.o.log.error({ build: build.id, stage, reason }, 'build failed');
    this.o.store.builds.event(build.id, build.stage, 'error', { stage, reason });
    await this.cleanup(build, spec, 'failed').catch((err) => this.o.store.builds.event(build.id, build.stage, 'cleanup-error', { error: (err as Error).message }));
    this.o.store.builds.setState(build.id, 'failed', `${stage}: ${reason}`);
  }

  /** Removes what the build made (VM, template; the node's install task, and with it its shares and token) unless keep was asked. */
  private async cleanup(build: BuildRow, spec: BuildSpec, why: 'failed' | 'cancelled'): Promise<void> {
    // The node keeps its boot timeline for diagnosis; its install task (and token, shares) ends.
    if (build.mac && this.o.store.nodes.find(build.mac)) this.o.store.nodes.setTask(build.mac, { kind: 'local' });
    if (spec.keep) {
      this.o.store.builds.event(build.id, build.stage, 'kept', { why, vmId: build.vmId });
      return;
    }
    const driver = await this.o.driver(build.hypervisor);
    const ctx: StepContext = { store: this.o.store, driver, build, spec };
    const vm = await findBuildVm(ctx);
    if (vm) {
      await driver.destroy(vm.id);
      this.o.store.instances.setState(build.hypervisor, vm.id, 'destroyed');
    }
    if (build.templateId && build.stage !== 'published') {
      await driver.deleteTemplate(build.templateId).catch((err) => {
        if (!(err instanceof HvNotFoundError)) throw err;
      });
      const t = this.o.store.templates.byPlatform(build.hypervisor, build.templateId);
      if (t) this.o.store.templates.setState(t.id, 'deleted');
    }
    this.o.store.builds.setFacts(build.id, { vmId: null });
    this.o.store.builds.event(build.id, build.stage, 'cleaned', { why, vm: vm?.id ?? null });
  }
}
