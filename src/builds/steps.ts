import type { HypervisorDriver, VmInfo } from '../hypervisors/index.js';
import { HvNotFoundError } from '../hypervisors/index.js';
import type { BuildRow, NodeTask, Store } from '../store/index.js';
import type { BuildSpec } from './spec.js';
import type { Stage } from './stages.js';

/** What a step needs. */
export interface StepContext {
  readonly store: Store;
  readonly driver: HypervisorDriver;
  readonly build: BuildRow;
  readonly spec: BuildSpec;
}

/** A step either reached its stage (with facts to record) or is still waiting. */
export type StepResult = { readonly reached: true; readonly detail?: Record<string, unknown> } | { readonly reached: false };

const WAITING: StepResult = { reached: false };

/** The build's VM on the platform: by recorded id, else by vizor's tag (a crash may have lost the id). */
export async function findBuildVm(c: StepContext): Promise<VmInfo | null> {
  if (c.build.vmId) {
    try {
      return await c.driver.getVm(c.build.vmId);
    } catch (err) {
      if (!(err instanceof HvNotFoundError)) throw err;
    }
  }
  const tagged = await c.driver.listVms({ owner: c.build.id });
  return tagged.find((v) => !v.isTemplate) ?? null;
}

/** The node task that makes the build's container install from its ISO. */
function installTask(c: StepContext): NodeTask {
  const { build, spec } = c;
  if (build.family === 'windows') {
    const { release, arch, ...values } = spec.values;
    return {
      kind: 'windows-install', isoId: build.isoId, token: build.token, version: release ?? spec.release ?? '', arch: arch ?? spec.arch ?? 'amd64',
      image: spec.image ?? { index: 1 }, adminPasswordSecret: spec.adminPasswordSecret ?? '', ...(Object.keys(values).length ? { values } : {}),
      ...(spec.sequence ? { sequence: spec.sequence } : {}),
    };
  }
  return { kind: 'linux-install', isoId: build.isoId, family: build.family, token: build.token, ...(Object.keys(spec.values).length ? { values: spec.values } : {}) };
}

/** Node events of some kinds for the build's MAC since this attempt began (a retry ignores the earlier ones). */
function nodeEvents(c: StepContext, kinds: readonly string[]): { kind: string; detail: Record<string, unknown> }[] {
  if (!c.build.mac) return [];
  return c.store.nodes.eventsSince(c.build.mac, c.store.builds.attemptStart(c.build.id).at, kinds);
}

async function container(c: StepContext): Promise<StepResult> {
  let vm = await findBuildVm(c);
  vm ??= await c.driver.createContainer({
    name: c.spec.container.name, vcpus: c.spec.container.vcpus, memoryMiB: c.spec.container.memoryMiB, diskGiB: c.spec.container.diskGiB,
    network: c.spec.container.network, firmware: c.spec.container.firmware, placement: c.spec.container.placement,
    tag: { role: 'build', owner: c.build.id }, description: `vizor build ${c.build.id}`,
    ...(c.spec.container.osType ? { osType: c.spec.container.osType } : c.build.family === 'windows' ? { osType: 'windows' } : {}),
  });
  const mac = vm.macs[0];
  if (!mac) throw new HvNotFoundError(`VM ${vm.id} has no network interface`, { platform: c.driver.kind });
  c.store.builds.setFacts(c.build.id, { vmId: vm.id, mac });
  const task = installTask(c);
  if (c.store.nodes.find(mac)) c.store.nodes.setTask(mac, task);
  else c.store.nodes.add({ mac, name: c.spec.container.name, task });
  c.store.instances.upsert({ name: vm.name, hypervisor: c.build.hypervisor, platformId: vm.id, role: 'build', owner: c.build.id, source: { isoId: c.build.isoId }, state: 'building' });
  return { reached: true, detail: { vmId: vm.id, mac } };
}

async function booting(c: StepContext): Promise<StepResult> {
  await c.driver.start(c.build.vmId!);
  return { reached: true };
}

function installer(c: StepContext): StepResult {
  const seen = nodeEvents(c, ['answer-fetch', 'install-stage']).some((e) => e.kind === 'answer-fetch' || e.detail.stage === 'installer-started');
  return seen ? { reached: true } : WAITING;
}

function setupDone(c: StepContext): StepResult {
  return nodeEvents(c, ['install-done']).length > 0 ? { reached: true } : WAITING;
}

/** Whether the guest's sequence reported an event like `want` during this attempt. */
function sequenceEnded(c: StepContext, want: (d: Record<string, unknown>) => boolean): boolean {
  return c.store.builds.eventsOfKind(c.build.id, 'sequence', c.store.builds.attemptStart(c.build.id).eventId).some((e) => want(e.detail));
}

function sequence(c: StepContext): StepResult {
  if (sequenceEnded(c, (d) => d.stage === 'sequence' && d.phase === 'end' && d.status === 'failed')) throw new SequenceFailed(c.build.id);
  return sequenceEnded(c, (d) => d.stage === 'sequence' && d.phase === 'end' && d.status === 'ok') ? { reached: true } : WAITING;
}

async function poweredOff(c: StepContext): Promise<StepResult> {
  const vm = await c.driver.getVm(c.build.vmId!);
  return vm.power === 'halted' ? { reached: true } : WAITING;
}

async function template(c: StepContext): Promise<StepResult> {
  let templateId = c.build.templateId;
  if (!templateId) {
    // A crash after the platform made the template but before vizor noted it: adopt it.
    const done = (await c.driver.listVms({ owner: c.build.id })).find((v) => v.isTemplate);
    if (done) templateId = done.id;
  }
  if (!templateId) {
    const vmId = c.build.vmId!;
    await c.driver.ejectIso(vmId).catch(() => undefined);
    await c.driver.setBootOrder(vmId, ['disk']);
    templateId = (await c.driver.convertToTemplate(vmId, c.spec.templateName)).id;
  }
  c.store.builds.setFacts(c.build.id, { templateId });
  c.store.templates.upsert({
    name: c.spec.templateName, hypervisor: c.build.hypervisor, platformId: templateId, buildId: c.build.id, isoId: c.build.isoId,
    source: { isoId: c.build.isoId, family: c.build.family, image: c.spec.image, values: c.spec.values },
  });
  if (c.build.vmId) c.store.instances.setState(c.build.hypervisor, c.build.vmId, 'templated');
  // The VM is a template now: its node keeps its boot timeline but no install task (the token dies).
  if (c.build.mac && c.store.nodes.find(c.build.mac)) c.store.nodes.setTask(c.build.mac, { kind: 'local' });
  return { reached: true, detail: { templateId } };
}

async function published(c: StepContext): Promise<StepResult> {
  await c.driver.publishTemplate(c.build.templateId!, true);
  const row = c.store.templates.byPlatform(c.build.hypervisor, c.build.templateId!);
  if (row) c.store.templates.setPublished(row.id, true);
  return { reached: true };
}

/** The sequence in the guest reported failure. */
export class SequenceFailed extends Error {
  constructor(buildId: string) {
    super(`the provisioner sequence of build ${buildId} failed (see vizor build logs ${buildId})`);
  }
}

/** The step that reaches each stage. */
export const STEPS: Readonly<Record<Exclude<Stage, 'created'>, (c: StepContext) => Promise<StepResult> | StepResult>> = {
  container,
  booting,
  installer,
  'setup-done': setupDone,
  sequence,
  sealed: (c) => (sequenceEnded(c, (d) => d.stage === 'sequence' && d.phase === 'end' && d.status === 'ok') ? { reached: true } : WAITING),
  'powered-off': poweredOff,
  template,
  published,
};
