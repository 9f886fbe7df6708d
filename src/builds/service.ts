import { randomBytes } from 'node:crypto';
import type { BuildRow, Store } from '../store/index.js';
import { BuildStateError } from './errors.js';
import { planBuild, type BuildRequest } from './spec.js';

/** Where a build's Windows Administrator password is kept while it runs. */
export interface BuildSecrets {
  set(name: string, value: string): void;
  remove(name: string): void;
}

/**
 * Validates and records a new build; a running `vizor serve` picks it up. A Windows
 * Administrator password given here is stored encrypted for this build alone (and deleted
 * again if the build is refused; the runner deletes it when the build is done).
 */
export function startBuild(store: Store, req: BuildRequest, admin?: { password: string; secrets: BuildSecrets }): BuildRow {
  let secretName: string | undefined;
  if (admin) {
    secretName = `build-admin:${randomBytes(6).toString('hex')}`;
    admin.secrets.set(secretName, admin.password);
  }
  try {
    const full = secretName ? { ...req, adminPasswordSecret: secretName } : req;
    const plan = planBuild(store, full);
    return store.builds.add({ id: plan.id, hypervisor: plan.hypervisor, profile: req.profile, isoId: req.isoId, family: plan.family, spec: plan.spec as unknown as Record<string, unknown>, token: plan.token });
  } catch (err) {
    if (secretName) admin!.secrets.remove(secretName);
    throw err;
  }
}

/** Asks the runner to stop a build and remove what it made (unless keep). */
export function cancelBuild(store: Store, id: string): BuildRow {
  const b = store.builds.get(id);
  if (b.state !== 'running') throw new BuildStateError(`build ${id} is ${b.state}: only a running build can be cancelled`);
  store.builds.setState(id, 'cancelling');
  return store.builds.get(id);
}

/**
 * Runs a failed or cancelled build again from the start; a VM kept with --keep is adopted
 * (found by the build's tag) rather than created twice.
 */
export function retryBuild(store: Store, id: string): BuildRow {
  const b = store.builds.get(id);
  if (b.state !== 'failed' && b.state !== 'cancelled') throw new BuildStateError(`build ${id} is ${b.state}: only a failed or cancelled build can be retried`);
  store.builds.setStage(id, 'created', { retry: true });
  store.builds.setState(id, 'running');
  return store.builds.get(id);
}
