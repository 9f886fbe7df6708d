/**
 * The QEMU driver's state: one folder per VM under stateDir holding vm.json. Writes go to
 * a temporary file renamed over the old one, so a crash never leaves half a record; calls
 * that change one VM run one at a time through lock().
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { HvNotFoundError, HvStateError } from '../errors.js';
import { VM_ID, vmPaths, type VmPaths, type VmRecord } from './record.js';

const platform = 'qemu' as const;

function isRecord(v: unknown): v is VmRecord {
  const r = v as Partial<VmRecord> | null;
  return (
    typeof r === 'object' && r !== null && r.version === 1 && typeof r.id === 'string' && typeof r.name === 'string' &&
    Array.isArray(r.macs) && Array.isArray(r.bootOrder) && Array.isArray(r.payloads) && Array.isArray(r.snapshots) &&
    typeof r.isTemplate === 'boolean' && (r.firmware === 'bios' || r.firmware === 'uefi')
  );
}

/** vm.json files under one state folder. */
export class VmStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(readonly stateDir: string) {}

  /** The files of VM `id`. */
  paths(id: string): VmPaths {
    return vmPaths(this.stateDir, id);
  }

  /** A fresh VM id whose folder does not exist yet. */
  async newId(): Promise<string> {
    await mkdir(this.stateDir, { recursive: true });
    const taken = new Set(await readdir(this.stateDir));
    for (;;) {
      const id = `vm${randomBytes(5).toString('hex')}`;
      if (!taken.has(id)) return id;
    }
  }

  /** The record of `id`, or null when there is none (a malformed id counts as none). */
  async find(id: string): Promise<VmRecord | null> {
    if (!VM_ID.test(id)) return null;
    let text: string;
    try {
      text = await readFile(this.paths(id).record, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new HvStateError(`qemu: ${this.paths(id).record} is not valid JSON`, { platform, cause: err });
    }
    if (!isRecord(parsed) || parsed.id !== id) throw new HvStateError(`qemu: ${this.paths(id).record} is not a vizor VM record`, { platform });
    return parsed;
  }

  /** The record of `id`; HvNotFoundError if absent. */
  async get(id: string): Promise<VmRecord> {
    const rec = await this.find(id);
    if (!rec) throw new HvNotFoundError(`qemu: no VM or template ${JSON.stringify(id)} in ${this.stateDir}`, { platform, platformCode: 'ENOENT' });
    return rec;
  }

  /** Writes vm.json atomically (creating the folder). */
  async put(rec: VmRecord): Promise<void> {
    const p = this.paths(rec.id);
    await mkdir(p.dir, { recursive: true });
    const tmp = `${p.record}.tmp`;
    await writeFile(tmp, `${JSON.stringify(rec, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, p.record);
  }

  /** Every readable record; folders with a broken or missing vm.json are skipped. */
  async list(): Promise<VmRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.stateDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: VmRecord[] = [];
    for (const name of names.filter((n) => VM_ID.test(n)).sort()) {
      const rec = await this.find(name).catch(() => null);
      if (rec) out.push(rec);
    }
    return out;
  }

  /** Deletes the VM folder with everything in it; nothing happens when it is gone already. */
  async remove(id: string): Promise<void> {
    if (!VM_ID.test(id)) return;
    await rm(this.paths(id).dir, { recursive: true, force: true });
  }

  /** Runs fn after every earlier lock(id) call has settled, so changes to one VM never interleave. */
  lock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }
}
