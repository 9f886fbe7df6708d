/**
 * /vms/{id}/snapshots: every VM has its "Active VM" snapshot; new snapshots start with
 * snapshot_status `locked` and become `ok`; restore needs the VM down, locks it, brings
 * back the saved settings and drops later snapshots; removal merges, then disappears.
 */
import { randomUUID } from 'node:crypto';
import { copyConfig } from './config.js';
import { conflict, Fault, notFound, type Engine, type FakeRequest, type Reply, type Route } from './engine.js';
import { snapshotXml } from './render.js';
import type { FakeSnapshot, FakeVm } from './store.js';
import { bool, el, str } from './xml.js';

function snapOf(engine: Engine, req: FakeRequest): { vm: FakeVm; snap: FakeSnapshot } {
  const vm = engine.vm(req.params[0]!);
  const snap = vm.snapshots.find((s) => s.id === req.params[1]);
  if (!snap) throw notFound(req.params[1]!);
  return { vm, snap };
}

function take(engine: Engine, req: FakeRequest): Reply {
  const vm = engine.vm(req.params[0]!);
  const body = el(req.body, 'snapshot') ?? {};
  engine.assertUnlocked(vm, 'create Snapshot for');
  if (bool(body, 'persist_memorystate') && vm.status !== 'up') {
    throw conflict('create', 'Snapshot', 'Memory can only be saved for a running VM.');
  }
  const snap: FakeSnapshot = {
    id: randomUUID(),
    description: str(body, 'description') ?? '',
    type: 'regular',
    status: 'locked',
    date: new Date(),
    config: copyConfig(vm.config),
  };
  // Newest last, the "Active VM" entry stays first.
  vm.snapshots.push(snap);
  const fails = engine.jobFails('snapshot');
  engine.step(() => {
    if (fails) vm.snapshots = vm.snapshots.filter((s) => s !== snap);
    else snap.status = 'ok';
  });
  return { status: 201, root: 'snapshot', body: snapshotXml(vm, snap) };
}

function restore(engine: Engine, req: FakeRequest): Reply {
  const { vm, snap } = snapOf(engine, req);
  engine.assertUnlocked(vm, 'revert to');
  if (snap.type === 'active') throw conflict('revert to', 'Snapshot', 'The active snapshot cannot be restored.');
  if (vm.status !== 'down') throw conflict('revert to', 'Snapshot', 'VM is not down.');
  if (bool(el(req.body, 'action'), 'restore_memory')) throw new Fault(400, 'Operation Failed', '[Cannot revert to Snapshot. The snapshot has no memory state.]');
  vm.status = 'image_locked';
  engine.step(() => {
    vm.config = copyConfig(snap.config);
    // Committing a snapshot removes every snapshot taken after it.
    vm.snapshots = vm.snapshots.filter((s) => s.type === 'active' || s.date <= snap.date);
    vm.status = 'down';
  });
  return { root: 'action', body: { status: 'complete' } };
}

function remove(engine: Engine, req: FakeRequest): Reply {
  const { vm, snap } = snapOf(engine, req);
  if (snap.type === 'active') throw conflict('remove', 'Snapshot', 'The active snapshot cannot be removed.');
  engine.assertUnlocked(vm, 'remove Snapshot of');
  snap.status = 'locked';
  engine.step(() => {
    vm.snapshots = vm.snapshots.filter((s) => s !== snap);
  });
  return {};
}

/** The snapshot routes. */
export function snapshotRoutes(engine: Engine): Route[] {
  const base = '^/vms/([^/]+)/snapshots';
  return [
    { method: 'GET', pattern: new RegExp(`${base}$`), handle: (req) => { const vm = engine.vm(req.params[0]!); return { root: 'snapshots', body: { snapshot: vm.snapshots.map((s) => snapshotXml(vm, s)) } }; } },
    { method: 'POST', pattern: new RegExp(`${base}$`), handle: (req) => take(engine, req) },
    { method: 'GET', pattern: new RegExp(`${base}/([^/]+)$`), handle: (req) => { const { vm, snap } = snapOf(engine, req); return { root: 'snapshot', body: snapshotXml(vm, snap) }; } },
    { method: 'DELETE', pattern: new RegExp(`${base}/([^/]+)$`), handle: (req) => remove(engine, req) },
    { method: 'POST', pattern: new RegExp(`${base}/([^/]+)/restore$`), handle: (req) => restore(engine, req) },
  ];
}
