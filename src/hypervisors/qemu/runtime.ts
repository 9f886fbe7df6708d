/**
 * A VM's QEMU process: finding it (pidfile, checked against /proc so a recycled pid never
 * counts), reading its power state over QMP, starting it daemonized and ending it.
 */
import { constants } from 'node:fs';
import { access, copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import type { PowerState } from '../types.js';
import { HvJobFailedError, HypervisorError } from '../errors.js';
import { buildQemuArgv, qemuEscape } from './argv.js';
import type { QemuHost } from './host.js';
import type { ResolvedQemuOptions } from './options.js';
import { qmpExecute } from './qmp.js';
import { tapName, type VmPaths, type VmRecord } from './record.js';

const platform = 'qemu' as const;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** QMP run states (query-status) mapped to vizor's power states. */
const RUN_STATES: Record<string, PowerState> = {
  running: 'running',
  paused: 'paused',
  debug: 'paused',
  suspended: 'suspended',
  shutdown: 'halted',
  inmigrate: 'transitioning',
  postmigrate: 'transitioning',
  'finish-migrate': 'transitioning',
  prelaunch: 'transitioning',
  'restore-vm': 'transitioning',
  'save-vm': 'transitioning',
};

/** The pid of the VM's QEMU when it is alive: the pidfile's pid whose command line names this VM's QMP socket. */
export async function livePid(paths: VmPaths): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(paths.pidfile, 'utf8')).trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1) return null;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'latin1');
    return cmdline.includes(`unix:${qemuEscape(paths.qmp)},`) ? pid : null;
  } catch {
    return null;
  }
}

/** The power state: halted without a process, else what QMP query-status says (transitioning while QMP is not answering yet). */
export async function powerState(paths: VmPaths): Promise<PowerState> {
  if ((await livePid(paths)) === null) return 'halted';
  try {
    const status = (await qmpExecute(paths.qmp, 'query-status', undefined, 5000)) as { status?: string };
    return RUN_STATES[status.status ?? ''] ?? 'unknown';
  } catch (err) {
    if (!(err instanceof HypervisorError)) throw err;
    // the process may have ended between the two checks
    return (await livePid(paths)) === null ? 'halted' : 'transitioning';
  }
}

/** The accelerator for `auto`: KVM when /dev/kvm can be opened read-write, TCG otherwise. */
export async function resolveAccel(accel: ResolvedQemuOptions['accel']): Promise<'kvm' | 'tcg'> {
  if (accel !== 'auto') return accel;
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
    return 'kvm';
  } catch {
    return 'tcg';
  }
}

/**
 * Starts the VM's QEMU: a fresh tap on the bridge (when there is one), stale sockets
 * removed, then QEMU daemonized. If QEMU refuses to start, the tap goes again and the
 * error carries QEMU's own message (also kept in qemu.log).
 */
export async function startQemu(rec: VmRecord, paths: VmPaths, host: QemuHost, opts: ResolvedQemuOptions): Promise<void> {
  const tap = opts.bridge ? tapName(rec.id) : null;
  if (rec.firmware === 'uefi') {
    await access(paths.vars).catch(() => copyFile(opts.ovmfVars, paths.vars));
  }
  await rm(paths.qmp, { force: true });
  await rm(paths.pidfile, { force: true });
  if (tap) await host.createTap(tap);
  const argv = buildQemuArgv(rec, { paths, accel: await resolveAccel(opts.accel), ovmfCode: opts.ovmfCode, tap });
  try {
    const out = await host.runQemu(argv);
    await writeFile(paths.log, out.stderr);
  } catch (err) {
    if (tap) await host.deleteTap(tap).catch(() => undefined);
    const text = err instanceof HypervisorError ? err.platformMessage ?? err.message : String(err);
    await writeFile(paths.log, text).catch(() => undefined);
    throw new HvJobFailedError(`qemu: VM ${rec.id} (${rec.name}) did not start: ${text}`, { platform, platformCode: 'QEMU_START', platformMessage: text, cause: err });
  }
  if ((await livePid(paths)) === null) {
    if (tap) await host.deleteTap(tap).catch(() => undefined);
    throw new HvJobFailedError(`qemu: VM ${rec.id} (${rec.name}) exited right after starting (see ${paths.log} and ${paths.serial})`, { platform, platformCode: 'QEMU_START' });
  }
}

/** Waits until `pid` is gone or `ms` passed; true when it is gone. */
async function waitGone(paths: VmPaths, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await livePid(paths)) === null) return true;
    await sleep(100);
  }
  return (await livePid(paths)) === null;
}

/** Ends QEMU at once (QMP quit, SIGKILL if it lingers) and removes the tap. Nothing to do when it is not running. */
export async function killQemu(rec: VmRecord, paths: VmPaths, host: QemuHost, opts: ResolvedQemuOptions): Promise<void> {
  const pid = await livePid(paths);
  if (pid !== null) {
    await qmpExecute(paths.qmp, 'quit', undefined, 3000).catch(() => undefined);
    if (!(await waitGone(paths, 5000))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
      if (!(await waitGone(paths, 5000))) {
        throw new HvJobFailedError(`qemu: VM ${rec.id} (pid ${pid}) did not exit after SIGKILL`, { platform, platformCode: 'QEMU_STOP' });
      }
    }
  }
  if (opts.bridge) await host.deleteTap(tapName(rec.id));
}
