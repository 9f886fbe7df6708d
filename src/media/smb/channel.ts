import { Worker } from 'node:worker_threads';
import { SmbError } from './errors.js';
import type { SmbCall, SmbReply, WorkerInit } from './protocol.js';

/**
 * Request/reply messaging with one SMB worker thread. Replies resolve in any order by id;
 * if the worker dies, every pending and later call rejects with SMB_IO. The worker keeps
 * the process alive only while a call is pending.
 */
export class WorkerChannel {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: SmbReply) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private dead: SmbError | null = null;

  constructor(init: WorkerInit, private readonly label: string) {
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
    this.worker.unref();
    this.worker.on('message', (reply: SmbReply) => this.settle(reply));
    this.worker.on('error', (err) => this.fail(`smb worker for ${label} crashed: ${err.message}`, err));
    this.worker.on('exit', (code) => this.fail(`smb worker for ${label} exited (code ${code})`));
  }

  /** Sends one call; resolves with the worker's reply, rejects with SMB_IO if the worker is gone. */
  call(call: SmbCall): Promise<SmbReply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<SmbReply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...call, id });
    });
  }

  /** True once the worker has exited or crashed. */
  get closed(): boolean {
    return this.dead !== null;
  }

  /** Stops the worker; pending calls reject with SMB_IO. */
  async terminate(): Promise<void> {
    if (!this.dead) this.fail(`smb client for ${this.label} is closed`);
    await this.worker.terminate();
  }

  private settle(reply: SmbReply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    waiter.resolve(reply);
  }

  private fail(message: string, cause?: unknown): void {
    this.dead ??= new SmbError('SMB_IO', message, { cause });
    const waiters = [...this.pending.values()];
    this.pending.clear();
    this.worker.unref();
    for (const w of waiters) w.reject(this.dead);
  }
}
