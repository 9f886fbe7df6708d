// A test root booted with systemd-nspawn: systemd as PID 1, its own network namespace
// (loopback only), so vizor.service runs under the real systemd with its real hardening.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT_PATH, type Run } from './support.js';

/** A booted container; exec() runs commands in all of its namespaces. */
export class Container {
  private constructor(private readonly nspawn: ChildProcess, private readonly initPid: number, private readonly log: () => string) {}

  /** Boots dir with systemd; binds are [hostPath, containerPath] pairs, mounted read-only. */
  static async boot(dir: string, binds: readonly [string, string][]): Promise<Container> {
    const args = ['-q', '-D', dir, '--boot', '--private-network', '--register=no', '--keep-unit', ...binds.map(([h, c]) => `--bind-ro=${h}:${c}`)];
    // pdeathsig: the container goes when the test process does.
    const nspawn = spawn('setpriv', ['--pdeathsig', 'TERM', '--', 'systemd-nspawn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    nspawn.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    nspawn.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    let c: Container | null = null;
    try {
      c = new Container(nspawn, await waitForInit(nspawn, () => out), () => out);
      await c.waitForBoot();
      return c;
    } catch (err) {
      if (c) await c.stop();
      else nspawn.kill('SIGKILL');
      throw err;
    }
  }

  /** Waits for systemd to finish booting: "running", or "degraded" (a unit of the minimal system failed). */
  private async waitForBoot(): Promise<void> {
    const deadline = Date.now() + 120_000;
    let state = '';
    while (Date.now() < deadline) {
      // Until systemd listens on its private socket, systemctl answers nothing.
      state = this.exec(['systemctl', 'is-system-running', '--wait'], 120_000).stdout.trim();
      if (['running', 'degraded'].includes(state)) return;
      if (!['', 'initializing', 'starting'].includes(state)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the container did not finish booting (${state || 'no answer'}): ${this.log().slice(-2000)}`);
  }

  /** Runs cmd in the container with a clean environment. */
  exec(cmd: readonly string[], timeoutMs = 5 * 60_000): Run {
    const r = spawnSync('nsenter', ['-t', String(this.initPid), '-a', '--', '/usr/bin/env', '-i', `PATH=${ROOT_PATH}`, 'HOME=/root', 'LANG=C.UTF-8', ...cmd], { encoding: 'utf8', timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
  }

  /** The console output so far (boot messages). */
  console(): string {
    return this.log();
  }

  /** Powers the container off (SIGTERM to nspawn), killing it if that takes over 60 s. */
  async stop(): Promise<void> {
    if (this.nspawn.exitCode !== null || this.nspawn.signalCode !== null) return;
    const gone = new Promise((r) => this.nspawn.once('exit', r));
    this.nspawn.kill('SIGTERM');
    const timer = setTimeout(() => this.nspawn.kill('SIGKILL'), 60_000);
    await gone;
    clearTimeout(timer);
  }
}

/** The container's PID 1: nspawn's child once it runs systemd. */
async function waitForInit(nspawn: ChildProcess, out: () => string): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (nspawn.exitCode !== null) throw new Error(`systemd-nspawn exited (${nspawn.exitCode}): ${out().slice(-2000)}`);
    for (const pid of childrenOf(nspawn.pid!)) {
      if (readComm(pid) === 'systemd') return pid;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`systemd did not start in the container: ${out().slice(-2000)}`);
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function readComm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
