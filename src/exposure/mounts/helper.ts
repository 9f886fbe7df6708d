import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELPER_HINT, MountError } from './errors.js';

// src/exposure/mounts (or dist/src/exposure/mounts after tsc): the package root is 3 or 4 up.
const here = dirname(fileURLToPath(import.meta.url));
const roots = [resolve(here, '..', '..', '..'), resolve(here, '..', '..', '..', '..')];

/** Path of the built vizor-isofs helper, or null when npm ci did not build it. */
export async function locateHelper(): Promise<string | null> {
  for (const root of roots) {
    const path = join(root, 'build', 'Release', 'vizor-isofs');
    if (await access(path, constants.X_OK).then(() => true, () => false)) return path;
  }
  return null;
}

/** The libsmbclient configuration vizor ships (native/smbclient.conf), or undefined. */
export async function locateSmbConfig(): Promise<string | undefined> {
  for (const root of roots) {
    const path = join(root, 'native', 'smbclient.conf');
    if (await access(path).then(() => true, () => false)) return path;
  }
  return undefined;
}

/** The error for a missing helper, naming what to install. */
export function helperMissing(): MountError {
  return new MountError('MOUNT_HELPER_MISSING', `the FUSE helper build/Release/vizor-isofs is not built: ${HELPER_HINT}`);
}

/** A running vizor-isofs that has mounted its tree. */
export interface HelperProcess {
  readonly pid: number;
  /** Settles when the helper exits, however that happens. */
  readonly exited: Promise<void>;
  /** Whether the helper is still running. */
  readonly alive: boolean;
  /** The last lines it wrote to stderr. */
  stderr(): string;
  /** Asks it to unmount (SIGTERM) and waits; after `timeoutMs` it is killed. True if it exited by itself. */
  stop(timeoutMs: number): Promise<boolean>;
}

const EXIT_CODES: Record<number, 'MOUNT_MANIFEST' | 'MOUNT_BACKING'> = { 2: 'MOUNT_MANIFEST', 3: 'MOUNT_BACKING' };
const STDERR_KEEP = 4096;

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The helper leads its own process group (detached): signal the group, then the pid.
    process.kill(-child.pid!, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Starts vizor-isofs on `mountPoint`, writes the manifest to its stdin and resolves once
 * it prints "ready" (the mount is live). If it exits first, rejects with MOUNT_MANIFEST,
 * MOUNT_BACKING or MOUNT_FAILED carrying its own message. The manifest holds the SMB
 * password, so it goes only through the pipe; the child runs in its own process group,
 * so a Ctrl-C meant for vizor reaches the helper only through vizor's own shutdown.
 */
export function startHelper(helperPath: string, mountPoint: string, manifest: string, readyTimeoutMs: number): Promise<HelperProcess> {
  const child = spawn(helperPath, [mountPoint], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let running = true;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_KEEP)));
  const exited = new Promise<void>((done) => {
    child.once('exit', () => {
      running = false;
      done();
    });
    child.once('error', () => {
      running = false;
      done();
    });
  });
  child.stdin!.on('error', () => undefined); // EPIPE when the helper refused early; its exit says why
  child.stdin!.end(manifest);
  const handle: HelperProcess = {
    get pid() {
      return child.pid ?? -1;
    },
    exited,
    get alive() {
      return running;
    },
    stderr: () => stderr.trim(),
    async stop(timeoutMs) {
      if (!running) return true;
      signalGroup(child, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
      const clean = await Promise.race([exited.then(() => true), timedOut]);
      clearTimeout(timer);
      if (!clean) {
        signalGroup(child, 'SIGKILL');
        await exited;
      }
      return clean;
    },
  };
  return new Promise<HelperProcess>((resolvePromise, reject) => {
    let out = '';
    let settled = false;
    const timer = setTimeout(() => {
      fail(new MountError('MOUNT_FAILED', `vizor-isofs did not mount ${mountPoint} within ${readyTimeoutMs} ms`));
      signalGroup(child, 'SIGKILL');
    }, readyTimeoutMs);
    const fail = (err: MountError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(err);
    };
    child.once('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      fail(code === 'ENOENT' || code === 'EACCES' ? helperMissing() : new MountError('MOUNT_FAILED', `cannot start vizor-isofs: ${err.message}`, { cause: err }));
    });
    child.once('exit', (code, signal) => {
      const why = stderr.trim().split('\n').pop() || `exit ${code ?? signal}`;
      fail(new MountError(EXIT_CODES[code ?? -1] ?? 'MOUNT_FAILED', `vizor-isofs could not mount ${mountPoint}: ${why}`));
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      if (settled || !out.includes('ready\n')) return;
      settled = true;
      clearTimeout(timer);
      // A mount lives as long as the service wants it: the helper must not hold the event loop open.
      child.unref();
      for (const s of [child.stdout, child.stderr]) (s as unknown as { unref?: () => void }).unref?.();
      resolvePromise(handle);
    });
  });
}
