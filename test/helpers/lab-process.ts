// Processes started by the lab: each runs in its own process group (so kill() reaches its
// children too), with stdout and stderr appended to one log file that outlives this Node
// process, and helpers to wait for a line in that log.
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';

/** How a lab process ended. */
export interface LabExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process the lab started and will kill on destroy(). */
export interface LabProcess {
  readonly name: string;
  readonly pid: number;
  /** stdout and stderr, interleaved as written. */
  readonly logPath: string;
  /** Settles (never rejects) when the process has exited. */
  readonly exited: Promise<LabExit>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first match of re in output(); rejects on timeout or when the process exits without it. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the process group, SIGKILL after graceMs (default 3000); resolves when it has exited. */
  kill(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** Short label used for the log file name and in error messages. */
  name: string;
  logPath: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Reads a text file, or '' when it does not exist yet. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** The last n characters of s, for error messages. */
export function tail(s: string, n = 1500): string {
  return s.length > n ? `…${s.slice(-n)}` : s;
}

/**
 * Polls text() until re matches. Rejects after timeoutMs, or as soon as isDone() is true and
 * a final read still has no match (a dead process will not print it later).
 */
export async function waitForText(
  what: string,
  text: () => string,
  re: RegExp,
  timeoutMs: number,
  isDone: () => boolean = () => false,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = isDone();
    const m = text().match(re);
    if (m) return m;
    if (done) throw new Error(`${what} ended without printing ${re}; last output:\n${tail(text())}`);
    if (Date.now() >= deadline) throw new Error(`${what}: no ${re} within ${timeoutMs} ms; last output:\n${tail(text())}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Sends sig to the whole process group of pid, ignoring a group that is already gone. */
export function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** Starts cmd in a new process group with its output appended to opts.logPath. */
export function spawnLogged(cmd: string, args: string[], opts: SpawnOptions): LabProcess {
  const fd = openSync(opts.logPath, 'a');
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd], env: opts.env, cwd: opts.cwd });
  closeSync(fd);
  let done = false;
  const exited = new Promise<LabExit>((resolve) => {
    child.once('error', (err) => {
      done = true;
      appendFileSync(opts.logPath, `\nspawn ${cmd} failed: ${err.message}\n`);
      resolve({ code: 127, signal: null });
    });
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) done = true;
  const pid = child.pid ?? -1;
  const proc: LabProcess = {
    name: opts.name,
    pid,
    logPath: opts.logPath,
    exited,
    hasExited: () => done,
    output: () => readText(opts.logPath),
    waitForOutput: (re, timeoutMs) => waitForText(`${opts.name} (pid ${pid})`, proc.output, re, timeoutMs, () => done),
    async kill(graceMs = 3000) {
      if (done || pid < 0) return;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // children that ignored SIGTERM still share the group
      signalGroup(pid, 'SIGKILL');
    },
  };
  return proc;
}
