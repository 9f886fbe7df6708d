// Async jobs as queryAsyncJobResult shows them: jobstatus 0 for a set number of polls, then
// 1 with the command's object in jobresult, or 2 with jobresultcode 530 and
// jobresult {errorcode, errortext}. The work of a job runs when it completes.
import { ACCOUNT, csDate, newId } from './state.js';
import { ApiErrorCode, CsApiError } from './protocol.js';

/** What a command hands the engine. */
export interface JobSpec {
  readonly command: string;
  /** The VM the job works on, for the busy-VM hook. */
  readonly vmId?: string;
  /** Does the work; its return value becomes jobresult. A CsApiError fails the job. */
  run(): Record<string, unknown>;
  /** Cleans up after a failure (e.g. a deploy leaves its VM in Error). */
  onFail?(): void;
}

/** A failure a test asked for. */
export interface ForcedFailure {
  readonly errorcode?: number;
  readonly errortext?: string;
}

interface Job {
  readonly id: string;
  readonly spec: JobSpec;
  readonly created: string;
  pollsLeft: number;
  status: 0 | 1 | 2;
  resultcode: number;
  result?: Record<string, unknown>;
  completed?: string;
  forced?: ForcedFailure;
}

/** The text the busy-VM hook fails jobs with; drivers recognise "ConcurrentOperationException". */
export const busyText = (vmId: string): string =>
  `Unable to orchestrate the operation on VM ${vmId}: ConcurrentOperationException: another operation is in progress on this VM, please retry`;

/** Runs and reports async jobs. */
export class JobEngine {
  private readonly jobs = new Map<string, Job>();
  private readonly failNext = new Map<string, ForcedFailure[]>();
  private readonly busy = new Map<string, number>();

  /** `polls`: how many queryAsyncJobResult answers stay at jobstatus 0. */
  constructor(public polls: number) {}

  /** Makes the next job of `command` fail. */
  failNextJob(command: string, failure: ForcedFailure = {}): void {
    const key = command.toLowerCase();
    this.failNext.set(key, [...(this.failNext.get(key) ?? []), failure]);
  }

  /** Makes the next `times` jobs on the VM fail as busy (ConcurrentOperationException). */
  makeBusy(vmId: string, times: number): void {
    this.busy.set(vmId, (this.busy.get(vmId) ?? 0) + times);
  }

  /** Queues a job and returns its id. */
  submit(spec: JobSpec): string {
    const job: Job = { id: newId(), spec, created: csDate(), pollsLeft: this.polls, status: 0, resultcode: 0 };
    const queued = this.failNext.get(spec.command.toLowerCase());
    if (queued?.length) job.forced = queued.shift();
    else if (spec.vmId && (this.busy.get(spec.vmId) ?? 0) > 0) {
      this.busy.set(spec.vmId, this.busy.get(spec.vmId)! - 1);
      job.forced = { errorcode: ApiErrorCode.Internal, errortext: busyText(spec.vmId) };
    }
    this.jobs.set(job.id, job);
    return job.id;
  }

  /** True when a job id exists. */
  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** One poll of queryAsyncJobResult: the job's state, completing it once its polls are used up. */
  query(jobId: string): Record<string, unknown> {
    const job = this.jobs.get(jobId)!;
    if (job.status === 0) {
      if (job.pollsLeft > 0) job.pollsLeft--;
      else this.complete(job);
    }
    return {
      accountid: ACCOUNT, userid: ACCOUNT, cmd: job.spec.command, jobstatus: job.status, jobprocstatus: 0,
      jobresultcode: job.resultcode, jobresulttype: 'object', jobresult: job.result, created: job.created,
      completed: job.completed, jobid: job.id,
    };
  }

  /** Completes every pending job at once (for tests that skip polling). */
  drain(): void {
    for (const job of this.jobs.values()) if (job.status === 0) this.complete(job);
  }

  private complete(job: Job): void {
    job.completed = csDate();
    if (job.forced) return this.fail(job, job.forced.errorcode ?? ApiErrorCode.Internal, job.forced.errortext ?? `Job of ${job.spec.command} failed (injected by the test)`);
    try {
      job.result = job.spec.run();
      job.status = 1;
    } catch (err) {
      if (!(err instanceof CsApiError)) throw err;
      this.fail(job, err.errorcode, err.errortext);
    }
  }

  private fail(job: Job, errorcode: number, errortext: string): void {
    job.status = 2;
    job.resultcode = ApiErrorCode.Internal;
    job.result = { errorcode, errortext };
    job.spec.onFail?.();
  }
}
