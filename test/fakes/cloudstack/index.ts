// A stateful, protocol-level CloudStack management server for tests: signed requests checked
// as ApiServer.verifyRequest does, JSON responses, async jobs, and an inventory of zones,
// offerings, templates, ISOs, networks, VMs, volumes, VM snapshots and tags.
//
// Conventions the real API has no flag for, and the fake follows:
// - guest-tools ISOs are recognised by name only: CloudStack seeds "xs-tools.iso" (XenServer)
//   and "vmware-tools.iso" (VMware) as system ISOs; the default inventory has "xs-tools.iso";
// - a "busy" VM fails its next jobs with a ConcurrentOperationException text (jobresultcode 530);
// - job results carry `cmd` as the API command name rather than the Java class.
import type { Server } from 'node:http';
import { JobEngine, type ForcedFailure } from './jobs.js';
import type { FakeCtx, GuestScript } from './context.js';
import { buildInventory, type CsInventory, type CsSeed } from './state.js';
import { listen, type RecordedCall } from './server.js';

export type { RecordedCall } from './server.js';
export type { GuestScript } from './context.js';
export type { CsInventory, CsSeed } from './state.js';
export { defaultSeed } from './state.js';
export { urlEncoderEncode, verifyRequest, parseExpires } from './verify.js';

/** Options of {@link startCloudStackFake}. */
export interface CloudStackFakeOptions {
  readonly apiKey?: string;
  readonly secretKey?: string;
  /** queryAsyncJobResult answers that stay at jobstatus 0 before a job completes (default 1). */
  readonly jobPolls?: number;
  /** listIsos calls before a registered ISO is ready (default 2). */
  readonly isoReadyPolls?: number;
  /** Hypervisor VMs report (default KVM). */
  readonly hypervisor?: string;
  /** allow.user.expunge.recover.vm (default true). */
  readonly allowUserExpunge?: boolean;
  /** enforce.post.requests.and.timestamps (default false). */
  readonly enforcePostAndTimestamps?: boolean;
  /** Guest behaviour of every VM unless scripted per VM. */
  readonly guest?: GuestScript;
  readonly seed?: CsSeed;
  /** The server's clock, for expiry checks. */
  readonly now?: () => Date;
}

/** Test hooks of a running fake. */
export interface CloudStackFakeHooks {
  /** The next job of `command` fails (jobstatus 2, jobresultcode 530). */
  failNextJob(command: string, failure?: ForcedFailure): void;
  /** The next `times` jobs on the VM fail as busy (ConcurrentOperationException). */
  busyVm(vmId: string, times?: number): void;
  /** The next `count` requests (of `command`, when given) get HTTP `status` (429 API limit or 503 unavailable) before any checks. */
  failNextRequests(count: number, status: 429 | 503, command?: string): void;
  /** Scripts the guest of a VM, by id or by name (also for VMs created later with that name). */
  scriptGuest(vmIdOrName: string, script: GuestScript): void;
  /** ISOs registered under this name never finish downloading (their status says the download failed). */
  failIsoDownload(name: string): void;
  setJobPolls(polls: number): void;
  /** Completes every pending job now. */
  drainJobs(): void;
}

/** A running fake. */
export interface CloudStackFake {
  /** The API endpoint, `http://127.0.0.1:<port>/client/api`. */
  readonly url: string;
  readonly apiKey: string;
  readonly secretKey: string;
  /** Every request, in order. */
  readonly calls: RecordedCall[];
  readonly hooks: CloudStackFakeHooks;
  readonly inventory: CsInventory;
  /** The commands called so far, without queryAsyncJobResult polls. */
  commands(): string[];
  close(): Promise<void>;
}

/** Starts a fake CloudStack on 127.0.0.1 with the default inventory (zone1, vizor-net, installer.iso...). */
export async function startCloudStackFake(opts: CloudStackFakeOptions = {}): Promise<CloudStackFake> {
  const apiKey = opts.apiKey ?? 'fake-api-key-0123456789';
  const secretKey = opts.secretKey ?? 'fake-secret-key-abcdefghij';
  const inventory = buildInventory(opts.seed);
  const jobs = new JobEngine(opts.jobPolls ?? 1);
  const scripts = new Map<string, GuestScript>();
  const failingIsoNames = new Set<string>();
  const ctx: FakeCtx = {
    inv: inventory,
    jobs,
    settings: { hypervisor: opts.hypervisor ?? 'KVM', isoReadyPolls: opts.isoReadyPolls ?? 2, allowUserExpunge: opts.allowUserExpunge ?? true },
    guestOf: (vm) => scripts.get(vm.id) ?? scripts.get(vm.name) ?? opts.guest ?? {},
    guestTimers: new Map(),
  };
  const calls: RecordedCall[] = [];
  const injected: Array<{ status: 429 | 503; command?: string }> = [];
  const { server, port } = await listen({
    ctx,
    calls,
    injected,
    verify: {
      secretOf: (key) => (key === apiKey ? secretKey : undefined),
      now: opts.now ?? (() => new Date()),
      enforcePostAndTimestamps: opts.enforcePostAndTimestamps ?? false,
    },
  });
  // an ISO registered under a failing name is marked as soon as it appears
  const markFailing = (): void => {
    for (const iso of inventory.isos.values()) {
      if (!iso.isready && failingIsoNames.has(iso.name) && !iso.downloadFails) {
        iso.downloadFails = true;
        iso.status = 'Failed to download ISO: connection refused by the ISO URL';
      }
    }
  };
  server.on('request', (_req, res) => res.on('finish', markFailing));
  return {
    url: `http://127.0.0.1:${port}/client/api`,
    apiKey,
    secretKey,
    calls,
    inventory,
    hooks: {
      failNextJob: (command, failure) => jobs.failNextJob(command, failure),
      busyVm: (vmId, times = 1) => jobs.makeBusy(vmId, times),
      failNextRequests: (count, status, command) => {
        for (let i = 0; i < count; i++) injected.push({ status, command });
      },
      scriptGuest: (key, script) => void scripts.set(key, script),
      failIsoDownload: (name) => void failingIsoNames.add(name),
      setJobPolls: (polls) => void (jobs.polls = polls),
      drainJobs: () => jobs.drain(),
    },
    commands: () => calls.filter((c) => c.command !== 'queryAsyncJobResult').map((c) => c.command),
    close: () => closeServer(server, ctx),
  };
}

function closeServer(server: Server, ctx: FakeCtx): Promise<void> {
  for (const t of ctx.guestTimers.values()) clearTimeout(t);
  ctx.guestTimers.clear();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
