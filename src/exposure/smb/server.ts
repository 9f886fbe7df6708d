import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import { renderSmbConf, SMB_STATE_DIRS, type SmbShare } from '../smb-conf.js';
import { SmbServerError } from './errors.js';

const SMBD = '/usr/sbin/smbd';
const SMBCONTROL = '/usr/bin/smbcontrol';
const SETPRIV = '/usr/bin/setpriv';

/** Where and how vizor's private smbd runs. */
export interface SmbServerOptions {
  /** Folder for smb.conf and every smbd state file (created 0700). */
  readonly stateDir: string;
  readonly listen: readonly string[];
  /** 445 in production; tests use a free port. */
  readonly port: number;
  readonly netbiosName?: string;
  readonly log: Logger;
}

function isRunning(child: ChildProcess | null): child is ChildProcess {
  return !!child && child.exitCode === null && child.signalCode === null;
}

/**
 * vizor's own smbd: a private smb.conf (see renderSmbConf) it rewrites whenever the shares
 * change, followed by a `reload-config` message, so clients that are connected stay
 * connected. smbd dies with vizor (parent-death signal) and a leftover from a crash is
 * stopped before a new one starts.
 */
export class SmbServer {
  private child: ChildProcess | null = null;
  private shares: readonly SmbShare[] = [];
  readonly configFile: string;

  constructor(private readonly o: SmbServerOptions) {
    this.configFile = join(o.stateDir, 'smb.conf');
  }

  /** Writes the configuration and starts smbd; resolves once it accepts connections. */
  async start(shares: readonly SmbShare[] = []): Promise<void> {
    if (!existsSync(SMBD)) throw new SmbServerError(`${SMBD} not found: install the Debian package samba (apt-get install samba)`);
    await mkdir(this.o.stateDir, { recursive: true, mode: 0o700 });
    await chmod(this.o.stateDir, 0o700);
    for (const sub of SMB_STATE_DIRS) await mkdir(join(this.o.stateDir, sub), { recursive: true, mode: sub === 'private' ? 0o700 : 0o755 });
    await this.stopLeftover();
    await this.writeConfig(shares);
    const smbd = [SMBD, '--foreground', '--no-process-group', `--configfile=${this.configFile}`];
    const argv = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'SIGTERM', ...smbd] : smbd;
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore' });
    this.child = child;
    child.on('exit', (code, signal) => {
      if (this.child === child) this.o.log.warn({ code, signal }, 'smbd exited');
    });
    try {
      await this.waitForPort();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.o.log.info({ port: this.o.port, listen: this.o.listen, shares: shares.length }, 'smbd listening');
  }

  /** The shares currently configured. */
  get currentShares(): readonly SmbShare[] {
    return this.shares;
  }

  /** Replaces the share list and tells every smbd process to reload; no client is dropped. */
  async setShares(shares: readonly SmbShare[]): Promise<void> {
    await this.writeConfig(shares);
    if (!isRunning(this.child)) throw new SmbServerError('smbd is not running: cannot reload its shares');
    await new Promise<void>((resolve, reject) => {
      execFile(SMBCONTROL, [`--configfile=${this.configFile}`, 'smbd', 'reload-config'], { timeout: 15_000 }, (err, _out, stderr) => {
        if (err) reject(new SmbServerError(`smbcontrol reload-config failed: ${String(stderr).trim() || err.message}`, { cause: err }));
        else resolve();
      });
    });
    this.o.log.info({ shares: shares.map((s) => s.name) }, 'smbd shares reloaded');
  }

  /** Stops smbd and its children. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!isRunning(child) || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const signal = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, sig);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    signal('SIGKILL');
  }

  private async writeConfig(shares: readonly SmbShare[]): Promise<void> {
    const text = renderSmbConf({ listen: this.o.listen, port: this.o.port, stateDir: this.o.stateDir, shares, netbiosName: this.o.netbiosName ?? 'VIZOR' });
    // Atomic replace: smbd never reads a half-written file.
    const tmp = `${this.configFile}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, this.configFile);
    this.shares = shares;
  }

  /** A smbd left running by a vizor that crashed holds the port: stop it by its pid file. */
  private async stopLeftover(): Promise<void> {
    const pidFile = join(this.o.stateDir, 'run', 'smbd-smb.conf.pid');
    const alt = join(this.o.stateDir, 'run', 'smbd.pid');
    for (const file of [pidFile, alt]) {
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (!Number.isInteger(pid) || pid <= 1) continue;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!cmdline.includes('smbd') || !cmdline.includes(this.configFile)) continue;
      this.o.log.warn({ pid }, 'stopping an smbd left behind by an earlier run');
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  private async waitForPort(timeoutMs = 15_000): Promise<void> {
    const host = this.o.listen[0]!;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!isRunning(this.child)) break;
      const ok = await new Promise<boolean>((resolve) => {
        const sock = connect(this.o.port, host);
        sock.once('connect', () => (sock.destroy(), resolve(true)));
        sock.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    const log = await readFile(join(this.o.stateDir, 'log.smbd'), 'utf8').catch(() => '');
    throw new SmbServerError(`smbd did not listen on ${host}:${this.o.port}: ${log.trim().split('\n').slice(-3).join(' | ') || 'no log'}`);
  }
}
