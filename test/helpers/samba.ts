// Starts a real Samba smbd on 127.0.0.1 with a fully private configuration, for SMB
// client tests. Needs root (a Unix account backs the Samba user) and the Debian package
// samba; fails (never skips) with the package name when smbd is missing.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderSmbConf, SMB_STATE_DIRS } from '../../src/exposure/index.js';

const run = promisify(execFile);
const SMBD = '/usr/sbin/smbd';
const SMBPASSWD = '/usr/bin/smbpasswd';
const SETPRIV = '/usr/bin/setpriv';
/** A suggested Samba user name; each Samba user is backed by a Unix system account of the same name. */
export const SAMBA_TEST_USER = 'vizor-smbtest';

export interface SambaOptions {
  /** Share name -> local directory. */
  shares: Record<string, string>;
  user: string;
  password: string;
  writable?: boolean;
  /** Renders the whole smb.conf instead of the built-in one (state folder, port). */
  config?: (stateDir: string, port: number) => string;
}

export interface SambaServer {
  host: '127.0.0.1';
  port: number;
  /** The private smb.conf, e.g. for smbclient -s. */
  configFile: string;
  stop(): Promise<void>;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function requireTool(path: string): Promise<void> {
  if (!(await exists(path))) throw new Error(`${path} not found: install the Debian package samba (apt-get install samba)`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Creates the system account a Samba user maps to, unless it exists (tests run as root). */
async function ensureUnixUser(user: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) throw new Error(`startSamba: "${user}" is not a valid Unix user name`);
  try {
    await run('id', ['-u', user]);
    return;
  } catch {
    // create it below
  }
  try {
    await run('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
  } catch (err) {
    // a concurrent test file may have created it meanwhile
    await run('id', ['-u', user]).catch(() => {
      throw new Error(`cannot create Unix user ${user} for smbd (run the tests as root): ${(err as Error).message}`);
    });
  }
}

/** Makes a shared tree readable by the Samba user (directories a+rx, files a+r). */
async function makeReadable(path: string): Promise<void> {
  const s = await stat(path);
  await chmod(path, s.mode | (s.isDirectory() ? 0o555 : 0o444));
  if (s.isDirectory()) for (const name of await readdir(path)) await makeReadable(join(path, name));
}

/** The default configuration: vizor's own smb.conf generator, so these tests run on it too. */
function smbConf(dir: string, port: number, opts: SambaOptions): string {
  return renderSmbConf({
    listen: ['127.0.0.1'],
    port,
    stateDir: dir,
    netbiosName: 'VIZORTEST',
    shares: Object.entries(opts.shares).map(([name, path]) => ({ name, path, writable: !!opts.writable, users: [opts.user] })),
  });
}

async function waitForPort(port: number, child: ChildProcess, logFile: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const log = await readFile(logFile, 'utf8').catch(() => '');
  throw new Error(`smbd did not listen on 127.0.0.1:${port} (exit ${child.exitCode ?? child.signalCode ?? 'none'}):\n${log.slice(-2000)}`);
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
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
  signal('SIGKILL'); // smbd's forked children, if any outlived the parent
}

/** Starts smbd in the foreground with a private config and waits until it accepts connections. */
export async function startSamba(opts: SambaOptions): Promise<SambaServer> {
  await requireTool(SMBD);
  await requireTool(SMBPASSWD);
  await ensureUnixUser(opts.user);
  for (const path of Object.values(opts.shares)) await makeReadable(path);
  const dir = await mkdtemp(join(tmpdir(), 'vizor-samba-'));
  try {
    const port = await freePort();
    const configFile = join(dir, 'smb.conf');
    for (const sub of SMB_STATE_DIRS) await mkdir(join(dir, sub), { mode: sub === 'private' ? 0o700 : 0o755 });
    await writeFile(configFile, opts.config ? opts.config(dir, port) : smbConf(dir, port, opts));
    await addSambaUser(configFile, opts.user, opts.password);
    // setpriv (util-linux) stops smbd if this test process dies without calling stop().
    const smbd = [SMBD, '--foreground', '--no-process-group', `--configfile=${configFile}`];
    const argv = (await exists(SETPRIV)) ? [SETPRIV, '--pdeathsig', 'SIGTERM', ...smbd] : smbd;
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: 'ignore' });
    try {
      await waitForPort(port, child, join(dir, 'log.smbd'));
    } catch (err) {
      await killGroup(child);
      throw err;
    }
    let stopped: Promise<void> | undefined;
    return {
      host: '127.0.0.1',
      port,
      configFile,
      stop: () => (stopped ??= killGroup(child).then(() => rm(dir, { recursive: true, force: true }))),
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function addSambaUser(configFile: string, user: string, password: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(SMBPASSWD, ['-c', configFile, '-a', '-s', user], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smbpasswd -a ${user} failed (${code}): ${stderr.trim()}`))));
    child.stdin.end(`${password}\n${password}\n`);
  });
}
