import type { XapiDb } from './db.js';
import { XapiFault } from './faults.js';
import { xapiDate, type XapiValue } from './schema.js';

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Encodes a method result the way XAPI stores it in task.result: an XML-RPC `<value>`
 * (ints as decimal strings, like XAPI's XML-RPC), or '' for methods without a result.
 */
export function xmlRpcValue(v: unknown): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v === 'string') return `<value>${escapeXml(v)}</value>`;
  if (typeof v === 'number') return `<value>${String(v)}</value>`;
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (Array.isArray(v)) return `<value><array><data>${v.map((x) => xmlRpcValue(x) || '<value></value>').join('')}</data></array></value>`;
  const members = Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `<member><name>${escapeXml(k)}</name>${xmlRpcValue(x) || '<value></value>'}</member>`)
    .join('');
  return `<value><struct>${members}</struct></value>`;
}

/** Runs Async.* calls as task records that go pending → success/failure, with events. */
export class TaskRunner {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly db: XapiDb,
    private readonly host: () => string,
    private readonly delayMs: number,
  ) {}

  /** Creates a bare task (task.create): stays pending until someone finishes it. */
  create(name: string, description: string): string {
    return this.db.create('task', { name_label: name, name_description: description, created: xapiDate(), resident_on: this.host() });
  }

  /** Creates a pending task for `name` and runs `work` shortly after; returns the task ref at once. */
  run(name: string, work: () => unknown): string {
    const ref = this.create(name, '');
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.finish(ref, work);
    }, this.delayMs);
    this.timers.add(timer);
    return ref;
  }

  /** Marks a pending task cancelled (work that has not started will not run). */
  cancel(ref: string): void {
    const task = this.db.get('task', ref);
    if (task['status'] !== 'pending') return;
    this.db.update('task', ref, { status: 'cancelled', finished: xapiDate(), current_operations: {}, allowed_operations: [] });
  }

  /** Stops pending work (the fake is closing). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async finish(ref: string, work: () => unknown): Promise<void> {
    const task = this.db.find('task', ref);
    if (!task || task['status'] !== 'pending') return;
    try {
      const result = await work();
      if (!this.db.find('task', ref)) return;
      this.db.update('task', ref, { status: 'success', progress: 1, finished: xapiDate(), result: xmlRpcValue(result), allowed_operations: [] });
    } catch (err) {
      if (!this.db.find('task', ref)) return;
      const fault = err instanceof XapiFault ? err : new XapiFault('INTERNAL_ERROR', [String((err as Error)?.message ?? err)]);
      const errorInfo: XapiValue[] = [fault.code, ...fault.params];
      this.db.update('task', ref, { status: 'failure', progress: 1, finished: xapiDate(), error_info: errorInfo, allowed_operations: [] });
    }
  }
}
