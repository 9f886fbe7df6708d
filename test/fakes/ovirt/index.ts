/**
 * A stateful protocol-level oVirt engine (REST API v4, XML, SSO bearer tokens) on
 * 127.0.0.1 for tests, with hooks to script guests, locks, failed jobs, expired tokens and
 * transport failures, and a record of every request.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { assignedRoutes } from './assigned.js';
import { deviceRoutes } from './devices.js';
import { Engine, type JobKind } from './engine.js';
import { inventoryRoutes } from './inventory.js';
import { createServer, type FakeCall, type FakeTls, type InjectedFailure } from './server.js';
import { snapshotRoutes } from './snapshots.js';
import { FakeStore } from './store.js';
import { templateRoutes } from './templates.js';
import { vmRoutes } from './vms.js';

export type { FakeCall, FakeTls } from './server.js';
export type { JobKind } from './engine.js';
export { FakeStore, BLANK_ID, EVERYONE_ID, CDROM_ID } from './store.js';
export { FAKE_VERSION } from './inventory.js';

/** Options of the fake engine. */
export interface OvirtFakeOptions {
  readonly user?: string;
  readonly password?: string;
  /** Duration of one engine job step (lock → settled); default 15 ms. 'manual': hooks.settle() ends jobs. */
  readonly stepMs?: number | 'manual';
  /** Serve HTTPS with this key and certificate instead of plain HTTP. */
  readonly tls?: FakeTls;
}

/** Scripted behaviour. */
export interface OvirtFakeHooks {
  /** Invalidates every issued token: the next API call answers 401 (token expiry). */
  expireTokens(): void;
  /** The guest powers itself off `ms` after reaching up (an unattended install ending); all VMs unless `vmName`. */
  guestHaltsAfter(ms: number, vmName?: string): void;
  /** The next `times` changes to this VM answer 409 "Related operation is currently in progress". */
  busy(vmId: string, times?: number): void;
  /** The next `times` jobs of a kind fail: VM/template/snapshot vanish, a disk turns illegal. */
  failNextJob(kind: JobKind, times?: number): void;
  /** The next `times` API requests matching answer `status` (e.g. 503) or drop the connection ('reset'). */
  failRequests(rule: { method?: string; path?: RegExp; status: number | 'reset'; times?: number }): void;
  /** With stepMs 'manual': finishes the engine jobs pending now; returns how many. */
  settle(): number;
}

/** A running fake engine. */
export interface OvirtFake {
  /** API URL, `http(s)://127.0.0.1:<port>/ovirt-engine/api`. */
  readonly url: string;
  readonly user: string;
  readonly password: string;
  /** Every request, in order. */
  readonly calls: FakeCall[];
  readonly hooks: OvirtFakeHooks;
  /** The engine's state, for assertions. */
  readonly store: FakeStore;
  /** `METHOD path` of every call, consecutive repeats (polling) collapsed into one. */
  sequence(): string[];
  /** `METHOD path` of every non-GET API call. */
  mutations(): string[];
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 with the default inventory. */
export async function startOvirtFake(options: OvirtFakeOptions = {}): Promise<OvirtFake> {
  const store = new FakeStore();
  const engine = new Engine(store, options.stepMs ?? 15);
  const state = { user: options.user ?? 'admin@internal', password: options.password ?? randomBytes(9).toString('base64url'), tokens: new Set<string>() };
  const calls: FakeCall[] = [];
  const failures: InjectedFailure[] = [];
  const routes = [...inventoryRoutes(engine), ...vmRoutes(engine), ...deviceRoutes(engine), ...snapshotRoutes(engine), ...templateRoutes(engine), ...assignedRoutes(engine)];
  const server = createServer(routes, state, calls, failures, options.tls);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const line = (c: FakeCall): string => `${c.method} ${c.path}`;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/ovirt-engine/api`,
    user: state.user,
    password: state.password,
    calls,
    store,
    hooks: {
      expireTokens: () => state.tokens.clear(),
      guestHaltsAfter: (ms, vmName) => void engine.guestHalt.set(vmName ?? '*', ms),
      busy: (vmId, times = 1) => void engine.busy.set(vmId, (engine.busy.get(vmId) ?? 0) + times),
      failNextJob: (kind, times = 1) => engine.failNext(kind, times),
      failRequests: (rule) => void failures.push({ ...rule, times: rule.times ?? 1 }),
      settle: () => engine.settle(),
    },
    sequence: () => calls.map(line).filter((l, i, all) => i === 0 || all[i - 1] !== l),
    mutations: () => calls.filter((c) => c.method !== 'GET' && !c.path.startsWith('/ovirt-engine/')).map(line),
    close: async () => {
      engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
